"""A council inquiry read for drafting its answer: who asks whom, when, about what, which
questions (with their printed numbers), and the Begründung kept apart."""

import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.drafting.questions import InquiryQuestion, find_questions, split_request
from assistant.errors import KimError
from assistant.german.dates import german_date
from assistant.german.places import KREISE
from assistant.german.text import fold
from assistant.ingest.loaders import SUPPORTED_SUFFIXES, ReadLimits, load_document
from assistant.ingest.metadata import find_body, find_doc_type, find_document_date, guess_title
from assistant.ingest.sandbox import Budget, Sandbox

# Parties as letterheads and signatures write them, OCR damage included ("Bindnis 90/Die Grinen").
_PARTIES = [
    ("Bündnis 90/Die Grünen", r"b\w{1,2}ndnis\s*90\s*/\s*die\s*gr\w{1,2}nen|\bgr\w{1,2}nen\b"),
    ("SPD", r"\bspd\b"), ("CDU", r"\bcdu\b"), ("FDP", r"\bfdp\b"),
    ("Die Linke", r"\bdie\s+linke\b|\blinken?\b"), ("AfD", r"\bafd\b"),
    ("Freie Wähler", r"\bfreie[n]?\s+w\w{1,2}hler|\bfw[glp]?\b|\bfwl\b|\bubp\b|\bbpl\b"),
]
_PARTY_RE = [(name, re.compile(pattern, re.IGNORECASE)) for name, pattern in _PARTIES]
_OTHER_FACTION = re.compile(r"(?:Kreistags|Rats)?[Ff]raktion\s+(?:der\s+)?"
                            r"([A-ZÄÖÜ][\w/-]+(?:[ \t]+[A-ZÄÖÜ][\w/-]+){0,3})")
_COUNCIL_ASKS = re.compile(r"\b(?:Mitglieder des |der |Der )?Integrationsrat(?:es|s)?\b")
_SALUTATION = re.compile(r"Sehr geehrte[rn]?\s+(?P<who>(?:Herr|Frau)\s+(?:(?:Dr\.|Prof\.|(?:Ober)?"
                         r"[Bb]ürgermeister(?:in)?|Landr(?:at|ätin)|Vorsitzende[r]?)\s+)*[\w-]+)")
# An inquiry to the Landrat or for the Kreistag asks the Kreis, even when the letterhead names the
# town the Kreishaus stands in ("53721 Siegburg" for the Rhein-Sieg-Kreis).
_TO_KREIS = re.compile(r"\bLandr(?:at|ätin)\b|\bKreistag|\bKreisverwaltung|\bKreishaus")
_HEAD, _TAIL = 1500, 900


@dataclass
class Inquiry:
    title: str
    kind: str  # "Anfrage", "Antrag", … (the document type as the index would file it)
    party: str  # who asks: "Bündnis 90/Die Grünen", "SPD und Bündnis 90/Die Grünen", …
    body: str  # the municipality or council ("Kreis Kleve")
    addressee: str  # "Herr Gerwers"
    date: str  # ISO, "" when unknown
    source: str  # file name, or "" for pasted text
    questions: list[InquiryQuestion] = field(default_factory=list)
    reasons: str = ""  # the Begründung

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        del data["questions"], data["reasons"]
        return data

    @property
    def reference_line(self) -> str:
        """"Anfrage der Fraktion Bündnis 90/Die Grünen vom 23.11.2023 – Antwort der Verwaltung"."""
        kind = self.kind if self.kind in ("Anfrage", "Antrag") else "Anfrage"
        who = _who(self.party)
        when = f" vom {german_date(self.date)}" if self.date else ""
        return f"{kind}{who}{when} – Antwort der Verwaltung"


def parse_inquiry(text: str, source: str = "") -> Inquiry:
    if not text.strip():
        raise KimError("Die Anfrage ist leer – bitte den Text einfügen oder eine Datei wählen.")
    request, reasons = split_request(text)
    return Inquiry(
        title=guess_title(text) or Path(source).stem, kind=find_doc_type(text),
        party=find_party(text), body=inquiry_body(text), addressee=_addressee(text),
        date=find_document_date(text), source=source,
        # Where the reasons come first ("Sachverhalt: …", then the questions), the list is there.
        questions=find_questions(request) or find_questions(f"{request}\n{reasons}"),
        reasons=reasons,
    )


def read_inquiry(path: Path, name: str = "", budget: Budget | None = None) -> Inquiry:
    """An uploaded or local file (PDF, DOCX, TXT, MD, HTML), read in the ingest's sandbox (an
    upload may be broken or hostile); a German reason when it cannot be read."""
    name = name or path.name
    if not path.is_file():
        raise KimError(f"Die Datei „{path}“ existiert nicht – Pfad prüfen.")
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        raise KimError(f"„{name}“: dieses Format kann ich nicht lesen – bitte als PDF, DOCX, TXT "
                       "oder HTML hochladen oder den Text einfügen.")
    for _, outcome in Sandbox(1, budget or Budget()).map("assistant.drafting.inquiry:load_text", [path]):
        if outcome.error:
            raise KimError(f"„{name}“ konnte nicht gelesen werden: {outcome.error} Oder den Text "
                           "der Anfrage einfügen.")
        return parse_inquiry(outcome.value, name)
    raise KimError(f"„{name}“ konnte nicht gelesen werden.")  # the sandbox reports every file


def load_text(path: Path) -> str:
    """The sandbox job: the file's text (an inquiry is a few pages; the bounds are tight)."""
    return load_document(path, ReadLimits(max_text_chars=500_000, max_pdf_pages=200)).text


def find_party(text: str) -> str:
    """The parties in the letterhead and the signature, in the order they first appear."""
    zone = f"{text[:_HEAD]}\n{text[-_TAIL:]}"
    found = sorted((match.start(), name) for name, pattern in _PARTY_RE
                   if (match := pattern.search(zone)))
    if found:
        return " und ".join(name for _, name in found)
    if match := _OTHER_FACTION.search(zone):
        return match.group(1)
    return "Integrationsrat" if _COUNCIL_ASKS.search(zone) else ""


def inquiry_body(text: str) -> str:
    """The municipality asked: the Kreis the head names when the letter goes to the Kreis."""
    head = text[:_HEAD]
    if _TO_KREIS.search(head):
        folded = fold(head)
        named = [(m.start(), kreis) for kreis in KREISE
                 if (m := _kreis_pattern(kreis).search(folded))]
        if named:
            return min(named)[1]
    return find_body(text)


def _kreis_pattern(kreis: str) -> re.Pattern[str]:
    """"Kreis Kleve", "Kreises Kleve", "Kreistag Kleve", "Rhein-Sieg-Kreises", "Kreistag Rhein-Sieg"."""
    core = fold(kreis.removeprefix("Kreis ")).removesuffix("-kreis").removesuffix(" kreis")
    whole = re.escape(fold(kreis))
    return re.compile(rf"{whole}(?:es|s)?\b|\bkreis(?:es|tag\w*)?\s+(?:des\s+kreises\s+)?"
                      rf"{re.escape(core)}\b")


def _who(party: str) -> str:
    if not party:
        return ""
    if party == "Integrationsrat":
        return " des Integrationsrates"
    return f" der Fraktion{'en' if ' und ' in party else ''} {party}"


def _addressee(text: str) -> str:
    match = _SALUTATION.search(text[:3000])
    return match.group("who") if match else ""


