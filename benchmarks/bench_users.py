"""Fifty signed-in users asking at once through `/api/frage` (the issue's load figure).

Starts `python app.py` with 50 users (role `rat`) and the shipped corpus; every user signs in,
and once all are, all ask their questions concurrently, one thread each. Prints errors, p50 and
p95 of the question round trips; benchmarks/thresholds.toml [users] holds the ceilings.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tomllib
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

HERE = Path(__file__).parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from assistant.access.users import UserStore  # noqa: E402 (after the path is set)
from benchmarks.bench_serve import QUESTIONS, free_port, stop  # noqa: E402


def start(tmp: Path, port: int, users: int) -> subprocess.Popen:
    store = UserStore(tmp / "zugang" / "benutzer.toml")
    for i in range(users):
        store.add(f"nutzer{i}", "rat", f"passwort-{i:04d}-lang")
    env = dict(os.environ, KIM_INDEX_DIR=str(tmp / "index"), KIM_UPLOAD_DIR=str(tmp / "uploads"),
               KIM_PORT=str(port), KIM_CORPUS_DIRS=json.dumps([str(REPO / "corpus")]),
               KIM_USERS_FILE=str(store.path), KIM_AUDIT_FILE=str(tmp / "zugang" / "audit.jsonl"))
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    began = time.perf_counter()
    while time.perf_counter() - began < 300:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/anmelden", timeout=2):
                return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("Der Server kam nicht hoch.")


def one_user(url: str, i: int, questions: int, ready: threading.Barrier
             ) -> tuple[list[float], int, float]:
    """Sign in, wait until everyone is signed in, then ask; the round trip of each question, the
    number of failures and the time the sign-in took."""
    times, errors = [], 0
    with httpx.Client(base_url=url, timeout=120) as client:
        began = time.perf_counter()
        signed = client.post("/anmelden", json={"name": f"nutzer{i}",
                                                "passwort": f"passwort-{i:04d}-lang"})
        sign_in = time.perf_counter() - began
        ready.wait()
        if signed.status_code != 200:
            return [], questions, sign_in
        for k in range(questions):
            question = QUESTIONS[(i + k) % len(QUESTIONS)]
            began = time.perf_counter()
            response = client.post("/api/frage", json={"frage": question})
            times.append(time.perf_counter() - began)
            errors += response.status_code != 200 or not response.json().get("answer")
    return times, errors, sign_in


def main() -> int:
    limits = tomllib.loads((HERE / "thresholds.toml").read_text(encoding="utf-8"))["users"]
    users, questions = limits["users"], limits["questions_each"]
    with tempfile.TemporaryDirectory() as tmp_name:
        port = free_port()
        proc = start(Path(tmp_name), port, users)
        try:
            released: list[float] = []  # when the last user had signed in
            ready = threading.Barrier(users, action=lambda: released.append(time.perf_counter()),
                                      timeout=300)
            with ThreadPoolExecutor(max_workers=users) as pool:
                results = list(pool.map(lambda i: one_user(f"http://127.0.0.1:{port}", i,
                                                           questions, ready), range(users)))
            wall = time.perf_counter() - released[0]
        finally:
            stop(proc)
    times = sorted(t for result in results for t in result[0])
    errors = sum(result[1] for result in results)
    sign_in = statistics.median(result[2] for result in results) * 1000
    p50 = statistics.median(times) * 1000 if times else float("inf")
    p95 = times[int(0.95 * (len(times) - 1))] * 1000 if times else float("inf")
    print(f"users: {users} angemeldete Nutzer gleichzeitig, {len(times)} Fragen über /api/frage, "
          f"Fehler {errors}, p50 {p50:.0f} ms, p95 {p95:.0f} ms, alle in {wall:.1f} s "
          f"({len(times) / wall:.1f} Fragen/s); Anmeldung {sign_in:.0f} ms (Median, alle zugleich)")
    failures = []
    if errors > limits["errors_max"]:
        failures.append(f"{errors} Fehler > {limits['errors_max']}")
    if p95 > limits["p95_ms_max"]:
        failures.append(f"p95 {p95:.0f} ms > {limits['p95_ms_max']} ms")
    for failure in failures:
        print(f"FEHLER: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
