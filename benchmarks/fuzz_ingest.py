"""Fuzz the ingest through the real CLI, as an office's file share would: `make fuzz`.

Three parts, each printed as a table row:
1. ``--count`` hostile files (tests/fuzzing.py) in batches of ``--batch``, each batch with good
   canary documents, ingested by `kim ingest --json`. Counted: batches that crashed (exit code
   other than 0, or a traceback), files killed at the time limit, the slowest file, peak memory
   of any process, and canaries that did not become searchable.
2. A 45 MB text file (under the 50 MB upload limit) beside a canary: done within 60 s?
3. ``--kills`` ingests killed with SIGKILL at a random moment: is the index usable after each?

Exit code 1 when a target is missed: 0 crashes, 0 hangs, no file over 60 s, peak RSS ≤ 1 GB,
every canary indexed, every killed ingest leaving a usable index.
"""

import argparse
import json
import random
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.fuzzing import TEXT, generate, indexed_text  # noqa: E402

MAX_FILE_S, MAX_RSS_MB = 60.0, 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--kills", type=int, default=30)
    parser.add_argument("--kim", default=f"{sys.executable} -m assistant",
                        help="the CLI to test (another checkout: 'DIR/.venv/bin/python -m assistant')")
    parser.add_argument("--cwd", type=Path, default=REPO, help="where the CLI runs")
    parser.add_argument("--batch-timeout", type=float, default=900)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kim-fuzz-") as tmp:
        work = Path(tmp)
        rows = [fuzz_batches(work, args), big_text(work, args)]
        if args.kills:
            rows.append(killed_ingests(work, args))
    print("\n| Teil | Ergebnis | Ziel erreicht |\n|---|---|---|")
    for name, result, ok in rows:
        print(f"| {name} | {result} | {'ja' if ok else '**nein**'} |")
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"\nHöchster Speicherbedarf eines Prozesses (RSS): {rss:.0f} MB (Ziel ≤ {MAX_RSS_MB} MB)")
    return 0 if all(ok for _, _, ok in rows) and rss <= MAX_RSS_MB else 1


def run_ingest(corpus: Path, index: Path, args: argparse.Namespace,
               timeout: float) -> tuple[int | None, str, dict, float]:
    """(exit code or None when it hung, stderr, JSON report, seconds)."""
    started = time.perf_counter()
    command = [*args.kim.split(), "ingest", "--corpus", str(corpus), "--index", str(index), "--json"]
    try:
        done = subprocess.run(command, cwd=args.cwd, capture_output=True, text=True, timeout=timeout,
                              errors="replace")
    except subprocess.TimeoutExpired:
        return None, "", {}, time.perf_counter() - started
    try:
        report = json.loads(done.stdout)
    except ValueError:
        report = {}
    return done.returncode, done.stderr, report, time.perf_counter() - started


def fuzz_batches(work: Path, args: argparse.Namespace) -> tuple[str, str, bool]:
    tried = crashed = hung = killed = 0
    canaries = lost = 0
    slowest = 0.0
    started = time.perf_counter()
    for number in range(max(1, args.count // args.batch)):
        folder = work / f"batch{number:03d}"
        made = generate(folder, args.batch, seed=number)
        tried += len(made.hostile)
        canaries += len(made.canaries)
        rc, stderr, report, seconds = run_ingest(folder, work / f"index{number:03d}", args,
                                                 args.batch_timeout)
        text = indexed_text(work / f"index{number:03d}")
        missing = [m for m in made.canaries if m not in text]
        lost += len(missing)
        hung += rc is None
        crashed += rc not in (0, None) or "Traceback" in stderr
        reasons = report.get("failed", {}).values()
        killed += sum("abgebrochen" in r for r in reasons)
        slowest = max(slowest, float(report.get("slowest_file", 0.0)))
        print(f"Stapel {number:3d}: rc={rc} {seconds:6.1f} s, fehlgeschlagen "
              f"{len(report.get('failed', {}))}, übersprungen {len(report.get('skipped', {}))}, "
              f"Kanarien fehlen {len(missing)}, langsamste Datei {report.get('slowest_file')} s",
              flush=True)
        if rc not in (0, None) or "Traceback" in stderr:
            print(stderr[-2000:], flush=True)
        shutil.rmtree(folder, ignore_errors=True)
    elapsed = time.perf_counter() - started
    result = (f"{tried} Dateien, {crashed} Abstürze, {hung} hängende Läufe, {killed} Dateien nach "
              f"Zeitlimit beendet, langsamste Datei {slowest:.1f} s, Kanarien {canaries - lost} von "
              f"{canaries} indexiert ({elapsed:.0f} s)")
    ok = crashed == 0 and hung == 0 and lost == 0 and slowest <= MAX_FILE_S
    return "Fuzz-Dateien", result, ok


def big_text(work: Path, args: argparse.Namespace) -> tuple[str, str, bool]:
    folder = work / "gross"
    folder.mkdir()
    with open(folder / "riesig.txt", "w", encoding="utf-8") as out:
        for _ in range(45 * 2**20 // len(TEXT)):
            out.write(TEXT)
    (folder / "kanarie.txt").write_text(f"Stichwort Kanariengross. {TEXT}", encoding="utf-8")
    rc, _, report, seconds = run_ingest(folder, work / "index-gross", args, 300)
    reason = report.get("failed", {}).get("riesig.txt", "indexiert")
    canary = "Kanariengross" in indexed_text(work / "index-gross")
    ok = rc == 0 and canary and seconds <= MAX_FILE_S
    return "45-MB-Text", f"{seconds:.1f} s, rc={rc}, Kanarie {'ja' if canary else 'nein'}: {reason}", ok


def killed_ingests(work: Path, args: argparse.Namespace) -> tuple[str, str, bool]:
    """Ingest a growing corpus and kill each run at a random moment; the index must stay usable."""
    rng = random.Random(7)
    corpus, index = work / "kill-korpus", work / "index-kill"
    corpus.mkdir()
    seeds = REPO.parent / "shared" / "seeds"
    for seed in sorted(seeds.glob("*.txt")):
        shutil.copy(seed, corpus)
    run_ingest(corpus, index, args, 300)
    usable = 0
    for run in range(args.kills):
        (corpus / f"neu{run:02d}.txt").write_text(f"Nachtrag {run}: {TEXT * 20}", encoding="utf-8")
        command = [*args.kim.split(), "ingest", "--corpus", str(corpus), "--index", str(index)]
        proc = subprocess.Popen(command, cwd=args.cwd, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(rng.uniform(0.3, 4.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        ask = subprocess.run([*args.kim.split(), "ask", "Was ist KIM?", "--json", "--index",
                              str(index)], cwd=args.cwd, capture_output=True, text=True, timeout=120)
        usable += ask.returncode == 0 and '"answer"' in ask.stdout
        # Worker processes of a killed ingest end when their pipe closes.
    return (f"{args.kills} getötete Ingests", f"Index danach nutzbar: {usable} von {args.kills}",
            usable == args.kills)


if __name__ == "__main__":
    raise SystemExit(main())
