"""Split the realistic gold questions once into dev and test: `python evals/realistic/split.py`.

Rule (recorded in evals/sets.toml): all questions of ``questions_*.jsonl``, grouped by ``kind``,
each group shuffled with ``random.Random(SEED)`` and cut in half (dev gets the extra one of an
odd group), so both halves have the same mix of kinds. Run once; rerunning gives the same split.
"""

import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20261130


def main() -> None:
    questions = [json.loads(line) for path in sorted(HERE.glob("questions_*.jsonl"))
                 for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    rng = random.Random(SEED)
    dev, test = [], []
    for kind in sorted({q["kind"] for q in questions}):
        group = sorted((q for q in questions if q["kind"] == kind), key=lambda q: q["id"])
        rng.shuffle(group)
        half = (len(group) + 1) // 2
        dev += group[:half]
        test += group[half:]
    for name, part in (("dev", dev), ("test", test)):
        part.sort(key=lambda q: q["id"])
        lines = [json.dumps(q, ensure_ascii=False) for q in part]
        (HERE / f"{name}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{name}: {len(part)} Fragen")


if __name__ == "__main__":
    main()
