"""Choose the sentence check's thresholds (assistant/llm/verify.py) on the tuned and dev sets.

Without an LLM here, a generated sentence is stood in for by its question turned into a claim:
"<question without its question mark>: <the expected answer>." A model's sentence paraphrases
its passage at least as closely as this, so a threshold that keeps these claims is on the
lenient side. Each claim is paired
- with the passage that holds its answer (must pass),
- with the best-ranked passage of another document that does not hold it (a hard negative: the
  search found it similar, a model might cite it), and
- with a random passage of another document (an easy negative).
The chosen thresholds keep ``KEEP`` of the supported pairs; the report says how many negatives
still pass (those are left to the number, date and name check). Run with the dev venv:
    .venv/bin/python evals/calibrate_llm.py
"""

import random
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.evaluation.gold import contains_answer, load_gold
from assistant.ingest.pipeline import ingest
from assistant.llm.answer import LlmAnswerer
from assistant.llm.verify import Verifier, passage_spans

sys.path.insert(0, str(Path(__file__).resolve().parent))
from calibrate import calibration_sets

KEEP = 0.9  # share of supported claims the thresholds must keep
REPORT = Path(__file__).resolve().parent / "reports" / "calibration-llm.md"


def pairs_of(spec: object) -> list[tuple[str, str, str, str]]:
    """(kind, question, claim, passage text) for one set."""
    settings = Settings(index_dir=Path(tempfile.mkdtemp(prefix="kim-calib-llm-")),
                        corpus_dirs=spec.corpus_dirs, retrieval_mode="hybrid")  # type: ignore[attr-defined]
    ingest(settings, progress=False)
    assistant = Assistant.open(settings)
    rng = random.Random(20261201)
    pairs = []
    for q in load_gold(spec.gold):  # type: ignore[attr-defined]
        if not q.answerable:
            continue
        claim = f"{q.question.rstrip(' ?')}: {', '.join(g[0] for g in q.answer_contains)}."
        hits = assistant.retriever.retrieve(q.question, 10, {})
        holding = [h for h in hits if contains_answer(h.record.text, q.answer_contains)]
        if not holding:
            continue
        source = holding[0].record.source
        others = [h for h in hits if h.record.source != source
                  and not contains_answer(h.record.text, q.answer_contains)]
        pairs.append(("belegt", q.question, claim, holding[0].record.text))
        if others:
            pairs.append(("schwer", q.question, claim, others[0].record.text))
        unrelated = [r for r in assistant.records if r.source != source]
        pairs.append(("zufällig", q.question, claim, rng.choice(unrelated).text))
    verifier = LlmAnswerer(None, 1)._verifier(assistant)
    return [(kind, *_scores(verifier, claim, text)) for kind, _q, claim, text in pairs]


def _scores(verifier: Verifier, claim: str, text: str) -> tuple[float, float]:
    spans = [(1, s) for s in passage_spans(text)]
    assert verifier.meaning is not None, "calibration needs the bundled model (hybrid index)"
    semantic, _ = verifier.closest(claim, spans)
    lexical, _ = verifier.word_share(claim, spans)
    return semantic, lexical


def _row(name: str, threshold: str, scores: list[tuple[str, float, float]],
         passes: Callable[[tuple[str, float, float]], bool]) -> str:
    kept = {kind: np.mean([passes(s) for s in scores if s[0] == kind])
            for kind in ("belegt", "schwer", "zufällig")}
    return (f"| {name} | {threshold} | {kept['belegt']:.2f} | {kept['schwer']:.2f} | "
            f"{kept['zufällig']:.2f} |")


def main() -> int:
    scores: list[tuple[str, float, float]] = []
    for spec in calibration_sets():
        scores += pairs_of(spec)
        print(f"{spec.name}: {len(scores)} Paare bisher", flush=True)
    lines = ["# Calibration of the LLM sentence check", "",
             f"Pairs from the tuned and dev sets (evals/calibrate_llm.py); keep {KEEP:.0%} of the "
             "supported claims.", "", "| check | threshold | belegt kept | schwer kept | "
             "zufällig kept |", "|---|---|---|---|---|"]
    chosen = {}
    for column, name in ((1, "semantic"), (2, "lexical")):
        supported = np.array([s[column] for s in scores if s[0] == "belegt"])
        chosen[column] = float(np.floor(np.quantile(supported, 1 - KEEP) * 100) / 100)
        lines.append(_row(name, f"{chosen[column]:.2f}", scores,
                          lambda s, c=column: s[c] >= chosen[c]))
    # What the check does: a sentence must pass both.
    lines.append(_row("both", "both", scores, lambda s: s[1] >= chosen[1] and s[2] >= chosen[2]))
    counts = {k: sum(1 for s in scores if s[0] == k) for k in ("belegt", "schwer", "zufällig")}
    lines += ["", "Pairs: " + ", ".join(f"{k} {v}" for k, v in counts.items()), ""]
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
