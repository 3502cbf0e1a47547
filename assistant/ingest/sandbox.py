"""Run parse work on untrusted files in worker processes, bounded in time and memory.

Parsers (pypdf, python-docx, lxml, bs4) raise every kind of error on broken input, some loop for
minutes, and a zip bomb or a 45 MB text can take gigabytes. A worker process turns all of that
into a German reason for the one file: an exception inside the job is reported, a job over its
time or memory budget is killed, and the worker is replaced for the next file.

Measured on this 2-core machine: a fresh process per file costs about 1.5 s per file
(interpreter start and imports), a long-lived worker about 20–60 ms per small file; two workers
read 2,000 files in 26.5 s against 46 s for one (the old in-process reading took 37 s). So: a few
long-lived workers, each restarted only after a kill.
"""

import contextlib
import importlib
import logging
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from assistant.errors import DocumentError

log = logging.getLogger(__name__)
_TICK = 0.05  # seconds between checks of the running jobs
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class Budget:
    seconds: float = 45.0  # per file; stays below the 60 s a user would wait at most
    memory_mb: int = 1024  # resident memory per worker


@dataclass
class Outcome:
    value: Any = None
    error: str = ""  # German reason when the job failed
    seconds: float = 0.0


class Sandbox:
    """``map(job, items)`` runs ``job(item)`` in worker processes; ``job`` is "module:function"
    so that a worker imports only what the job needs."""

    def __init__(self, workers: int = 2, budget: Budget = Budget()) -> None:
        self.size = max(1, workers)
        self.budget = budget

    def map(self, job: str, items: Iterable[Any]) -> Iterator[tuple[Any, Outcome]]:
        """(item, outcome) pairs in the order the jobs finish."""
        pending = list(items)[::-1]
        workers = [_Worker(job, self.budget) for _ in range(min(self.size, len(pending)))]
        try:
            yield from self._run(workers, pending)
        finally:
            for worker in workers:
                worker.stop()

    def _run(self, workers: list["_Worker"], pending: list[Any]) -> Iterator[tuple[Any, Outcome]]:
        while pending or any(w.item is not None for w in workers):
            for worker in workers:
                if worker.item is None and pending:
                    worker.submit(pending.pop())
            busy = [w for w in workers if w.item is not None]
            wait([w.conn for w in busy if w.conn is not None], timeout=_TICK)
            for worker in busy:
                done = worker.poll()
                if done is not None:
                    yield done


class _Worker:
    """One child process (``python -m assistant.ingest.sandbox``), spoken to over its stdin and
    stdout; a plain subprocess, so the caller's main module is never imported again."""

    def __init__(self, job: str, budget: Budget) -> None:
        self.job, self.budget = job, budget
        self.process: subprocess.Popen[bytes] | None = None
        self.conn: Connection | None = None
        self.item: Any = None
        self.started = 0.0

    def submit(self, item: Any) -> None:
        if self.process is None or self.process.poll() is not None:
            self._start()
        assert self.conn is not None
        self.item, self.started = item, time.monotonic()
        with contextlib.suppress(OSError):  # a worker that died at start is reported by poll()
            self.conn.send(item)

    def poll(self) -> tuple[Any, Outcome] | None:
        """The finished job's outcome, a killed job's reason, or None while it runs."""
        assert self.conn is not None and self.process is not None
        elapsed = time.monotonic() - self.started
        try:
            if self.conn.poll():
                value, error = self.conn.recv()
                return self._finish(Outcome(value, error, elapsed))
        except (EOFError, OSError):
            self.process.wait(timeout=5)  # the worker died while answering
        if self.process.poll() is not None:
            return self._kill(f"Beim Lesen abgestürzt (Code {self.process.returncode}) – die Datei "
                              "ist vermutlich beschädigt; bitte neu exportieren.", elapsed)
        if elapsed > self.budget.seconds:
            return self._kill(f"Lesen nach {self.budget.seconds:g} s abgebrochen – die Datei ist "
                              "zu groß oder beschädigt. Bitte teilen oder neu exportieren "
                              "(Grenze: KIM_FILE_TIMEOUT_S).", elapsed)
        if _resident_mb(self.process.pid) > self.budget.memory_mb:
            return self._kill(f"Lesen brauchte mehr als {self.budget.memory_mb} MB Speicher und "
                              "wurde abgebrochen – die Datei ist zu groß oder beschädigt. Bitte "
                              "teilen oder neu exportieren (Grenze: KIM_FILE_MEMORY_MB).", elapsed)
        return None

    def _finish(self, outcome: Outcome) -> tuple[Any, Outcome]:
        item, self.item = self.item, None
        return item, outcome

    def _kill(self, reason: str, elapsed: float) -> tuple[Any, Outcome]:
        log.info("Leser-Prozess beendet: %s", reason)
        self.stop()
        return self._finish(Outcome(error=reason, seconds=elapsed))

    def _start(self) -> None:
        package_root = str(Path(__file__).resolve().parents[2])
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
        for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            env[name] = "1"  # one file, one core
        self.process = subprocess.Popen(
            [sys.executable, "-m", "assistant.ingest.sandbox", self.job, str(self.budget.memory_mb),
             str(self.budget.seconds)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.conn = _Pipe(self.process.stdout.fileno(), self.process.stdin.fileno())

    def stop(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait(timeout=5)
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
        if self.conn is not None:
            self.conn.close()
        self.process, self.conn = None, None


class _Pipe(Connection):
    """A Connection over two file descriptors (the child's stdout to read, stdin to write)."""

    def __init__(self, read_fd: int, write_fd: int) -> None:
        super().__init__(os.dup(read_fd))
        self._writer = Connection(os.dup(write_fd), readable=False)

    def send(self, obj: Any) -> None:
        self._writer.send(obj)

    def close(self) -> None:
        self._writer.close()
        super().close()


def _resident_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * _PAGE / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0  # no /proc (macOS): the address-space limit in the worker still holds


def _serve(job: str, memory_mb: int, seconds: float) -> None:
    """The worker's loop: one item in, (value, error) out, until stdin closes. Whatever a
    library prints goes nowhere: stdout carries only the answers."""
    answers = Connection(os.dup(1), readable=False)
    questions = Connection(os.dup(0), writable=False)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    _die_with_parent()
    _limit_address_space(memory_mb)
    function = _resolve(job)
    while True:
        try:
            item = questions.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        _limit_cpu(seconds)
        answers.send(_call(function, item))


def _call(function: Callable[[Any], Any], item: Any) -> tuple[Any, str]:
    try:
        return function(item), ""
    except DocumentError as err:
        return None, str(err)
    except MemoryError:
        return None, ("Die Datei braucht zum Lesen zu viel Speicher – bitte teilen oder neu "
                      "exportieren.")
    except Exception as err:  # a parser's own error on broken input: the file is unreadable
        return None, (f"Die Datei ließ sich nicht lesen ({type(err).__name__}) – sie ist "
                      "vermutlich beschädigt; bitte neu exportieren oder als PDF ablegen.")


def _die_with_parent() -> None:
    """A killed `kim ingest` must not leave a worker looping on a hostile file (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() == 1:  # the parent died before the call
            os._exit(1)
    except (OSError, AttributeError):
        pass


def _limit_cpu(seconds: float) -> None:
    """Backstop for the parent's clock: the kernel ends a job that computes twice its budget."""
    try:
        import resource

        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = used.ru_utime + used.ru_stime
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = int(spent + 2 * seconds) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft if hard < 0 else min(soft, hard), hard))
    except (ImportError, ValueError, OSError):
        pass


def _limit_address_space(memory_mb: int) -> None:
    """A hard backstop behind the parent's resident-memory check, which samples."""
    try:
        import resource

        limit = (memory_mb * 4 + 1024) * 2**20  # address space runs well above resident memory
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass


def _resolve(job: str) -> Callable[[Any], Any]:
    module, _, name = job.partition(":")
    function: Callable[[Any], Any] = getattr(importlib.import_module(module), name)
    return function


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
