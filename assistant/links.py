"""Which administration answer belongs to which inquiry.

Council work runs in pairs: a group asks (Anfrage, Antrag), the administration answers in a
Vorlage (Mitteilungsvorlage, Stellungnahme). Knowing the pair lets a source card say "Antwort auf
Anfrage …" or "beantwortet durch Vorlage …". A pair is recognised, strongest clue first, by:

1. the council system's own relation (OParl ``relatedPaper`` and the like, kept by `kim fetch` in
   the sidecar as ``oparl_id`` and ``verwandt``);
2. the answer's number continuing the inquiry's ("A 21/0500-01" answers "A 21/0500", as ALLRIS
   numbers follow-up papers);
3. the inquiry's number in the answer's subject, its title or "Betreff" ("Beantwortung der
   Anfrage A 21/0500");
4. "Anfrage … vom 14.02.2024" in the answer's subject, and exactly one inquiry of that
   municipality of that date.
"""

import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from assistant.german.dates import german_date, parse_date
from assistant.german.places import mentions
from assistant.german.text import fold
from assistant.ingest.scan import sidecar_of
from assistant.records import ChunkRecord

ASKING = ("Anfrage", "Antrag")
ANSWERING = ("Vorlage",)
HEAD_CHARS = 1500  # where an answer names what it answers: its letterhead and subject
_MENTIONED_DATE = re.compile(r"(?:Anfrage|Antrag)\b[^.\n]{0,120}?\bvom\s+(\d{1,2}\.\s?\d{1,2}\.\s?\d{4})",
                             re.IGNORECASE)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_BETREFF = re.compile(r"\b(?:Betreff|Betr\.|Gegenstand)\s*:\s*([^\n]{0,300})", re.IGNORECASE)

DocKey = tuple[str, str]  # (corpus, source)


@dataclass
class DocFacts:
    key: DocKey
    doc_type: str
    reference: str
    title: str
    date: str
    body: str
    head: str  # the first words of the document
    oparl_id: str = ""
    related_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Link:
    relation: str  # "antwort_auf" (this answers that) or "beantwortet_durch"
    doc_type: str
    reference: str
    title: str
    date: str
    key: DocKey

    @property
    def label(self) -> str:
        """"Antwort auf Anfrage A 21/0500 vom 14.02.2024" / "beantwortet durch Vorlage …"."""
        verb = "Antwort auf" if self.relation == "antwort_auf" else "beantwortet durch"
        name = self.reference or f"„{self.title}“"
        when = f" vom {german_date(self.date)}" if self.date else ""
        return f"{verb} {self.doc_type} {name}{when}"


@dataclass
class Links:
    by_doc: dict[DocKey, list[Link]] = field(default_factory=dict)

    def of(self, corpus: str, source: str) -> list[Link]:
        return self.by_doc.get((corpus, source), [])

    def labels(self, corpus: str, source: str) -> list[str]:
        """Each once: a paper's main file and its annexes read alike."""
        return list(dict.fromkeys(link.label for link in self.of(corpus, source)))

    @property
    def pairs(self) -> int:
        return sum(1 for links in self.by_doc.values() for k in links if k.relation == "antwort_auf")


def find_links(documents: Iterable[DocFacts]) -> Links:
    docs = list(documents)
    asking = [(d, _plain(d.reference)) for d in docs if d.doc_type in ASKING]
    same_day: dict[tuple[str, str], int] = defaultdict(int)
    for inquiry, _ in asking:
        same_day[(fold(inquiry.body), inquiry.date)] += 1
    links = Links()
    for answer in (d for d in docs if d.doc_type in ANSWERING):
        clues = _Clues.of(answer)
        for inquiry, number in asking:
            unique_date = same_day[(fold(inquiry.body), inquiry.date)] == 1
            if inquiry.key != answer.key and _answers(answer, clues, inquiry, number, unique_date):
                links.by_doc.setdefault(answer.key, []).append(_link("antwort_auf", inquiry))
                links.by_doc.setdefault(inquiry.key, []).append(_link("beantwortet_durch", answer))
    return links


@dataclass
class _Clues:
    """What an answer says it is about (its title and its "Betreff"), worked out once for all
    the inquiries it is held against. Only the subject counts: a report that mentions an
    inquiry further down ("wie in der Antwort auf die Anfrage vom …") does not answer it."""
    subject: str
    plain_subject: str
    number: str  # the answer's own reference, letters and digits only
    dates: set[str]

    @classmethod
    def of(cls, answer: DocFacts) -> "_Clues":
        subject = _subject(answer)
        dates = {parse_date(m.group(1)) for m in _MENTIONED_DATE.finditer(subject)}
        return cls(subject, _plain(subject), _plain(answer.reference), {d for d in dates if d})


def _subject(answer: DocFacts) -> str:
    head = answer.head[:HEAD_CHARS]
    lines = [answer.title, *(m.group(1) for m in _BETREFF.finditer(head))]
    return "\n".join(lines)


def _answers(answer: DocFacts, clues: _Clues, inquiry: DocFacts, number: str,
             unique_date: bool) -> bool:
    """``number``: the inquiry's reference reduced to letters and digits. The cheap clues are
    looked at first; whether both come from the same council only when one of them holds."""
    if answer.oparl_id and inquiry.oparl_id:  # the system knows; no guessing beside it
        return inquiry.oparl_id in answer.related_ids or answer.oparl_id in inquiry.related_ids
    clue = _number_clue(answer, clues, inquiry, number) or \
        (unique_date and bool(inquiry.date) and inquiry.date in clues.dates)
    return clue and _same_council(answer, inquiry)


def _number_clue(answer: DocFacts, clues: _Clues, inquiry: DocFacts, number: str) -> bool:
    """The answer's number continues the inquiry's, or its subject names the inquiry's."""
    if len(number) < 4 or not any(c.isdigit() for c in number):
        return False  # "12" or "A" would be found everywhere
    if clues.number.startswith(number) and _continues(answer.reference, inquiry.reference):
        return True
    return number in clues.plain_subject and number != clues.number and \
        _named_as_number(inquiry.reference, clues.subject)


def _same_council(answer: DocFacts, inquiry: DocFacts) -> bool:
    """Both from the same municipality. The letterhead guess can be wrong (the seat of a Kreis
    read as the municipality); the text sets it right: an inquiry to "den Landrat des
    Rhein-Sieg-Kreises" belongs to the Rhein-Sieg-Kreis, wherever the group's office is."""
    if not answer.body or not inquiry.body or fold(answer.body) == fold(inquiry.body):
        return True
    return mentions(fold(inquiry.head), fold(answer.body)) or \
        mentions(fold(answer.head), fold(inquiry.body))


def _continues(longer: str, shorter: str) -> bool:
    """"A 21/0500-01" continues "A 21/0500"; "A 21/05001" does not (another number)."""
    parts = [re.escape(p) for p in shorter.split()]
    if not parts:
        return False
    return re.fullmatch(r"\s*" + r"\s*".join(parts) + r"\s*[-/.]\s*\d{1,3}\s*", longer) is not None


def _named_as_number(reference: str, text: str) -> bool:
    """The reference stands in ``text`` as a number of its own, not inside a longer one."""
    parts = [re.escape(p) for p in reference.split() if p]
    pattern = r"(?<![\w/])" + r"\s*".join(parts) + r"(?![\w]|[/.-]\d)"
    return re.search(pattern, text) is not None


def _plain(text: str) -> str:
    return _NOT_ALNUM.sub("", fold(text))


def _link(relation: str, other: DocFacts) -> Link:
    return Link(relation, other.doc_type, other.reference, other.title, other.date, other.key)


def document_facts(records: Iterable[ChunkRecord], paths: dict[DocKey, Path]) -> list[DocFacts]:
    """Facts per document from its passages (metadata, and the head from its first passages),
    with what a `kim fetch` sidecar beside its file says about related papers."""
    heads: dict[DocKey, list[ChunkRecord]] = defaultdict(list)
    for record in records:
        heads[(record.corpus, record.source)].append(record)
    facts = []
    for key, parts in heads.items():
        parts.sort(key=lambda r: r.position)
        first = parts[0]
        head = " ".join(r.text for r in parts[:3])[:HEAD_CHARS]
        oparl_id, related = _sidecar_relations(paths.get(key))
        facts.append(DocFacts(key, first.doc_type, first.reference, first.title, first.date,
                              first.body, f"{first.title}\n{head}", oparl_id, related))
    return facts


def _sidecar_relations(path: Path | None) -> tuple[str, tuple[str, ...]]:
    if path is None:
        return "", ()
    sidecar = sidecar_of(path)
    if sidecar is None:
        return "", ()
    try:
        data = tomllib.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "", ()
    related = data.get("verwandt", [])
    return (str(data.get("oparl_id", "")),
            tuple(str(r) for r in related) if isinstance(related, list) else ())
