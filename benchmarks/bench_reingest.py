"""Re-ingest of an unchanged corpus vs the first ingest, on ~400 generated German text files.

Both runs happen in this one process on this machine, so the ratio is meaningful even on a noisy
machine. Exits 1 when the ratio exceeds the stored threshold (benchmarks/thresholds.toml).
"""

import random
import sys
import tempfile
import time
import tomllib
from pathlib import Path

from assistant.config import Settings
from assistant.ingest.pipeline import ingest

HERE = Path(__file__).parent
TOPICS = ["Jobcenter", "Ausländerbehörde", "Lenkungsgruppe", "Case Management", "Sprachkurs",
          "Wohlfahrtsverband", "Kommunales Integrationszentrum", "Einbürgerung", "Koordinierung"]
TOWNS = ["Kleve", "Gummersbach", "Mülheim an der Ruhr", "Recklinghausen", "Castrop-Rauxel",
         "Bielefeld", "Hagen", "Münster"]


def make_corpus(folder: Path, count: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    for i in range(count):
        town, topic = rng.choice(TOWNS), rng.choice(TOPICS)
        sentences = [
            f"Die Verwaltung der Stadt {town} berichtet am {rng.randint(1, 28)}. März "
            f"{rng.randint(2020, 2025)} über {topic}.",
            *(f"Im Bereich {rng.choice(TOPICS)} wurden {rng.randint(1, 40)} Stellen mit "
              f"{rng.randint(10, 90)},{rng.randint(0, 9)} Mio. € gefördert." for _ in range(25)),
            "1. Wie viele Personen wurden beraten?",
            "2. Welche Träger sind beteiligt?",
        ]
        (folder / f"vorlage_{i:04d}.txt").write_text(
            f"Mitteilungsvorlage {i}: {topic} in {town}\n\n" + " ".join(sentences[:-2]) + "\n\n"
            + "\n".join(sentences[-2:]) + "\n", encoding="utf-8")


def main() -> int:
    limits = tomllib.loads((HERE / "thresholds.toml").read_text(encoding="utf-8"))["reingest"]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        make_corpus(corpus, int(limits["files"]))
        settings = Settings(index_dir=Path(tmp) / "index", corpus_dirs=[corpus], embed_model="none")
        started = time.perf_counter()
        first = ingest(settings, progress=False)
        first_s = time.perf_counter() - started
        started = time.perf_counter()
        second = ingest(settings, progress=False)
        second_s = time.perf_counter() - started
    ratio = second_s / first_s
    print(f"reingest: {len(first.added)} Dateien, {first.passages} Passagen; erster Lauf "
          f"{first_s:.2f} s, unverändert erneut {second_s:.3f} s, Verhältnis {ratio:.3f} "
          f"(Grenze {limits['max_ratio']})")
    ok = len(second.unchanged) == len(first.added) and ratio <= float(limits["max_ratio"])
    if not ok:
        print("reingest: Ziel verfehlt", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
