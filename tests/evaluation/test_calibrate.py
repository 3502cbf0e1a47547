"""evals/calibrate.py chooses thresholds on tuned and dev sets only, never on a test split."""

import importlib.util
from pathlib import Path

import pytest

from assistant.evaluation.runner import load_sets
from tests.conftest import REPO


def _calibrate_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("calibrate", REPO / "evals" / "calibrate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_calibration_never_reads_the_test_split(monkeypatch: pytest.MonkeyPatch) -> None:
    calibrate = _calibrate_module()
    read: list[Path] = []
    monkeypatch.setattr(calibrate, "load_gold", lambda path: read.append(path) or [])
    monkeypatch.setattr(calibrate, "ingest", lambda *a, **k: None)
    monkeypatch.setattr(calibrate.Assistant, "open", lambda settings: None)
    calibrate.collect()
    sets = load_sets(REPO / "evals" / "sets.toml")
    tests = {s.gold for s in sets if s.role == "test"}
    assert tests and not tests & set(read)  # there is a test split, and it is never read
    assert {s.gold for s in sets if s.role in ("tuned", "dev")} == set(read)
    assert REPO / "evals" / "realistic" / "dev.jsonl" in read
