"""Gold question sets (evals/*.jsonl) and the answer-matching rule shared by all metrics."""

import json
import re
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import KimError
from assistant.german.text import fold_for_match


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    relevant: tuple[str, ...]  # file stems holding the answer; empty: the system should abstain
    answer_contains: tuple[tuple[str, ...], ...]  # every group must match, any alternative of it
    kind: str

    @property
    def answerable(self) -> bool:
        return bool(self.relevant)


def load_gold(path: Path) -> list[GoldQuestion]:
    if not path.is_file():
        raise KimError(f"Die Fragenliste „{path}“ existiert nicht – Pfad prüfen (--set).")
    questions: list[GoldQuestion] = []
    for line_no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            questions.append(_parse(line, path, line_no))
    ids = [q.id for q in questions]
    if len(ids) != len(set(ids)):
        raise KimError(f"„{path}“ enthält doppelte Fragen-IDs – jede „id“ nur einmal vergeben.")
    return questions


def _parse(line: str, path: Path, line_no: int) -> GoldQuestion:
    try:
        item = json.loads(line)
        question = GoldQuestion(
            id=str(item["id"]), question=str(item["question"]),
            relevant=tuple(str(s) for s in item.get("relevant", [])),
            answer_contains=tuple(tuple(str(a) for a in group)
                                  for group in item.get("answer_contains", [])),
            kind=str(item.get("kind", "fact")),
        )
    except (json.JSONDecodeError, KeyError, TypeError) as err:
        raise KimError(f"{path}, Zeile {line_no}: keine gültige Goldfrage ({err}) – Format siehe "
                       "README („Evaluation“).") from err
    if question.answerable and not question.answer_contains:
        raise KimError(f"{path}, Zeile {line_no}: beantwortbare Frage ohne „answer_contains“.")
    return question


_NUMBERED = re.compile(r"^\s*(?:\d{1,2}|[a-z])\s?[.)]\s")


def is_question_sentence(quote: str, doc_type: str) -> bool:
    """A sentence that asks rather than answers: it ends in "?", or it is a numbered item of an
    Anfrage (OCR often loses the question mark, never the number)."""
    return quote.rstrip().endswith("?") or (doc_type == "Anfrage" and bool(_NUMBERED.match(quote)))


def contains_answer(text: str, groups: tuple[tuple[str, ...], ...]) -> bool:
    """Every group matched by one of its alternatives, case- and umlaut-insensitively."""
    folded = fold_for_match(text)
    return bool(groups) and all(any(fold_for_match(alt) in folded for alt in group)
                                for group in groups)
