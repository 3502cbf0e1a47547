"""How long a user waits for a dense index: a first `kim ingest` of N generated passages with the
bundled model on this machine (default 1,000). Not part of `make bench` (it takes minutes); the
README states its result, and the 10,000-passage figure as this rate times ten.

    python benchmarks/bench_wait.py [PASSAGES]
"""

import sys
import tempfile
import time
from pathlib import Path

from bench_scale import make_corpus

from assistant.config import Settings
from assistant.ingest.pipeline import ingest


def main() -> int:
    passages = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        make_corpus(corpus, passages // 5, seed=23)  # about five passages a file
        started = time.perf_counter()
        report = ingest(Settings(index_dir=Path(tmp) / "index", corpus_dirs=[corpus]), progress=True)
        seconds = time.perf_counter() - started
    assert report.retrieval == "hybrid", report.model_note
    print(f"wait: {report.passages} Passagen dicht eingelesen in {seconds / 60:.1f} min "
          f"({report.passages / seconds:.2f} Passagen/s; Modell {report.timings.get('vectors', 0):.0f} s, "
          f"Lesen {report.timings.get('read', 0):.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
