"""Answer candidates from a passage, each with its role in the document.

A unit is a statement, a question (asked, demanded, or reported: "Herr X fragte, ob …"), a header
field ("Vorlage-Nr.: 12/1147", "Status: öffentlich"), or a part of a letter. Council letters
answer "who signed?", "to whom?" and "when?" not in sentences but in their structure: the lines
after the closing formula (or beside "Unterschrift") are signatures, the salutation names the
addressee, the letter date line dates the document. Only statements answer questions of fact; a
question is evidence of what was asked (see ``../shared/COUNCIL-DOCS.md``, "Traps").
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.german.dates import DATE_LINE
from assistant.german.text import split_sentences

# A list marker; OCR often keeps only the dot of "7." (". Wie wurden diese ausgewählt?").
ITEM = re.compile(r"^(?:\d{1,2}\s?[.)]|\.\s|[-–•·*→▪►✓])\s*")
_CLOSING = re.compile(r"^(mit )?(freundliche[nm]?|beste[nm]?|herzliche[nm]?) gr(ü|u|i)", re.I)
# Courtesy before the closing formula: no statement of fact ("Wir bedanken uns im Voraus …").
_COURTESY = re.compile(r"^(wir|ich) (bedanken|bedanke) (uns|mich)|^(vielen|herzlichen) dank\b|"
                       r"^für ihre (bemühungen|mühe|unterstützung)", re.I)
_SIGNATURE_LABEL = re.compile(r"^(unterschrift|name, vorname)$", re.I)
_SALUTATION = re.compile(r"^(sehr geehrte|an\s)", re.I)
_LABELLED_DATE = re.compile(r"^datum\s*:", re.I)
# A signer's function after the names: "… Fachsprecherin", "… Vorsitzender der SPD".
_SIGNER_TITLE = re.compile(r"\b(Fraktions)?(vorsitzende[rn]?|sprecher(in)?|fachsprecher(in)?|"
                           r"bürgermeister(in)?|ratsmitglied|stadtverordnete[r]?)\b", re.I)
_CONTACT = re.compile(r"\b\d{5} [A-ZÄÖÜ]|\bTel\b|@|\bFax\b")  # letterhead: postcode, phone, mail
_LABEL = re.compile(r"^[A-ZÄÖÜ][\w .]{0,30}:\s*\S")  # "Nr.: A 21/0500-01", "Status: öffentlich"
_HEADER_ROW = re.compile(r"^(?:[\wÄÖÜäöüß.\-]+\s*:\s*){2,}$")
_STATEMENT_END = (".", "!", "?", ":", ";", "“", "”", '"', "»", "«", ")")
# The fields of a Vorlage's header block; PDF export often runs them into one line.
_HEADER_FIELD = re.compile(
    r"(?:^|\s)(?:Betreff|Vorlagen?(?:-?Nr\.?|nummer)?|Drucksachen?(?:-?Nr\.?)?|Art|Aktenzeichen|"
    r"Az\.|Beratungsfolge|Status|Datum|Federführung|Federführend|Gremium|Sitzungstermin|"
    r"Zuständigkeit|Dezernat|Fachbereich|Amt|Verfasser(?:in)?|Öffentlichkeitsstatus)\s?:", re.I)
# Where a Vorlage's parts begin, also inside a line flattened by PDF export.
_SECTION = re.compile(r"\s(?=(?:Beschlussvorschlag|Sachverhalt|Sachdarstellung|Begründung|"
                      r"Finanzielle Auswirkungen|Antwort der Verwaltung|Zu Frage \d+|Frage \d+)\s?:)")
# Reported questions in minutes ("Herr X fragte nach, ob …"): the reply follows them.
_REPORTED_QUESTION = re.compile(r"\b(?:fragten?|erkundigten? sich|wollten? wissen|"
                                r"baten? um (?:Auskunft|Erläuterung))\b")
LETTER_PARTS = frozenset({"signature", "addressee", "date_line"})


@dataclass(frozen=True)
class Unit:
    text: str
    order: int
    item: bool = False
    # statement, question, header, or a letter part: signature, addressee, date_line
    role: str = "statement"

    @property
    def is_letter_part(self) -> bool:
        return self.role in LETTER_PARTS


@lru_cache(maxsize=4096)
def answer_units(text: str, asks: bool = False) -> tuple[Unit, ...]:
    """``asks``: the passage is from an Anfrage, whose numbered items ask even where OCR lost
    their question mark."""
    lines = _join_table_rows([part.strip() for line in text.split("\n")
                              for part in _SECTION.split(line) if part.strip()])
    units: list[Unit] = []
    after_closing = False
    for i, line in enumerate(lines):
        if _CLOSING.match(line):
            after_closing = True
            continue
        if _COURTESY.match(line):
            continue
        if _SIGNATURE_LABEL.match(line):
            continue
        if part := _letter_part(lines, i, after_closing):
            units.append(Unit(line, len(units), item=bool(ITEM.match(line)), role=part))
        elif _is_header(line):
            units.append(Unit(line, len(units), role="header"))
        elif ITEM.match(line):
            units.extend(_item_units(line, len(units), asks))
        elif _is_fact_line(line):  # tabular facts: "Sozialausschuss 15.06.2021 Ö Entscheidung"
            units.append(Unit(line, len(units)))
        else:
            _add_sentences(units, line)
    return _heads_of_questions(units)


def _heads_of_questions(units: list[Unit]) -> tuple[Unit, ...]:
    """A line announcing questions ("Wir bitten um Beantwortung der folgenden Fragen:") asks with
    them."""
    return tuple(
        Unit(u.text, u.order, u.item, "question")
        if (u.role == "statement" and u.text.endswith(":") and i + 1 < len(units)
            and units[i + 1].role == "question") else u
        for i, u in enumerate(units))


def _add_sentences(units: list[Unit], line: str) -> None:
    for sentence in split_sentences(line):
        if _announces(units) and not sentence.startswith(("-", "•")):
            # "… ein Handlungskonzept erstellt:" is completed by what follows the colon, and
            # "… würde gerne wissen: Wie …?" asks
            units[-1] = Unit(f"{units[-1].text} {sentence}", units[-1].order,
                             role=sentence_role(sentence))
        elif sentence.endswith(_STATEMENT_END) and len(sentence.split()) >= 3:
            units.append(Unit(sentence, len(units), role=sentence_role(sentence)))


def _item_units(line: str, order: int, asks: bool) -> list[Unit]:
    """A list item stays whole, except where a statement document mixes questions and statements
    in one ("10. Welche …? Zu 10.: Hierzu kann …"): then each run of statements or questions
    becomes a unit of its own."""
    if len(ITEM.sub("", line).split()) < 2:
        return []  # a number whose text OCR lost ("2.")
    marker = ITEM.match(line)
    head = marker.group(0) if marker else ""
    sentences = split_sentences(line[len(head):])  # "10." alone would pass for a sentence
    if asks or not any(s.endswith("?") for s in sentences):
        # An inquiry's numbered item is what it asks, premises included ("9. In der
        # Lenkungsgruppe sind keine … vertreten. Warum nicht?").
        return [Unit(line, order, item=True, role="question" if asks else "statement")]
    runs: list[list[str]] = []
    for sentence in sentences:
        if runs and runs[-1][-1].endswith("?") == sentence.endswith("?"):
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
    return [Unit(head * (i == 0) + " ".join(run), order + i, item=i == 0,
                 role="question" if run[-1].endswith("?") else sentence_role(" ".join(run)))
            for i, run in enumerate(runs)]


def sentence_role(sentence: str) -> str:
    """A sentence asks when it ends in "?" or reports a question ("Frau X fragte, ob …")."""
    if sentence.rstrip().endswith("?") or _REPORTED_QUESTION.search(sentence):
        return "question"
    return "statement"


def _is_header(line: str) -> bool:
    """A field of the header block: a line opening with a field label, or one holding several."""
    fields = _HEADER_FIELD.findall(line)
    return len(fields) >= 2 or (bool(fields) and bool(_HEADER_FIELD.match(line))
                                and len(line.split()) <= 16)


def _announces(units: list[Unit]) -> bool:
    """The last unit is a sentence ending in a colon that waits for its continuation."""
    last = units[-1] if units else None
    return bool(last and not last.item and last.role == "statement" and last.text.endswith(":")
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


def _letter_part(lines: list[str], i: int, after_closing: bool) -> str | None:
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
