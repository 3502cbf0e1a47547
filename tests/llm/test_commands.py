"""`kim ask --mode llm`, `kim eval --mode llm` and the README's KimRetriever example, run for real
against the local fake server."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.config import Settings
from tests.conftest import KIM, REPO
from tests.fake_llm import FakeLlm
from tests.llm.conftest import corpus_of, kim_env

pytestmark = pytest.mark.model
QUESTION = "Wie viele Menschen hat das Case Management im Kreis Kleve 2023 begleitet?"


def kim(*args: str, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([*KIM, *args], cwd=REPO, env={**os.environ, **env}, text=True,
                          capture_output=True, timeout=timeout, check=False)


def test_ask_json_lists_the_removed_sentence(llm_settings: Settings, fake: FakeLlm) -> None:
    fake.script = "falsche-zahl"
    done = kim("ask", "--json", QUESTION, env=kim_env(llm_settings, fake))
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["mode"] == "llm" and answer["reason"] == "answered"
    assert "389" in answer["answer"]
    [removed] = answer["unsupported"]
    assert removed["reason"].startswith("Die Angabe „") and removed["sentence"] not in answer["answer"]


def test_ask_tells_when_the_server_is_down(llm_settings: Settings, fake: FakeLlm) -> None:
    env = {**kim_env(llm_settings, fake), "KIM_LLM_BASE_URL": "http://127.0.0.1:9/v1"}
    done = kim("ask", QUESTION, env=env)
    assert done.returncode == 0, done.stderr
    assert "389" in done.stdout
    assert "Hinweis: Das Sprachmodell ist nicht erreichbar – die Antwort zitiert die Dokumente " \
           "wörtlich." in done.stdout


def test_ask_mode_extractive_and_an_unconfigured_llm(llm_settings: Settings, fake: FakeLlm) -> None:
    done = kim("ask", "--json", "--mode", "extractive", QUESTION, env=kim_env(llm_settings, fake))
    assert json.loads(done.stdout)["mode"] == "extractive" and not fake.requests
    env = {"KIM_INDEX_DIR": str(llm_settings.index_dir), "KIM_LLM_PROVIDER": "none"}
    done = kim("ask", "--mode", "llm", QUESTION, env=env)
    assert done.returncode == 1
    assert "Kein Sprachmodell eingerichtet – KIM_LLM_PROVIDER" in done.stderr


def test_eval_mode_llm_reports_kept_sentences_and_fallbacks(
        llm_settings: Settings, fake: FakeLlm, tmp_path: Path) -> None:
    gold = tmp_path / "gold.jsonl"
    questions = [
        {"id": "q1", "question": QUESTION, "relevant": ["2024-03-05_kleve_mitteilungsvorlage_kim"],
         "answer_contains": [["389"]], "kind": "fact"},
        {"id": "q2", "question": "Wie viele Vollzeitstellen sind im Kreis Kleve im Baustein 2 "
         "besetzt?", "relevant": ["2024-03-05_kleve_mitteilungsvorlage_kim"],
         "answer_contains": [["9,5"]], "kind": "fact"},
    ]
    gold.write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in questions), "utf-8")
    fake.script = "unbelegt"  # each answer: one sentence kept, one removed
    env = {key: value for key, value in kim_env(llm_settings, fake).items()
           if key != "KIM_INDEX_DIR"}
    done = kim("eval", "--mode", "llm", "--set", str(gold), "--corpus",
               str(corpus_of(llm_settings)), "--modes", "hybrid", "--baselines", "none",
               "--thresholds", str(tmp_path / "keine.toml"), env=env, timeout=600)
    line = next(x for x in done.stdout.splitlines() if x.startswith("gold ("))
    assert "kim-hybrid-llm" in line, done.stdout + done.stderr
    assert re.search(r"Antwort 1\.000", line) and "Sätze behalten 0.500" in line
    assert "Rückfall 0.000" in line
    assert len(fake.requests) == 2


def test_the_readme_retriever_example_runs(llm_settings: Settings, fake: FakeLlm) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```python\n(.*?KimRetriever.*?)```", readme, re.DOTALL)
    assert example, "README: the KimRetriever example is missing"
    done = subprocess.run([sys.executable, "-c", example.group(1)], cwd=REPO,
                          env={**os.environ, **kim_env(llm_settings, fake)}, text=True,
                          capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert "Mitteilungsvorlage" in lines[0] or "Kreis Kleve" in lines[0], done.stdout
    assert "389" in lines[-1]  # the query engine's answer, from the fake model via our passages
    assert fake.requests and fake.requests[-1]["path"] == "/v1/chat/completions"
