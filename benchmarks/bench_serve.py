"""The chat server: first start (builds the index), second start (reuses it), and ten questions at once.

Starts `python app.py` as a user would, on a free port, with the shipped corpus. The stored limits in
benchmarks/thresholds.toml are generous ceilings for this 2-core machine; the figures are printed.
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).parent
REPO = HERE.parent
QUESTIONS = ["Wer ist Mitglied der Lenkungsgruppe?", "Welche Bausteine hat KIM?",
             "Wie viel Geld stand 2022 im Landeshaushalt für KIM bereit?",
             "Was macht das KIM-Case-Management?", "Welche Ziele hat KIM?"] * 2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start(tmp: Path, port: int) -> tuple[subprocess.Popen, float]:
    env = dict(os.environ, KIM_INDEX_DIR=str(tmp / "index"), KIM_UPLOAD_DIR=str(tmp / "uploads"),
               KIM_PORT=str(port), KIM_CORPUS_DIRS=json.dumps([str(REPO / "corpus")]))
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "app.py"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while time.perf_counter() - started < 300:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return proc, time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("Der Server kam nicht hoch.")


def stop(proc: subprocess.Popen) -> float:
    """SIGTERM, as Strg+C or a service manager would send; seconds until the process is gone."""
    began = time.perf_counter()
    proc.terminate()
    proc.wait(30)
    return time.perf_counter() - began


def ask_all(url: str) -> tuple[float, float]:
    from gradio_client import Client

    client = Client(url, verbose=False)
    single = []
    for question in QUESTIONS[:5]:
        began = time.perf_counter()
        client.predict(question, api_name="/frage")
        single.append(time.perf_counter() - began)
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(lambda q: client.predict(q, api_name="/frage"), QUESTIONS))
    if len(answers) != len(QUESTIONS) or not all(a.get("answer") for a in answers):
        raise SystemExit("Nicht jede der gleichzeitigen Fragen bekam eine Antwort.")
    return statistics.median(single), time.perf_counter() - began


def main() -> int:
    limits = tomllib.loads((HERE / "thresholds.toml").read_text(encoding="utf-8"))["serve"]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        proc, cold = start(tmp, free_port())
        stop(proc)
        port = free_port()
        proc, warm = start(tmp, port)
        try:
            single, together = ask_all(f"http://127.0.0.1:{port}")
        finally:
            stopped = stop(proc)
    print(f"serve: erster Start (Index bauen) {cold:.1f} s, zweiter Start {warm:.1f} s, "
          f"eine Frage über die API {single * 1000:.0f} ms (Median), "
          f"10 gleichzeitige Fragen {together:.2f} s, Beenden {stopped:.1f} s")
    failures = []
    if warm > limits["warm_start_s_max"]:
        failures.append(f"zweiter Start {warm:.1f} s > {limits['warm_start_s_max']} s")
    if together > limits["ten_questions_s_max"]:
        failures.append(f"10 Fragen {together:.2f} s > {limits['ten_questions_s_max']} s")
    for failure in failures:
        print(f"FEHLER: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
