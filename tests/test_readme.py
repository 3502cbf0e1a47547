"""The README's Quickstart is the real thing: two commands, both work."""

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, env_with
from tests.ui.conftest import free_port


def quickstart_commands() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Schnellstart", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL)
    assert block, "Quickstart has no bash block"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_quickstart_has_exactly_the_two_make_commands() -> None:
    assert quickstart_commands() == ["make run", "make test"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, re.MULTILINE)
    assert re.search(r"^test:", makefile, re.MULTILINE)
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def _venv() -> Path:
    venv = Path(sys.prefix)
    for stamp in (".base", ".run"):  # this environment is already set up
        if not (venv / stamp).exists():
            (venv / stamp).touch()
    return venv


@pytest.mark.server
def test_make_run_opens_the_chat(tmp_path: Path) -> None:
    """The first Quickstart command: builds the index on first start, then serves the chat."""
    from gradio_client import Client

    port = free_port()
    proc = subprocess.Popen(["make", "run", f"VENV={_venv()}"], cwd=REPO, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=env_with(KIM_INDEX_DIR=str(tmp_path / "index"), KIM_PORT=str(port),
                                         KIM_UPLOAD_DIR=str(tmp_path / "uploads")))
    try:
        url = f"http://127.0.0.1:{port}"
        page = _wait_for(url, proc)
        assert "KIM-Assistent" in page
        answer = Client(url, verbose=False).predict("Wer ist Mitglied der Lenkungsgruppe?",
                                                     api_name="/frage")
        assert "[1]" in answer["answer"] and not answer["abstained"]
        assert (tmp_path / "index" / "manifest.json").is_file()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        output = proc.communicate(timeout=30)[0]
    assert "Noch kein Index" in output and f"KIM-Assistent läuft: http://127.0.0.1:{port}" in output
    # A fresh install searches with the bundled multilingual model, offline.
    assert "Suche: Stichwörter + Bedeutung (mehrsprachiges Modell, mitgeliefert)" in output


def _wait_for(url: str, proc: subprocess.Popen, timeout: float = 600) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"make run ended early: {proc.communicate()[0]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode("utf-8"))
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"make run served nothing at {url} within {timeout:.0f} s")


def test_make_ask_answers_in_the_terminal(tmp_path: Path) -> None:
    result = subprocess.run(["make", "ask", f"VENV={_venv()}"], cwd=REPO, capture_output=True,
                            text=True, timeout=600,
                            env=env_with(KIM_INDEX_DIR=str(tmp_path / "index")))
    assert result.returncode == 0, result.stderr
    assert "Quellen:" in result.stdout and "[1]" in result.stdout
    assert "Lenkungsgruppe" in result.stdout


def test_readme_shows_the_latest_eval_tables_and_chart() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("update_readme", REPO / "evals" / "update_readme.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = (REPO / "evals" / "reports" / "latest.md").read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert module.report_tables(report) in readme, "run `make eval` to refresh the README"
    assert "(docs/chat.png)" in readme and (REPO / "docs" / "chat.png").is_file()
    assert "(evals/reports/latest.png)" in readme and (REPO / "evals/reports/latest.png").is_file()
