"""Our passage MRR against LlamaIndex BM25 at several SentenceSplitter chunk sizes.

Issue 4 compares with the LlamaIndex default (chunk_size 1024). On the seeds that default cuts
each of the five inquiries into one node, so BM25 ranks five whole documents and its MRR (0.943)
leaves no room for a 1.10× lead. This script shows the ratio when the baseline's passages are
about as many as ours. It reports; it gates nothing.

    .venv/bin/python evals/baseline_sizes.py
"""

import statistics
import sys
import tempfile
import tomllib
from pathlib import Path

from llama_index.core import SimpleDirectoryReader
from llama_index.core.node_parser import SentenceSplitter

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.evaluation import systems
from assistant.evaluation.gold import GoldQuestion, load_gold
from assistant.evaluation.metrics import summarize
from assistant.ingest.pipeline import ingest
from assistant.ingest.scan import scan

ROOT = Path(__file__).resolve().parent.parent
CHUNK_SIZES = (1024, 512, 256)
SETS = ("seeds", "corpus")


def mrr(system: systems.System, gold: list[GoldQuestion]) -> float:
    value = summarize([system.run(q) for q in gold])["passage_mrr_at_10"]
    assert value is not None
    return value


def compare(name: str, gold_path: Path, corpus: list[Path]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(index_dir=Path(tmp), embed_model="none")
        ingest(settings, corpus, progress=False)
        assistant = Assistant.open(settings)
        gold = load_gold(gold_path)
        ours = mrr(systems.KimSystem(assistant), gold)
        words = statistics.median(len(r.text.split()) for r in assistant.records)
        print(f"{name}: kim-lexical {len(assistant.records)} Passagen (Median {words:.0f} Wörter), "
              f"MRR@10 {ours:.3f}")
    documents = SimpleDirectoryReader(input_files=[f.path for f in scan(corpus).files]).load_data()
    for size in CHUNK_SIZES:
        splitter = SentenceSplitter(chunk_size=size, chunk_overlap=min(200, size // 5))
        nodes = splitter.get_nodes_from_documents(documents)
        base = mrr(systems.llamaindex_bm25(nodes), gold)
        print(f"  llamaindex-bm25 chunk_size={size}: {len(nodes)} Passagen, MRR@10 {base:.3f}, "
              f"Verhältnis {ours / base:.2f}×")


def main() -> int:
    sets = tomllib.loads((ROOT / "evals" / "sets.toml").read_text(encoding="utf-8"))
    for name in SETS:
        entry = sets[name]
        compare(name, ROOT / entry["gold"], [ROOT / c for c in entry["corpus"]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
