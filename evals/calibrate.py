"""Choose the abstention thresholds on the tuned and dev sets together (never per question).

Retrieval runs once per question; then every point of a small grid re-runs only the answer step.
The objective is plain accuracy over all questions: a positive counts when the answer contains
every answer group, a negative when the assistant abstains. Prints the best points; the chosen
values go into assistant/policy.py (AnswerPolicy) by hand, with this output as the why.
"""

import itertools
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from assistant.answer.extractive import extract_answer
from assistant.config import Settings
from assistant.engine import Assistant
from assistant.evaluation.gold import contains_answer, load_gold
from assistant.evaluation.runner import SetSpec, load_sets
from assistant.ingest.pipeline import ingest
from assistant.policy import POLICY

ROOT = Path(__file__).resolve().parent.parent
# Every set whose role in evals/sets.toml is "tuned" or "dev"; a "test" set is never read here.
CALIBRATION_ROLES = ("tuned", "dev")
GRID = {
    "min_passage_coverage": [0.2, 0.3, 0.4],
    "min_unit_score": [0.1, 0.2, 0.3],
    "min_own_coverage": [0.05],
    "max_unknown_share": [0.5, 0.65, 0.8],
    "max_unknown_nouns": [1, 2, 3],
    "unknown_weight": [0.25, 0.5, 1.0],
    "synonym_credit": [0.5, 0.8],
    "type_bonus": [0.2],
    "anaphor_share": [0.5],
    "keep_ratio": [0.5],
    "max_units": [4],
}


def calibration_sets() -> list[SetSpec]:
    return [s for s in load_sets(ROOT / "evals" / "sets.toml") if s.role in CALIBRATION_ROLES]


def collect() -> list[tuple[object, list, object]]:
    cases = []
    for spec in calibration_sets():
        tmp = tempfile.mkdtemp(prefix="kim-calib-")
        settings = Settings(index_dir=Path(tmp), corpus_dirs=spec.corpus_dirs, embed_model="none")
        ingest(settings, progress=False)
        assistant = Assistant.open(settings)
        for q in load_gold(spec.gold):
            hits = assistant.retriever.retrieve(q.question, 10, {})
            cases.append((q, hits, assistant.retriever.lexical, assistant.documents))
    return cases


def score(cases: list, calibration: object) -> tuple[float, float, float]:
    """Accuracy over all questions, false abstention on the answerable ones, abstention recall."""
    right, false_abstain, positives, abstained_on_negatives = 0, 0, 0, 0
    for q, hits, lexical, documents in cases:
        extract = extract_answer(q.question, hits, lexical, documents, calibration)  # type: ignore[arg-type]
        if q.answerable:
            positives += 1
            false_abstain += extract.abstained
            right += (not extract.abstained) and contains_answer(extract.answer, q.answer_contains)
        else:
            abstained_on_negatives += extract.abstained
    right += abstained_on_negatives
    negatives = len(cases) - positives
    return right / len(cases), false_abstain / positives, abstained_on_negatives / negatives


def main() -> int:
    cases = collect()
    current = score(cases, POLICY)
    print(f"aktuell: Genauigkeit {current[0]:.3f}, Fehl-Enthaltung {current[1]:.3f}, "
          f"Enthaltung-Recall {current[2]:.3f}", flush=True)
    results = []
    for values in itertools.product(*GRID.values()):
        calibration = replace(POLICY, **dict(zip(GRID, values, strict=True)))
        accuracy, false_abstention, recall = score(cases, calibration)
        results.append((accuracy, -false_abstention, recall, values))
    results.sort(reverse=True)
    for accuracy, neg_false, recall, values in results[:10]:
        print(f"{accuracy:.3f}  Fehl-Enth {-neg_false:.3f}  Enth-R {recall:.3f}  "
              f"{dict(zip(GRID, values, strict=True))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
