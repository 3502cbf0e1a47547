"""100,000 passages: `ask` p95 (lexical and hybrid) and the peak memory of the whole run.

The corpus is generated (bench_scale.make_corpus, 20,000 files) and ingested lexically for real;
the stored vectors of the hybrid case are synthetic unit vectors (synthetic.py), because embedding
100,000 passages would take hours on 2 cores and only the query side is measured here. The
question itself is embedded by the real bundled model. Exits 1 when a target in
benchmarks/thresholds.toml is missed.
"""

import resource
import statistics
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from bench_scale import ask_latencies, make_corpus, p95
from synthetic import attach_synthetic_vectors

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.ingest.pipeline import ingest
from assistant.retrieval.bundled import BUNDLED_MODEL

HERE = Path(__file__).parent


def main() -> int:
    limits = tomllib.loads((HERE / "thresholds.toml").read_text(encoding="utf-8"))["large"]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        make_corpus(corpus, int(limits["files"]), seed=17)
        settings = Settings(index_dir=Path(tmp) / "index", corpus_dirs=[corpus], embed_model="none")
        started = time.perf_counter()
        report = ingest(settings, progress=False)
        ingest_s = time.perf_counter() - started
        lexical = ask_latencies(Assistant.open(settings))
        hybrid_settings = settings.model_copy(update={"embed_model": BUNDLED_MODEL})
        started = time.perf_counter()
        stored = attach_synthetic_vectors(hybrid_settings)
        store_s = time.perf_counter() - started
        assistant = Assistant.open(hybrid_settings)
        assert assistant.retriever.mode == "hybrid", assistant.notice
        hybrid = ask_latencies(assistant)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    ceiling = float(limits["ask_p95_ms_max"])
    print(f"large: {report.passages} Passagen aus {report.documents} Dateien, eingelesen in "
          f"{ingest_s:.0f} s; {stored} synthetische Vektoren in Chroma in {store_s:.0f} s")
    for name, values in (("lexikalisch", lexical), ("hybrid", hybrid)):
        print(f"large: ask {name}: Median {statistics.median(values):.1f} ms, p95 {p95(values):.1f} ms "
              f"(Ziel p95 ≤ {ceiling:g} ms)")
    print(f"large: Spitzenspeicher {peak_mb:.0f} MB (Ziel ≤ {limits['peak_rss_mb_max']} MB), "
          f"eines Leseprozesses {worker_mb:.0f} MB")
    ok = (report.passages >= int(limits["min_passages"]) and p95(lexical) <= ceiling
          and p95(hybrid) <= ceiling and peak_mb <= float(limits["peak_rss_mb_max"]))
    if not ok:
        print("large: Ziel verfehlt", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
