"""`.ci/run` with the real Makefile: a run where pytest collects no test must fail."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def _checkout(tmp_path: Path, with_test: bool) -> Path:
    """A repository holding the real `.ci/run` and Makefile, our venv, and no or one test."""
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    for script in ("run", "chromium"):
        shutil.copy(REPO / ".ci" / script, repo / ".ci" / script)
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in ("lint", "gate", "bench"):  # only the test step is under test here
        makefile = makefile.replace(f"\n{target}: $(VENV)/.dev\n", f"\n{target}:\n\ttrue\n{target}-real:\n")
    (repo / "Makefile").write_text(makefile, encoding="utf-8")
    (repo / "pyproject.toml").write_text("", encoding="utf-8")
    os.utime(repo / "pyproject.toml", (0, 0))  # older than the venv's stamps: no reinstall
    (repo / "tests").mkdir()
    if with_test:
        (repo / "tests" / "test_one.py").write_text("def test_one():\n    assert True\n")
    (tmp_path / "shared" / "seeds").mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "chromium").write_text("#!/bin/sh\nexit 0\n")
    (bin_dir / "chromium").chmod(0o755)
    return repo


def _ci(repo: Path) -> subprocess.CompletedProcess[str]:
    venv = Path(sys.executable).parent.parent
    env = dict(os.environ, PATH=f"{repo.parent / 'bin'}:{os.environ['PATH']}", VENV=str(venv))
    return subprocess.run(["bash", ".ci/run"], cwd=repo, env=env, capture_output=True, text=True,
                          timeout=300)


def test_ci_fails_when_pytest_collects_nothing(tmp_path: Path) -> None:
    result = _ci(_checkout(tmp_path, with_test=False))
    assert result.returncode != 0
    assert "keine Tests gefunden" in result.stderr


def test_ci_passes_with_a_passing_test(tmp_path: Path) -> None:
    result = _ci(_checkout(tmp_path, with_test=True))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout


def test_make_test_names_the_fix_when_chromium_cannot_be_installed(tmp_path: Path) -> None:
    """Without chromium and without a working apt-get, `.ci/chromium` (run by `make test`)
    fails with the exact command to run – never silently."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text("#!/bin/sh\nexit 100\n")
    (bin_dir / "apt-get").chmod(0o755)
    for tool in ("id", "sudo"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    result = subprocess.run([shutil.which("bash") or "bash", str(REPO / ".ci" / "chromium")],
                            env={"PATH": str(bin_dir)}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "bitte ausführen: sudo apt-get install chromium" in result.stderr
