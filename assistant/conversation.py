"""Follow-up questions: "Und in Kleve?" after a question about Mülheim asks the same about Kleve.

The chat keeps the questions it has answered; a question that only makes sense with the previous one
is rewritten into a full question before retrieval, and the UI shows that rewrite.
"""

import re
from dataclasses import dataclass

from assistant.german.places import named_places
from assistant.german.text import fold

# Openings that lean on the previous question ("Und …", "Was ist mit …", "Gilt das auch …").
_FOLLOW_UP = re.compile(
    r"^(?:und|aber|sowie|auch|ebenso|dort|da|dasselbe|dieselbe|was ist mit|wie ist es|"
    r"wie sieht es|wie steht es|gilt das|trifft das|ist das|und wie|und was|und wer|und wann)\b")
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_MARKER = re.compile(r"^\s*(?:und|aber|sowie|ebenso|was ist mit|wie ist es mit|wie sieht es mit)\s+",
                     re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str


def is_follow_up(question: str) -> bool:
    return bool(_FOLLOW_UP.match(" ".join(fold(question).split())))


def resolve(question: str, previous: str | None) -> str:
    """The question to search for: itself, or the previous one with the new place or year."""
    if not previous or not is_follow_up(question):
        return question
    new_places, new_years = place_spans(question), year_spans(question)
    if not new_places and not new_years:
        # "Und wer leitet das?": keep the previous subject in view.
        return f"{question.rstrip()} ({previous.strip()})"
    rewritten = previous
    for new, old in ((new_places, place_spans(previous)), (new_years, year_spans(previous))):
        if new:
            rewritten = _replace(rewritten, old, " und ".join(s.text for s in new))
    if rewritten == previous:  # the previous question named no place or year to replace
        rewritten = f"{previous.rstrip(' ?')} – {_MARKER.sub('', question).strip()}"
    return rewritten


def place_spans(text: str) -> list[Span]:
    """Where the places of the gazetteer stand in ``text`` (original characters, not folded)."""
    folded, origin = _fold_with_offsets(text)
    spans = []
    for place in named_places(folded):
        for match in re.finditer(rf"(?<![\w-]){re.escape(place)}\w*", folded):
            start, end = origin[match.start()], origin[match.end() - 1] + 1
            spans.append(Span(start, end, text[start:end]))
    return sorted(set(spans), key=lambda s: s.start)


def year_spans(text: str) -> list[Span]:
    return [Span(m.start(), m.end(), m.group(0)) for m in _YEAR.finditer(text)]


def _replace(text: str, old: list[Span], new_text: str) -> str:
    """Put ``new_text`` where the first old span stood and drop the other old spans."""
    if not old:
        return text
    out, last = [], 0
    for i, span in enumerate(old):
        out.append(text[last:span.start])
        if i == 0:
            out.append(new_text)
        last = span.end
    out.append(text[last:])
    return " ".join("".join(out).split())


def _fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, per folded character, the index of the original character."""
    pieces, origin = [], []
    for i, char in enumerate(text):
        folded = fold(char)
        pieces.append(folded)
        origin.extend([i] * len(folded))
    return "".join(pieces), origin
