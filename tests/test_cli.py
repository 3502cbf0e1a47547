"""The `kim` command as users and scripts call it: contracts, exit codes, German messages."""

import json
import subprocess
import time
from pathlib import Path

from tests.conftest import KIM, REPO

QUESTION = ("Wie viel Geld stand 2022 im Landeshaushalt für das Kommunale Integrationsmanagement "
            "bereit?")
PASSAGE_FIELDS = {"n", "chunk_id", "source", "title", "page", "text", "score"}


def kim(*args: str, check: bool = True, **kwargs: object) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([*KIM, *args], capture_output=True, text=True, cwd=REPO, timeout=300,
                            **kwargs)  # type: ignore[call-overload]
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_ingest_seeds_then_ask_json_contract(seeds_dir: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "idx")
    started = time.perf_counter()
    ingest = kim("ingest", "--corpus", str(seeds_dir), "--index", index)
    # The bundled default model: hybrid from the first ingest, offline, without any note.
    assert "Stichwörter + Bedeutung" in ingest.stdout and "Hinweis" not in ingest.stdout
    result = kim("ask", QUESTION, "--json", "--index", index)
    elapsed = time.perf_counter() - started
    answer = json.loads(result.stdout)
    assert {"question", "answer", "abstained", "reason", "mode", "retrieval", "citations",
            "passages", "timings_ms"} <= answer.keys()
    assert answer["retrieval"] == "hybrid" and answer["mode"] == "extractive"
    assert not answer["abstained"] and "75 Mio" in answer["answer"]
    assert "[1]" in answer["answer"]
    holding = [c for c in answer["citations"] if "75 Mio" in c["text"]]
    assert holding and holding[0]["source"] == "002_be6f4e14f5fb29c9.txt"
    for item in answer["citations"] + answer["passages"]:
        assert item.keys() >= PASSAGE_FIELDS
    assert {"retrieve", "answer"} <= answer["timings_ms"].keys()
    # Nothing may wait on a model hub (an offline lookup of an uncached model takes 77 s).
    assert elapsed < 60, f"ingest + ask took {elapsed:.0f} s: something waited on the network"


def test_batch_questions_echo_ids(seeds_dir: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "idx")
    kim("ingest", "--corpus", str(seeds_dir), "--index", index)
    questions = tmp_path / "q.jsonl"
    questions.write_text(
        json.dumps({"id": "q1", "question": QUESTION}) + "\n\n"
        + json.dumps({"id": 7, "question": "Wer hat die Anfrage in Kleve unterschrieben?"}) + "\n",
        encoding="utf-8")
    result = kim("ask", "--questions", str(questions), "--json", "--index", index)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["q1", "7"]
    assert "75 Mio" in lines[0]["answer"]


def test_human_output_is_german_with_sources(seeds_dir: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "idx")
    kim("ingest", "--corpus", str(seeds_dir), "--index", index)
    out = kim("ask", QUESTION, "--index", index).stdout
    assert "Quellen:" in out and "002_be6f4e14f5fb29c9.txt" in out and "Gummersbach" in out


def test_no_index_says_how_to_fix(tmp_path: Path) -> None:
    result = kim("ask", "Was ist KIM?", "--index", str(tmp_path / "fehlt"), check=False)
    assert result.returncode == 1
    assert "Kein Index gefunden" in result.stderr and "kim ingest" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_questions_and_usage(seeds_dir: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "idx")
    kim("ingest", "--corpus", str(seeds_dir), "--index", index)
    cases = {
        "   ": "Bitte eine Frage eingeben",
        "?" * 5: "keine Wörter",
        "Warum " * 400: "zu lang",
    }
    for question, message in cases.items():
        result = kim("ask", question, "--index", index, check=False)
        assert result.returncode == 2 and message in result.stderr, result.stderr
    assert kim("ask", "--index", index, check=False).returncode == 2
    bad_filter = kim("ask", "KIM", "--filter", "farbe=blau", "--index", index, check=False)
    assert bad_filter.returncode == 2 and "Unbekannter Filter" in bad_filter.stderr
    assert kim("frobnicate", check=False).returncode == 2


def test_filters_restrict_retrieval(seeds_dir: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "idx")
    kim("ingest", "--corpus", str(seeds_dir), "--index", index)
    result = kim("ask", "Case-Manager Ausländerbehörde Steuerungsgremium", "--json",
                 "--filter", "year=2021", "--index", index)
    passages = json.loads(result.stdout)["passages"]
    assert passages and all(p["source"].startswith(("001_", "003_")) for p in passages)
    later = kim("ask", "Case-Manager Ausländerbehörde Steuerungsgremium", "--json",
                "--filter", "jahr_von=2022", "--filter", "year_to=2024", "--index", index)
    years = {p["date"][:4] for p in json.loads(later.stdout)["passages"]}
    assert years and years <= {"2022", "2023", "2024"}
    kleve = kim("ask", "Welche Fragen stellt die Fraktion?", "--json", "--filter",
                "body=Kreis Kleve", "--index", index)
    assert {p["source"] for p in json.loads(kleve.stdout)["passages"]} == {"004_f40aa334bcd0e282.txt"}


def test_ingest_exits_1_when_nothing_could_be_indexed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.pdf").write_bytes(b"not a pdf")
    result = kim("ingest", "--corpus", str(corpus), "--index", str(tmp_path / "i"), check=False)
    assert result.returncode == 1 and "a.pdf" in result.stdout and "Keine einzige" in result.stderr


def test_status_reports_mode_and_counts(seeds_dir: Path, tmp_path: Path) -> None:
    index = str(tmp_path / "idx")
    kim("ingest", "--corpus", str(seeds_dir), "--index", index)
    status = json.loads(kim("status", "--json", "--index", index).stdout)
    assert status["retrieval"] == "hybrid" and status["documents"] == 5 and status["passages"] > 5
    assert status["search"] == "Stichwörter + Bedeutung (mehrsprachiges Modell, mitgeliefert)"


def test_serve_names_a_busy_port(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = kim("serve", "--port", str(port), "--index", str(tmp_path / "idx"), check=False)
    assert result.returncode == 1 and f"Port {port}" in result.stderr and "--port" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "idx").exists()
