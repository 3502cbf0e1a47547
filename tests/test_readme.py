"""The README's Quickstart is the real thing: two commands, both work."""

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO, env_with


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


def test_make_run_answers_from_the_shipped_corpus(tmp_path: Path) -> None:
    venv = Path(sys.prefix)
    for stamp in (".base", ".run"):  # this environment is already set up
        if not (venv / stamp).exists():
            (venv / stamp).touch()
    result = subprocess.run(["make", "run", f"VENV={venv}"], cwd=REPO, capture_output=True,
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
    assert "(evals/reports/latest.png)" in readme and (REPO / "evals/reports/latest.png").is_file()
