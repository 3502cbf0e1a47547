"""The administration's answer to an inquiry, drafted question by question from the corpus.

Each question is asked of the answering engine with the inquiry's municipality as its place,
never citing an inquiry or Antrag (they ask, they don't answer). A question gets cited sentences,
or the marked gap with the closest passages; published answers of other municipalities to the
same question are listed apart, labelled with their municipality and date.
"""

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from assistant.access.roles import visibility_filter
from assistant.answer.models import Answer, Passage
from assistant.drafting.inquiry import Inquiry
from assistant.drafting.questions import InquiryQuestion
from assistant.drafting.similar import Similar, similar_answers
from assistant.engine import Assistant
from assistant.german.places import named_places
from assistant.german.text import fold

GAP = "Keine Angabe in den Unterlagen – bitte ergänzen."
STATUS_LABELS = {"answered": "beantwortet", "partial": "teilweise", "open": "offen"}
# Inquiries and motions ask; a draft quotes only what answers.
ASKING_TYPES = ["Anfrage", "Antrag"]
# "…, und wie viele davon sind besetzt?": a coordinated question asks a second thing.
_ASKING_WORD = (r"(?:wie|wer|wen|wem|wann|wo|was|warum|wieso|weshalb|ob|welche\w*|seit wann|"
                r"(?:in|bei|auf|an|mit|nach|aus|für|fur|von|zu) (?:welche\w*|wem|wen|was))")
_PARTS = re.compile(rf"\?\s+|,\s+(?:und|sowie|oder)\s+(?={_ASKING_WORD}\b)", re.IGNORECASE)
_CITE = re.compile(r"\[(\d+)\]")
_SEGMENT = re.compile(r"(?<=\])(?=\s)")  # an answer's sentences each end in "[n]"
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])")
Progress = Callable[[int, int, str], None]  # done, total, the question being answered


@dataclass
class DraftItem:
    n: str
    text: str
    status: str  # "answered", "partial" or "open"
    answer: str  # cited sentences with global source numbers, or GAP
    parent: str = ""
    citations: list[Passage] = field(default_factory=list)
    closest: list[Passage] = field(default_factory=list)  # for open questions
    similar: list[Similar] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # parts of a partial answer left open


@dataclass
class Source:
    n: int
    title: str
    body: str
    date: str
    doc_type: str
    reference: str
    corpus: str
    source: str
    page: int


@dataclass
class Draft:
    inquiry: Inquiry
    home: str
    items: list[DraftItem]
    sources: list[Source]
    mode: str = "extractive"
    # When the inquiry is in the index and already answered there: "beantwortet durch Vorlage …"
    answered_by: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        inquiry = {**self.inquiry.to_json(), "reference_line": self.inquiry.reference_line}
        return {"inquiry": inquiry, "home": self.home, "mode": self.mode,
                "answered_by": self.answered_by,
                "questions": [asdict(item) for item in self.items],
                "sources": [asdict(s) for s in self.sources]}


def draft_answer(assistant: Assistant, inquiry: Inquiry, home: str = "",
                 progress: Progress | None = None, role: str | None = None) -> Draft:
    """``home``: whose answer this is; by default KIM_KOMMUNE, else the inquiry's municipality.
    ``role``: only documents it may see are cited (None: all)."""
    home = home or assistant.settings.kommune or inquiry.body
    exclude: dict[str, list[str]] = {"doc_type_not": ASKING_TYPES,
                                     **(visibility_filter(role) if role else {})}
    if inquiry.source:
        exclude["source_not"] = [inquiry.source]
    sources: dict[tuple[str, str, int], Source] = {}
    by_number = {q.n: q for q in inquiry.questions}
    items = []
    for done, question in enumerate(inquiry.questions):
        if progress:
            progress(done, len(inquiry.questions), question.text)
        parent = by_number.get(question.parent)
        item = _draft_item(assistant, question, parent, home, exclude)
        _number_sources(item, sources)
        items.append(item)
    return Draft(inquiry, home, items, list(sources.values()),
                 answered_by=_answered_by(assistant, inquiry))


def _answered_by(assistant: Assistant, inquiry: Inquiry) -> list[str]:
    """The answers the index already holds to this very inquiry (found by assistant.links)."""
    if not inquiry.source:
        return []
    return list(dict.fromkeys(
        link.label for (_, source), links in assistant.links.by_doc.items()
        if source == inquiry.source or source.endswith("/" + inquiry.source)
        for link in links if link.relation == "beantwortet_durch"))


def asked_text(question: InquiryQuestion, parent: InquiryQuestion | None, home: str) -> str:
    """What is searched: the sentences that ask (a context sentence before them, "Das
    Handlungskonzept verlangt …", would read as a question about a demand), a sub-question with
    its parent ("Wenn ja, welche?" alone asks nothing), and the inquiry's municipality where the
    question names no place: an inquiry to the Kreis Kleve asks about the Kreis Kleve."""
    text = asking_sentences(question.text)
    if parent:
        text = f"{asking_sentences(parent.text)} {text}"
    if home and not named_places(fold(text)):
        text = f"{text} ({home})"
    return text


def _draft_item(assistant: Assistant, question: InquiryQuestion, parent: InquiryQuestion | None,
                home: str, exclude: dict[str, list[str]]) -> DraftItem:
    """The question as a whole, and each thing it asks on its own ("…, und wie viele davon sind
    besetzt?"): the answer holds the evidence for every part; a part without any is left open."""
    answers = [assistant.ask(_fit(assistant, asked_text(question, parent, home)), exclude=exclude,
                             home=home)]
    parts = _parts(asking_sentences(question.text))
    open_parts = []
    if len(parts) > 1:
        context = asking_sentences(parent.text) if parent else ""
        for part in parts:
            text = asked_text(InquiryQuestion("", f"{context} {part}".strip()), None, home)
            answer = assistant.ask(_fit(assistant, text), exclude=exclude, home=home)
            if answer.abstained:
                open_parts.append(part)
            else:
                answers.append(answer)
    if len(answers) == len(parts) + 1 and len(parts) > 1:
        answers = answers[1:]  # every part has its own, focused evidence
    given = [a for a in answers if not a.abstained]
    item = DraftItem(question.n, question.text, "answered", GAP, question.parent)
    if not given:
        item.status, item.closest = "open", answers[0].passages[:3]
    else:
        item.answer, item.citations = _merged(given)
        if open_parts:
            item.status, item.missing = "partial", open_parts
    item.similar = similar_answers(assistant, asked_text(question, parent, ""), home, exclude,
                                   frozenset(p.source for p in item.citations))
    return item


def _merged(answers: list[Answer]) -> tuple[str, list[Passage]]:
    """One answer from several: each sentence once, citations numbered anew."""
    citations: list[Passage] = []
    number_of: dict[str, int] = {}
    text, seen = "", set()
    for answer in answers:
        local = {}
        for passage in answer.citations:
            if passage.chunk_id not in number_of:
                number_of[passage.chunk_id] = len(citations) + 1
                citations.append(replace(passage, n=len(citations) + 1, quotes=[]))
            cited = citations[number_of[passage.chunk_id] - 1]
            cited.quotes += [q for q in passage.quotes if q not in cited.quotes]
            local[passage.n] = cited.n
        for segment in _SEGMENT.split(answer.answer):
            sentence = _CITE.sub("", segment).strip()
            if sentence and sentence not in seen:
                seen.add(sentence)
                renumbered = _CITE.sub(lambda m, local=local: f"[{local.get(int(m.group(1)))}]",
                                       segment)
                text += f"\n{renumbered.strip()}" if text and not segment[:1].isspace() else renumbered
    return text.strip(), citations


def asking_sentences(text: str) -> str:
    """The item's question sentences from the first one on; all of it when none asks ("?")."""
    sentences = _SENTENCES.split(text)
    first = next((i for i, s in enumerate(sentences) if s.rstrip().endswith("?")), 0)
    return " ".join(sentences[first:])


def _parts(text: str) -> list[str]:
    """The things a question asks, each as a question of its own."""
    pieces = [p.strip(" ,") for p in _PARTS.split(text)]
    asking = [p for p in pieces if re.match(_ASKING_WORD, p, re.IGNORECASE) or "?" in p
              or p is pieces[0]]
    return [p[:1].upper() + p[1:].rstrip("?") + "?" for p in asking if len(p.split()) >= 3]


def _fit(assistant: Assistant, text: str) -> str:
    """A question as long as the engine takes: the last sentences, which ask."""
    limit = assistant.settings.max_question_chars
    return text if len(text) <= limit else text[-limit:].split(" ", 1)[-1]


def _number_sources(item: DraftItem, sources: dict[tuple[str, str, int], Source]) -> None:
    """One list for the whole draft: each cited document page gets one number, and the
    answer's own "[n]" marks are rewritten to it."""
    local: dict[int, int] = {}
    for passage in item.citations:
        key = (passage.corpus, passage.source, passage.page)
        if key not in sources:
            sources[key] = Source(len(sources) + 1, passage.title, passage.body, passage.date,
                                  passage.doc_type, passage.reference, passage.corpus,
                                  passage.source, passage.page)
        local[passage.n] = sources[key].n
        passage.n = sources[key].n
    if local:
        item.answer = _CITE.sub(lambda m: f"[{local.get(int(m.group(1)), m.group(1))}]", item.answer)

