"""The sandbox turns every way a parser can fail into a reason for that one file, and goes on."""

import time

import pytest

from assistant.ingest.sandbox import Budget, Sandbox

JOBS = "tests.ingest.jobs"
SHORT = Budget(seconds=3, memory_mb=300)


def run(job: str, items: list[str], budget: Budget = SHORT) -> dict:
    return {item: outcome for item, outcome in Sandbox(2, budget).map(f"{JOBS}:{job}", items)}


def test_results_come_back_for_every_item() -> None:
    outcomes = run("echo", ["a", "b", "c", "d", "e"])
    assert {k: o.value for k, o in outcomes.items()} == {k: k.upper() for k in "abcde"}
    assert all(not o.error for o in outcomes.values())


@pytest.mark.parametrize("job", ["hang", "spin"])
def test_a_file_that_never_finishes_is_stopped_at_its_time_limit(job: str) -> None:
    started = time.monotonic()
    [outcome] = run(job, ["x"], Budget(seconds=2, memory_mb=300)).values()
    assert "nach 2 s abgebrochen" in outcome.error and "KIM_FILE_TIMEOUT_S" in outcome.error
    assert time.monotonic() - started < 10


def test_a_file_that_eats_memory_is_stopped() -> None:
    [outcome] = run("hog", ["2000"], Budget(seconds=30, memory_mb=200)).values()
    assert "Speicher" in outcome.error


@pytest.mark.parametrize("how", ["exit", "segfault"])
def test_a_crashing_parser_costs_one_file_and_the_next_file_is_read(how: str) -> None:
    sandbox = Sandbox(1, Budget(seconds=5, memory_mb=300))
    crashed = dict(sandbox.map(f"{JOBS}:crash", [how]))
    assert "abgestürzt" in crashed[how].error
    assert dict(sandbox.map(f"{JOBS}:echo", ["weiter"]))["weiter"].value == "WEITER"


@pytest.mark.parametrize("kind", ["value", "overflow", "encode"])
def test_any_exception_becomes_a_german_reason(kind: str) -> None:
    [outcome] = run("fail", [kind]).values()
    assert "ließ sich nicht lesen" in outcome.error and "neu exportieren" in outcome.error
