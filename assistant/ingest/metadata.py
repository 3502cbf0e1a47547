"""Document metadata from the text itself, overridable by a sidecar or Markdown front matter."""

import logging
import re
import tomllib
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from assistant.access.roles import normalize_visibility
from assistant.german.dates import DATE, DATE_LINE, DATE_PATTERN, PLACE_NAME, date_from_match, parse_date
from assistant.german.places import KREISE, KREISFREIE_STAEDTE, all_place_names, canonical_place

log = logging.getLogger(__name__)

# Raised when the metadata read from the same text changes: passage headers carry it (2: only a
# place of the gazetteer names the municipality; the letterhead first. 3: Niederschrift and
# Pressemitteilung are types of their own; Vorlage numbers like "XI/2024/0187").
METADATA_FORMAT = 3
DOC_TYPES = ("Anfrage", "Antrag", "Vorlage", "Niederschrift", "Pressemitteilung", "Konzept",
             "Gesetz", "Überblick", "Sonstiges")

_LABELLED_DATE = re.compile(rf"Datum\s*:?\s*(?:{DATE_PATTERN})", re.IGNORECASE)
_KREISTAG = re.compile(rf"Kreistag(?:sfraktion)?\s+(?:des\s+Kreises\s+)?(?P<name>{PLACE_NAME})")
_CITY_COUNCIL = re.compile(rf"\bRat(?:es)?\s+der\s+(?:Stadt|Gemeinde)\s+(?P<name>{PLACE_NAME})")
_CITY = re.compile(rf"\b(?:Stadt|Gemeinde)\s+(?P<name>{PLACE_NAME})")
_COMPARISON = re.compile(
    r"(?:Nachbar\w*|z\.\s?B\.|beispielsweise|etwa|wie|Kommunen|Städten?|Gemeinden|Kreisen)"
    r"\s+(?:[\w\-]+(?:,|\s+und|\s+sowie)\s+)*$"
)
_GENERIC_PLACES = {"stadt", "gemeinde", "kreis", "ort", "datum", "den", "am"}
# The number of a Vorlage or Drucksache as councils write it: "12/1147", "XI/2024/0187",
# "V/0398/2024", "SV-10-0871", "35102-24", "17.0412".
_REFERENCE = re.compile(
    r"(?:Nr\.|Drucksache|Drs\.|Vorlage)\s*:?\s*"
    r"(?P<ref>[A-Z]{0,4}[\s/-]?\d{1,5}(?:[./-]\d{1,5}){1,2})(?![\d.])"
)
_NOT_PUBLIC = re.compile(r"\bnicht[\s-]?öffentlich", re.IGNORECASE)
# Order matters only for ties at the same position; the earliest keyword in the head wins.
_TYPE_KEYWORDS = [
    (r"niederschrift|sitzungsprotokoll", "Niederschrift"),
    (r"pressemitteilung|presseinformation|pressemeldung|pressestelle", "Pressemitteilung"),
    (r"anfrage", "Anfrage"), (r"vorschlag", "Anfrage"), (r"antrag", "Antrag"),
    (r"mitteilungsvorlage|beschlussvorlage|vorlage|mitteilung|beantwortung|stellungnahme|bericht",
     "Vorlage"),
    (r"handlungskonzept|konzept", "Konzept"),
    (r"gesetz|verordnung|richtlinie|förderbestimmung", "Gesetz"),
]
_TYPE_RE = re.compile("|".join(f"(?P<t{i}>{p})" for i, (p, _) in enumerate(_TYPE_KEYWORDS)),
                      re.IGNORECASE)
_HEAD_CHARS = 800


@dataclass
class DocMeta:
    title: str
    date: str = ""  # ISO YYYY-MM-DD, "" when unknown
    body: str = ""  # municipality or other issuing body
    doc_type: str = "Sonstiges"
    reference: str = ""
    visibility: str = "öffentlich"
    source_kind: str = ""  # Land / Kommune / Presse, where the document says so

    @property
    def year(self) -> int:
        return int(self.date[:4]) if self.date else 0

    def as_dict(self) -> dict[str, str | int]:
        return {**asdict(self), "year": self.year}


def extract_metadata(text: str, fallback_title: str, stated: dict[str, str] | None = None,
                     sidecar: Path | None = None, file_title: str = "") -> DocMeta:
    """Metadata from the text; fields the document states (front matter) or a sidecar win.
    ``file_title``, the title the file carries (a Word title, an HTML <title>), beats one guessed
    from the text, but not one stated (e.g. the paper's name from the council system)."""
    meta = DocMeta(
        title=file_title or guess_title(text) or fallback_title,
        date=find_document_date(text),
        body=find_body(text),
        doc_type=find_doc_type(text),
        reference=_first_group(_REFERENCE, text[:2000], "ref"),
        visibility="nichtöffentlich" if _NOT_PUBLIC.search(text[:1500]) else "öffentlich",
    )
    overrides = dict(stated or {})
    if sidecar is not None and sidecar.is_file():
        overrides.update(read_sidecar(sidecar))
    _apply_overrides(meta, overrides)
    return meta


def read_sidecar(path: Path) -> dict[str, str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        log.warning("Begleitdatei %s ist kein gültiges TOML und wird ignoriert: %s", path, err)
        return {}
    return {str(k).lower(): str(v) for k, v in data.items()}


def _apply_overrides(meta: DocMeta, fields: dict[str, str]) -> None:
    aliases = {"type": "doc_type", "typ": "doc_type", "titel": "title", "datum": "date",
               "gremium": "body", "aktenzeichen": "reference", "sichtbarkeit": "visibility"}
    for key, value in fields.items():
        name = aliases.get(key, key)
        if not value or name not in DocMeta.__dataclass_fields__:
            continue
        if name == "date":
            value = parse_date(value) or meta.date
        elif name == "doc_type":
            value = normalize_doc_type(value)
        elif name == "visibility":
            value = normalize_visibility(value)
        setattr(meta, name, value)


def find_document_date(text: str) -> str:
    """The date of the document: a "Datum:" label, else a letter date line, else the first date."""
    for pattern in (_LABELLED_DATE, DATE_LINE):
        for match in pattern.finditer(text):
            found = date_from_match(match)
            if found:
                return found
    for match in DATE.finditer(text[:2000]):
        found = date_from_match(match)
        if found:
            return found
    return ""


def find_body(text: str) -> str:
    """The municipality the document belongs to, from the strongest clue found."""
    if letterhead := _letterhead_body(text):
        return letterhead
    # Only a place of the gazetteer counts: "Kreistagsfraktion BÜNDNIS 90" names a party.
    for match in _KREISTAG.finditer(text):
        if _is_place(match["name"]):
            return f"Kreis {canonical_place(match['name'])}"
    for pattern in (_CITY_COUNCIL, DATE_LINE, _CITY):
        group = "place" if pattern is DATE_LINE else "name"
        for match in pattern.finditer(text):
            if _is_place(match[group]):
                return canonical_place(match[group])
    return _most_mentioned_place(text)


def _letterhead_body(text: str) -> str:
    """A Kreis or kreisfreie Stadt that opens one of the first lines ("Kreis Kleve – Vorlage …",
    "Stadt Bochum | Der Oberbürgermeister"), after a title or front matter perhaps."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines[:8]:
        for kreis in KREISE:
            if line.startswith(kreis):
                return kreis
        for city in KREISFREIE_STAEDTE:
            if line.startswith((f"Stadt {city}", city)):
                return city
    return ""


def _is_place(name: str) -> bool:
    return name.lower() not in _GENERIC_PLACES and canonical_place(name) in _known_places()


@lru_cache(maxsize=1)
def _known_places() -> frozenset[str]:
    return frozenset(canonical_place(n) for n in all_place_names())


def _most_mentioned_place(text: str) -> str:
    counts: dict[str, int] = {}
    first_seen: dict[str, int] = {}
    for match in _place_regex().finditer(text):
        if _COMPARISON.search(text[max(0, match.start() - 80):match.start()]):
            continue  # "Nachbarstädte Essen und Oberhausen": named for comparison only
        name = canonical_place(match.group(0))
        counts[name] = counts.get(name, 0) + 1
        first_seen.setdefault(name, match.start())
    if not counts:
        return ""
    return min(counts, key=lambda n: (-counts[n], first_seen[n]))


@lru_cache(maxsize=1)
def _place_regex() -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in all_place_names())
    return re.compile(rf"(?<![\wäöüß-])(?:{names})(?![\wäöüß-])")


def normalize_doc_type(value: str) -> str:
    """A stated type mapped onto the fixed list (filters rely on it)."""
    for known in DOC_TYPES:
        if value.strip().lower() == known.lower():
            return known
    return find_doc_type(value) if _TYPE_RE.search(value) else "Sonstiges"


def find_doc_type(text: str) -> str:
    match = _TYPE_RE.search(text[:_HEAD_CHARS])
    if not match or match.lastgroup is None:
        return "Sonstiges"
    return _TYPE_KEYWORDS[int(match.lastgroup[1:])][1]


def guess_title(text: str) -> str:
    """A short line naming the subject, preferably the one that carries the document type."""
    lines = [" ".join(line.split()) for line in text[:3000].splitlines()]
    lines = [line for line in lines if line]
    for i, line in enumerate(lines[:40]):
        if _TYPE_RE.match(line) and 2 <= len(line.split()) <= 20 and not line.endswith(":"):
            return line
        if _TYPE_RE.fullmatch(line.rstrip(":")):
            subject = _subject_line(lines[i + 1:i + 12])
            return f"{line.rstrip(':')}: {subject}" if subject else line.rstrip(":")
    return _subject_line(lines[:40])


def _subject_line(lines: list[str]) -> str:
    def plausible(line: str) -> bool:
        words = line.split()
        return (2 <= len(words) <= 16 and line[0].isupper() and ":" not in line
                and not DATE.search(line) and not line.endswith((",", "?")))

    topical = [line for line in lines if plausible(line) and "ntegration" in line]
    candidates = topical or [line for line in lines if plausible(line)]
    return candidates[0] if candidates else ""


def _first_group(pattern: re.Pattern[str], text: str, group: str) -> str:
    match = pattern.search(text)
    return " ".join(match[group].split()) if match else ""
