"""The command line speaks German throughout, refuses nonsense options, and ends cleanly."""

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import KIM, REPO

ENGLISH = ("usage:", "options:", "show this help message", "invalid int value", "error:",
           "the following arguments are required", "Traceback")


def kim(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIM, *args], capture_output=True, text=True, cwd=REPO, timeout=300,
                          env={**os.environ, **env}, check=False)


@pytest.fixture(scope="module")
def lexical_index(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    index = str(tmp_path_factory.mktemp("cli") / "idx")
    done = kim("ingest", "--corpus", str(seeds_dir), "--index", index, KIM_EMBED_MODEL="none")
    assert done.returncode == 0, done.stderr
    return index


@pytest.mark.parametrize("args", [["-h"], ["ask", "-h"], ["ingest", "-h"], ["user", "add", "-h"]])
def test_help_is_german(args: list[str]) -> None:
    done = kim(*args)
    assert done.returncode == 0
    assert done.stdout.startswith("Aufruf: kim") and "diese Hilfe zeigen und beenden" in done.stdout
    assert not any(word in done.stdout for word in ENGLISH)


def test_every_ask_argument_is_explained() -> None:
    text = kim("ask", "-h").stdout
    assert "FRAGE                 die Frage in Anführungszeichen" in text
    assert "--index ORDNER        Indexordner (Vorgabe: index/ bzw. KIM_INDEX_DIR)" in text


@pytest.mark.parametrize(("args", "message"), [
    (["ask", "--top-k", "0", "x"], "Angabe --top-k: 0 liegt nicht zwischen 1 und 50"),
    (["ask", "--top-k", "-3", "x"], "Angabe --top-k: -3 liegt nicht zwischen 1 und 50"),
    (["ask", "--top-k", "drei", "x"], "Angabe --top-k: „drei“ ist keine ganze Zahl"),
    (["serve", "--port", "abc"], "ungültiger Wert 'abc' (erwartet: eine ganze Zahl)"),
    (["ask", "--mode", "kurz", "x"], "ungültige Wahl 'kurz' (möglich: 'extractive', 'llm')"),
    (["fragen"], "ungültige Wahl 'fragen'"),
    ([], "diese Angaben fehlen: BEFEHL"),
])
def test_usage_errors_are_german(args: list[str], message: str) -> None:
    done = kim(*args)
    assert done.returncode == 2
    assert message in done.stderr and "Fehler:" in done.stderr
    assert not any(word in done.stderr for word in ENGLISH)


def test_a_closed_pipe_ends_quietly(lexical_index: str) -> None:
    done = subprocess.run(f"{' '.join(KIM)} ask --index {lexical_index} --questions "
                          f"{REPO / 'evals' / 'seeds.jsonl'} | head -1", shell=True, cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.stdout.strip()
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr


def test_filters_that_exclude_everything_say_so(lexical_index: str) -> None:
    done = kim("ask", "--json", "--index", lexical_index, "--filter", "year=1990",
               "Was ist das Kommunale Integrationsmanagement?")
    answer = json.loads(done.stdout)
    assert answer["abstained"] and answer["reason"] == "filtered_out"
    assert "Die gewählten Filter schließen alle Dokumente aus" in answer["answer"]


def test_a_missing_index_says_where_it_looked_and_how_to_point_elsewhere(tmp_path: Path) -> None:
    done = kim("ask", "--index", str(tmp_path / "nirgends"), "Was ist KIM?")
    assert done.returncode == 1
    assert f"gesucht in {tmp_path / 'nirgends'}" in done.stderr
    assert "--index ORDNER bzw. KIM_INDEX_DIR" in done.stderr


def test_a_failed_first_ingest_leaves_no_index_folder(tmp_path: Path) -> None:
    index = tmp_path / "idx"
    done = kim("ingest", "--corpus", str(tmp_path / "fehlt"), "--index", str(index))
    assert done.returncode == 1 and "existiert nicht" in done.stderr
    assert not index.exists()
