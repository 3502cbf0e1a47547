"""„Frühere und ähnliche Antworten“: how other municipalities answered the same question, and
how our own administration answered it before (an earlier inquiry, another year).

Administrations answer inquiries by repeating each question and answering below it ("Zu Frage 4:
Wie viele …? Antwort der Verwaltung: …"); minutes report the question ("fragte, ob …") and the
reply. So another municipality's answer is the statements after a question of theirs that asks
what ours asks – found by the question, not by loose word overlap with the answer.
"""

from dataclasses import dataclass, field

from assistant.answer.checks import Evidence
from assistant.answer.question import profile
from assistant.answer.units import Unit, answer_units
from assistant.engine import Assistant
from assistant.german.places import mentions, named_places
from assistant.german.text import fold
from assistant.policy import POLICY

# Genres in which a municipality answers or reports.
ANSWERING_TYPES = ("Vorlage", "Niederschrift")
SIMILAR_LIMIT = 3
# Share of our question's weighted terms their question must hold to ask the same thing.
SAME_QUESTION = 0.5
ANSWER_UNITS = 3  # statements after their question taken as their answer
SEARCH_DEPTH = 30


@dataclass
class Similar:
    """Another municipality's published answer to a similar question."""
    body: str
    date: str
    title: str
    doc_type: str
    reference: str
    source: str
    page: int
    question: str  # their question, as they printed it
    answer: str
    related: list[str] = field(default_factory=list)  # "Antwort auf Anfrage …" (assistant.links)
    own: bool = False  # our own administration's earlier answer


def similar_answers(assistant: Assistant, question: str, home: str,
                    exclude: dict[str, list[str]], cited: frozenset[str] = frozenset()
                    ) -> list[Similar]:
    """Up to SIMILAR_LIMIT answers, one per document: other municipalities', and ``home``'s own
    earlier ones unless the draft already cites that document (``cited``: its sources). Our own
    answer from last year to last year's question is what staff start from when it comes again;
    the draft cannot quote it (another year), but it belongs beside the draft."""
    evidence = Evidence.of(question, profile(question), assistant.retriever.lexical, POLICY)
    found: list[Similar] = []
    seen: set[str] = set()
    for hit in assistant.retriever.retrieve(question, SEARCH_DEPTH, exclude):
        record = hit.record
        own = _same_place(record.body, home)
        if (record.doc_type not in ANSWERING_TYPES or not record.body or record.source in seen
                or (own and record.source in cited)):
            continue
        match = _answered_question(answer_units(record.text), evidence)
        if match is None:
            continue
        seen.add(record.source)
        asked, answer = match
        page = record.page_at(max(record.text.find(asked.text), 0))
        found.append(Similar(record.body, record.date, record.title, record.doc_type,
                             record.reference, record.source, page, asked.text, answer,
                             assistant.links.labels(record.corpus, record.source), own))
        if len(found) == SIMILAR_LIMIT:
            break
    return found


def _answered_question(units: tuple[Unit, ...], evidence: Evidence) -> tuple[Unit, str] | None:
    """Their question that asks ours, and the statements that follow it."""
    best, best_coverage = None, SAME_QUESTION
    for i, unit in enumerate(units):
        if unit.role == "question" and (coverage := evidence.coverage(unit.text)) >= best_coverage:
            best, best_coverage = i, coverage
    if best is None:
        return None
    answer: list[str] = []
    for unit in units[best + 1:]:
        if unit.role == "question" or len(answer) == ANSWER_UNITS:
            break
        if unit.role == "statement":
            answer.append(unit.text)
    return (units[best], " ".join(answer)) if answer else None


def _same_place(body: str, home: str) -> bool:
    if not home:
        return False
    places = named_places(fold(home)) or [fold(home)]
    return any(mentions(fold(body), place) for place in places)
