"""A sample of the fuzz set through the real CLI (all of it: `make fuzz`)."""

import json
import random
import resource
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import KIM, REPO
from tests.fuzzing import TEXT, generate, indexed_text


@pytest.mark.slow
def test_fuzz_sample_never_crashes_hangs_or_loses_a_canary(tmp_path: Path) -> None:
    made = generate(tmp_path / "ablage", 300, seed=2026)
    assert len(made.hostile) >= 290 and len(made.canaries) == 12
    started = time.perf_counter()
    result = subprocess.run([*KIM, "ingest", "--corpus", str(tmp_path / "ablage"), "--index",
                             str(tmp_path / "index"), "--json"], capture_output=True, text=True,
                            errors="replace", cwd=REPO, timeout=900)
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    report = json.loads(result.stdout)
    text = indexed_text(tmp_path / "index")
    assert [m for m in made.canaries if m not in text] == []
    assert report["slowest_file"] < 60 and time.perf_counter() - started < 600
    assert all(reason.strip() for reason in report["failed"].values())  # every failure says why
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert peak_mb < 1024


@pytest.mark.slow
def test_killed_ingests_leave_a_usable_index(tmp_path: Path, seeds_dir: Path) -> None:
    corpus, index = tmp_path / "korpus", tmp_path / "index"
    shutil.copytree(seeds_dir, corpus)
    subprocess.run([*KIM, "ingest", "--corpus", str(corpus), "--index", str(index)], cwd=REPO,
                   check=True, capture_output=True, timeout=300)
    rng = random.Random(3)
    for run in range(5):
        (corpus / f"neu{run}.txt").write_text(f"Nachtrag {run}: {TEXT * 30}", encoding="utf-8")
        proc = subprocess.Popen([*KIM, "ingest", "--corpus", str(corpus), "--index", str(index)],
                                cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 3.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        ask = subprocess.run([*KIM, "ask", "Was ist KIM?", "--json", "--index", str(index)],
                             cwd=REPO, capture_output=True, text=True, timeout=120)
        assert ask.returncode == 0 and json.loads(ask.stdout)["passages"], ask.stderr
