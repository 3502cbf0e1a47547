"""The answer as the CLI, the UI and the evaluation see it (the `ask --json` contract)."""

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from assistant.records import ChunkRecord

ABSTAIN_TEXT = "In den vorliegenden Dokumenten finde ich dazu keine Angabe."
FILTERED_OUT_TEXT = (f"{ABSTAIN_TEXT} Die gewählten Filter schließen alle Dokumente aus – bitte "
                     "Filter lockern oder zurücksetzen.")
ANSWER_MODES = ("extractive", "llm")  # quotes, or an LLM's sentences each checked (assistant/llm)


@dataclass
class Passage:
    n: int
    chunk_id: str
    source: str
    title: str
    page: int
    text: str
    score: float
    body: str = ""
    date: str = ""
    doc_type: str = ""
    corpus: str = ""
    reference: str = ""  # the Vorlage or Drucksache number ("12/1147")
    quotes: list[str] = field(default_factory=list)  # the sentences the answer took from it
    # Its document's place in council work: "Antwort auf Anfrage A 21/0500 vom 14.02.2024",
    # "beantwortet durch Vorlage …" (assistant.links).
    related: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, n: int, record: ChunkRecord, score: float) -> "Passage":
        return cls(n=n, chunk_id=record.id, source=record.source, title=record.title,
                   page=record.page, text=record.text, score=round(float(score), 4),
                   body=record.body, date=record.date, doc_type=record.doc_type,
                   corpus=record.corpus, reference=record.reference)


@dataclass
class Answer:
    question: str
    answer: str
    abstained: bool
    retrieval: str
    mode: str = "extractive"
    # "answered", or for an abstention the check that fired (answer.extractive.ABSTAIN_REASONS)
    reason: str = "answered"
    citations: list[Passage] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    id: str | None = None
    notice: str = ""  # e.g. why retrieval is lexical only
    # Question words the quotes lack, with the thesaurus words they hold instead ("Geld" →
    # ["Fördermittel"]), so that people can see what the answer rests on.
    stand_ins: dict[str, list[str]] = field(default_factory=dict)
    # LLM mode: generated sentences the cited passages do not support, removed, each with the
    # reason ({"sentence": …, "reason": …}); and when the LLM answer could not be used, the one
    # German line saying why the answer is extractive instead.
    unsupported: list[dict[str, str]] = field(default_factory=list)
    fallback: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        if self.id is None:
            del data["id"]
        for optional in ("notice", "stand_ins", "unsupported", "fallback"):
            if not data[optional]:
                del data[optional]
        return data


def answer_from_json(data: dict[str, Any]) -> Answer:
    """An answer as ``to_json`` wrote it (e.g. a kept conversation); keys it does not know are
    dropped, so a file written by a newer version still reads."""
    def passage(item: dict[str, Any]) -> Passage:
        return Passage(**{k: v for k, v in item.items() if k in _PASSAGE_FIELDS})

    known = {k: v for k, v in data.items() if k in _ANSWER_FIELDS}
    known["citations"] = [passage(p) for p in data.get("citations", [])]
    known["passages"] = [passage(p) for p in data.get("passages", [])]
    return Answer(**known)


_PASSAGE_FIELDS = {f.name for f in fields(Passage)}
_ANSWER_FIELDS = {f.name for f in fields(Answer)}
