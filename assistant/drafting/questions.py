"""The questions of a council inquiry, with the numbers it printed.

Inquiries ask in a list after a request ("… dabei auf folgende Fragen einzugehen:"): "1.", "a)",
"-", "•", "→", Markdown bold, or, after OCR, ". " where a number was lost, or nothing at all.
Items span lines, carry a context sentence and follow-up questions ("Wenn ja, welche?"), and
sub-questions hang under a number. The Begründung follows and asks nothing that needs an answer;
questions in the preamble before a list are the inquiry's motivation, not its questions.
"""

import re
from dataclasses import dataclass

# "1. ", "14.Menschen", "2) ", "Frage 3: "
_NUMBERED = re.compile(r"^(?:Frage\s+)?(?P<n>\d{1,2})\s*[.):]\s*(?=\S)(?!\d)")
_LETTERED = re.compile(r"^(?P<n>[a-h])\)\s+")
_BULLET = re.compile(r"^[-–—•→▪·*»>]\s+(?=\S)")
# The ". " that OCR leaves of a lost number: a numbered item, not a bullet.
_LOST = re.compile(r"^\.\s+(?=\S)")
_ESCAPE = re.compile(r"\\(?=[*_#\\\[\]])")  # Markdown's "Bewerber\*innen"
_MARKUP = re.compile(r"\*\*|__|(?<![\w\\])\*(?=\S)|(?<=\S)\*(?!\w)|^#+\s*")
# Where the request ends and the reasons begin.
_REASONS = re.compile(r"^(?:Begr[uü]ndung|Sachverhalt|Erl[aä]uterung(?:en)?|Hintergrund)\b\s*:?",
                      re.IGNORECASE)
_CLOSING = re.compile(r"^(?:Mit freundlichen Gr|Freundliche Gr|Wir bedanken uns|Vielen Dank|"
                      r"F[uü]r die Fraktion|Anlage(?:n)?\s*:)", re.IGNORECASE)
# Page furniture between the items of a list ("– 2 –", "Seite 2 von 3").
_PAGE_MARK = re.compile(r"^(?:[-–]\s*\d+\s*[-–]|Seite\s+\d+(?:\s+von\s+\d+)?)$", re.IGNORECASE)
# "1. Wie viele …? a) Wie viele davon …?": sub-questions run on in the line of their question.
_INLINE_LETTER = re.compile(r"(?<=[?:.])\s+(?=[a-h]\)\s)")
_SENTENCE_END = re.compile(r"[?.!:]['\"”“)]*$")
_JOINERS = {"und", "oder", "bzw", "sowie"}


@dataclass
class InquiryQuestion:
    n: str  # the number as printed ("3", "1a"); inferred where the OCR or a bullet gave none
    text: str
    parent: str = ""  # the number of the question it belongs to ("1" for "1a")
    printed: bool = True  # False: the number was inferred from the position


@dataclass
class _Item:
    marker: str  # "number", "letter", "bullet", "lost" (OCR's ". ") or "none"
    label: str
    lines: list[str]


def split_request(text: str) -> tuple[str, str]:
    """(request, reasons): the part that asks, and the Begründung kept apart."""
    lines = [clean_line(line) for line in text.splitlines()]
    start = next((i for i, line in enumerate(lines) if _REASONS.match(line)), None)
    if start is None:
        return "\n".join(lines), ""
    end = next((i for i in range(start + 1, len(lines)) if _CLOSING.match(lines[i])), len(lines))
    reasons = _REASONS.sub("", lines[start], count=1).strip()
    return "\n".join(lines[:start]), "\n".join([reasons, *lines[start + 1:end]]).strip()


def clean_line(line: str) -> str:
    return " ".join(_ESCAPE.sub("", _MARKUP.sub("", line)).split())


def find_questions(request: str) -> list[InquiryQuestion]:
    """The numbered or bulleted list that asks; without one, the sentences that ask."""
    request = "\n".join(line for line in request.splitlines()
                         if not _CLOSING.match(line) and not _PAGE_MARK.match(line))
    items = _best_list(_paragraph_items(request))
    if items:
        return _numbered(items)
    sentences = [s for s in _sentences(request) if s.endswith("?")]
    return [InquiryQuestion(str(i), s, printed=False) for i, s in enumerate(sentences, start=1)]


def _paragraph_items(request: str) -> list[list[_Item]]:
    """Runs of list items. A line without a marker continues the item above when the item is not
    yet finished (a line break, or a page break inside a question); a finished item followed by
    a marker-less paragraph that asks is an item whose marker the OCR lost."""
    runs: list[list[_Item]] = []
    run: list[_Item] = []
    blank = False
    for line in request.splitlines():
        if not line:
            blank = True
            continue
        marker, label, rest = _marker(line)
        if marker != "none":
            run.append(_Item(marker, label, [rest]))
        elif run and (not blank or not _finished(run[-1])):
            run[-1].lines.append(line)
        elif run and line.endswith("?"):
            run.append(_Item("none", "", [line]))
        else:
            if run:
                runs.append(run)
            run = []
        blank = False
    if run:
        runs.append(run)
    return runs


def _marker(line: str) -> tuple[str, str, str]:
    for kind, pattern in (("number", _NUMBERED), ("letter", _LETTERED), ("bullet", _BULLET),
                            ("lost", _LOST)):
        match = pattern.match(line)
        if match:
            label = match.groupdict().get("n") or ""
            return kind, label, line[match.end():].strip()
    return "none", "", line


def _finished(item: _Item) -> bool:
    return bool(_SENTENCE_END.search(item.lines[-1]))


def _best_list(runs: list[list[_Item]]) -> list[_Item]:
    """The run that asks most; a run of requests ("Die Verwaltung wird beauftragt, …") when no
    run asks at all, as in an Antrag."""
    def asks(run: list[_Item]) -> int:
        return sum("?" in " ".join(item.lines) for item in run)

    asking = [run for run in runs if asks(run)]
    if asking:
        return max(asking, key=asks)
    lists = [run for run in runs if len(run) >= 2 or run[0].marker == "number"]
    return max(lists, key=len) if lists else []


def _numbered(items: list[_Item]) -> list[InquiryQuestion]:
    """Original numbers where printed; lost ones inferred by position; bullets and letters under
    a numbered item are its sub-questions ("1a")."""
    items = [part for item in items for part in _inline_subitems(item)]
    has_numbers = any(item.marker == "number" for item in items)
    questions: list[InquiryQuestion] = []
    last_top, subs = 0, 0
    for item in items:
        text = join_lines(item.lines)
        sub = item.marker == "letter" or (has_numbers and item.marker == "bullet"
                                          and _follows_number(questions))
        if sub and last_top:
            subs += 1
            label = item.label or "abcdefghijklmnopqrstuvwxyz"[min(subs - 1, 25)]
            questions.append(InquiryQuestion(f"{last_top}{label}", text, str(last_top),
                                             printed=bool(item.label)))
            continue
        subs = 0
        printed = item.marker == "number"
        last_top = int(item.label) if printed else last_top + 1
        questions.append(InquiryQuestion(str(last_top), text, printed=printed))
    return questions


def _inline_subitems(item: _Item) -> list[_Item]:
    head, *subs = _INLINE_LETTER.split(join_lines(item.lines))
    parts = [_Item(item.marker, item.label, [head])]
    for sub in subs:
        _, label, rest = _marker(sub)
        parts.append(_Item("letter", label, [rest]))
    return parts


def _follows_number(questions: list[InquiryQuestion]) -> bool:
    """A bullet right below "1." (or below another of its sub-questions) belongs to it."""
    if not questions:
        return False
    last = questions[-1]
    return (last.printed and not last.parent) or bool(last.parent)


def join_lines(lines: list[str]) -> str:
    """One line; a hyphen at a line end joins the word ("Integrations-" + "management"), except
    before "und"/"oder" ("Flucht- und Migrationshintergrund") and in compounds with a capital
    ("Case-" + "Management")."""
    text = ""
    for line in lines:
        if text.endswith("-") and line:
            first = line.split()[0].rstrip(".,")
            if first.lower() in _JOINERS:
                text += " " + line
            elif first[:1].islower() and text[-2:-1].islower():
                text = text[:-1] + line
            else:
                text += line
        else:
            text = f"{text} {line}".strip()
    return text


def _sentences(text: str) -> list[str]:
    """Sentences per paragraph; a colon before a capital ends a lead-in ("Wir fragen: Wie …?")."""
    sentences = []
    for paragraph in re.split(r"\n\s*\n", text):
        joined = join_lines([line for line in paragraph.splitlines() if line])
        sentences += [s.strip() for s in re.split(r"(?<=[?.!:])\s+(?=[A-ZÄÖÜ„\"])", joined)]
    return [s for s in sentences if s]
