"""`kim eval` passes on the real sets and fails, naming the metric, when retrieval is broken."""

from pathlib import Path

import numpy as np
import pytest

from assistant import cli
from assistant.retrieval.lexical import LexicalIndex
from tests.conftest import REPO


@pytest.fixture(autouse=True)
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # evals/sets.toml names folders relative to the repository


def test_gate_passes_in_lexical_mode(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["eval", "--modes", "lexical", "--baselines", "bm25",
                     "--json-out", str(tmp_path / "eval.json")])
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Gate bestanden" in out.out and "llamaindex-bm25" in out.out
    assert "Anfragen beantworten (kim draft)" in out.out and "| seeds | 5 | 38 | 1.000 | 1.000 |" in out.out
    assert (tmp_path / "eval.json").stat().st_size > 1000


def test_gate_fails_and_names_the_metric_when_retrieval_is_broken(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    original = LexicalIndex.scores

    def inverted(self: LexicalIndex, question: str, mask: np.ndarray | None = None) -> np.ndarray:
        scores = original(self, question, mask)
        return np.where(scores > 0, scores.max() + 1.0 - scores, 0.0).astype(np.float32)

    monkeypatch.setattr(LexicalIndex, "scores", inverted)  # best passages now rank last
    code = cli.main(["eval", "--modes", "lexical", "--baselines", "none"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Gate verfehlt: seeds/kim-lexical/passage_hit_at_1" in err
    assert "corpus/kim-lexical/passage_mrr_at_10" in err


def test_report_writes_markdown_and_chart(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["eval", "--modes", "lexical", "--baselines", "bm25", "--report", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    report = (tmp_path / "latest.md").read_text(encoding="utf-8")
    assert "| kim-lexical |" in report and "| llamaindex-bm25 |" in report
    assert (tmp_path / "latest.png").read_bytes()[:4] == b"\x89PNG"
