"""Answer candidates from a passage: statements, list items, and the parts of a letter.

Council letters answer "who signed?", "to whom?" and "when?" not in sentences but in their
structure: the lines after the closing formula (or beside "Unterschrift") are signatures, the
salutation names the addressee, the letter date line dates the document. Headings and address
blocks are no answers and are left out.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.ingest.metadata import DATE_LINE
from assistant.text import split_sentences

ITEM = re.compile(r"^(?:\d{1,2}\s?[.)]|[-–•·*→▪►✓])\s*")
_CLOSING = re.compile(r"^(mit )?(freundliche[nm]?|beste[nm]?|herzliche[nm]?) gr(ü|u|i)", re.I)
_SIGNATURE_LABEL = re.compile(r"^(unterschrift|name, vorname)$", re.I)
_SALUTATION = re.compile(r"^(sehr geehrte|an\s)", re.I)
_LABELLED_DATE = re.compile(r"^datum\s*:", re.I)
# A signer's function after the names: "Ingrid Tews … Fachsprecherin", "… Vorsitzender der SPD".
_SIGNER_TITLE = re.compile(r"\b(Fraktions)?(vorsitzende[rn]?|sprecher(in)?|fachsprecher(in)?|"
                           r"bürgermeister(in)?|ratsmitglied|stadtverordnete[r]?)\b", re.I)
_CONTACT = re.compile(r"\b\d{5} [A-ZÄÖÜ]|\bTel\b|@|\bFax\b")  # letterhead: postcode, phone, mail
_LABEL = re.compile(r"^[A-ZÄÖÜ][\w .]{0,30}:\s*\S")  # "Nr.: A 21/0500-01", "Status: öffentlich"
_HEADER_ROW = re.compile(r"^(?:[\wÄÖÜäöüß.\-]+\s*:\s*){2,}$")
_STATEMENT_END = (".", "!", "?", ":", ";", "“", "”", '"', "»", "«", ")")


@dataclass(frozen=True)
class Unit:
    text: str
    order: int
    item: bool = False
    role: str | None = None  # signature, addressee, date_line


@lru_cache(maxsize=4096)
def answer_units(text: str) -> tuple[Unit, ...]:
    lines = _join_table_rows([line.strip() for line in text.split("\n") if line.strip()])
    units: list[Unit] = []
    after_closing = False
    for i, line in enumerate(lines):
        if _CLOSING.match(line):
            after_closing = True
            continue
        if _SIGNATURE_LABEL.match(line):
            continue
        role = _role(lines, i, after_closing)
        if ITEM.match(line) or role:
            units.append(Unit(line, len(units), item=bool(ITEM.match(line)), role=role))
            continue
        if _is_fact_line(line):  # tabular facts: "Sozialausschuss 15.06.2021 Ö Entscheidung"
            units.append(Unit(line, len(units)))
            continue
        for sentence in split_sentences(line):
            if _announces(units) and not sentence.startswith(("-", "•")):
                # "… ein Handlungskonzept erstellt:" is completed by what follows the colon
                units[-1] = Unit(f"{units[-1].text} {sentence}", units[-1].order)
            elif sentence.endswith(_STATEMENT_END) and len(sentence.split()) >= 3:
                units.append(Unit(sentence, len(units)))
    return tuple(units)


def _announces(units: list[Unit]) -> bool:
    """The last unit is a sentence ending in a colon that waits for its continuation."""
    last = units[-1] if units else None
    return bool(last and not last.item and not last.role and last.text.endswith(":")
                and len(last.text.split()) >= 4 and not _LABEL.match(last.text))


def _join_table_rows(lines: list[str]) -> list[str]:
    """A row of column labels ("Gremium : Datum: Status:") belongs to the row of values after it."""
    joined: list[str] = []
    for line in lines:
        if joined and _HEADER_ROW.match(joined[-1]):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return joined


def _is_fact_line(line: str) -> bool:
    """A short line without sentence punctuation that still states something: a label with its
    value, or words together with a number or date."""
    if line.endswith(_STATEMENT_END) or len(line.split()) > 12 or _CONTACT.search(line):
        return False
    return bool(_LABEL.match(line)) or (len(line.split()) >= 2 and any(c.isdigit() for c in line))


def _role(lines: list[str], i: int, after_closing: bool) -> str | None:
    line = lines[i]
    beside_label = any(_SIGNATURE_LABEL.match(lines[j]) for j in (i - 1, i + 1)
                       if 0 <= j < len(lines))
    if DATE_LINE.match(line) or _LABELLED_DATE.match(line):
        return "date_line"
    if after_closing or (beside_label and len(line.split()) <= 6):
        return "signature"
    if _SIGNER_TITLE.search(line) and not line.endswith(_STATEMENT_END) and i >= len(lines) - 4:
        return "signature"
    if _SALUTATION.match(line) and len(line.split()) <= 14:
        return "addressee"
    return None
