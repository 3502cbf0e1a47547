"""The chunk record: one passage with everything needed to rank, filter and cite it."""

import hashlib
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from typing import Any

from assistant.german.text import fold

# Metadata keys a user may filter on (`--filter key=value`), with their type.
FILTER_KEYS: dict[str, type] = {
    "doc_type": str, "body": str, "year": int, "year_from": int, "year_to": int,
    "visibility": str, "source": str, "corpus": str,
}
FILTER_ALIASES = {"type": "doc_type", "typ": "doc_type", "kommune": "body", "gremium": "body",
                  "jahr": "year", "jahr_von": "year_from", "jahr_bis": "year_to",
                  "sichtbarkeit": "visibility", "datei": "source"}
# Range filters: the record field they bound and the comparison (Chroma's operator name).
RANGE_FILTERS = {"year_from": ("year", "$gte"), "year_to": ("year", "$lte")}
# Exclusions set by the program, not typed by users: the field and the values it must not have
# (a draft never cites inquiries: they ask, they don't answer).
EXCLUDE_FILTERS = {"doc_type_not": "doc_type", "source_not": "source"}
# Allow-lists set by the program: the field and the values it must have (a role's visibilities).
# (A municipality and the state bodies whose texts hold for it, when the chat filters by one.)
INCLUDE_FILTERS = {"visibility_in": "visibility", "body_in": "body", "source_in": "source"}


HEADER_FORMAT = 1  # version of ``ChunkRecord.header`` (recorded in the manifest)
EMBED_FORMAT = 1  # version of ``ChunkRecord.embed_text``: a change means new vectors

# "(Quelle: https://…; Quelle: https://…)" and bare links: a reader skips them, but they fill
# the model's 512 tokens with URL pieces that carry no meaning.
_SOURCE_NOTE = re.compile(r"\s*\((?:Quellen?|vgl\.|siehe)?:?\s*https?://[^)]*\)", re.IGNORECASE)
_URL = re.compile(r"(?:https?://|www\.)\S+?(?=[.,;:!?)]*(?:\s|$))")  # keeps a sentence's final dot
_SPACES = re.compile(r"[ \t]+")


@dataclass
class ChunkRecord:
    id: str
    text: str
    source: str  # path relative to its corpus folder
    corpus: str  # the corpus folder's name
    title: str
    date: str
    year: int
    body: str
    doc_type: str
    reference: str
    visibility: str
    page: int
    char_start: int
    char_end: int
    position: int
    page_marks: str = ""  # "offset:page,…": where later pages begin inside ``text``

    def page_at(self, offset: int) -> int:
        """The page on which the character at ``offset`` of ``text`` stands."""
        page = self.page
        for mark in filter(None, self.page_marks.split(",")):
            start, later_page = mark.split(":")
            if offset >= int(start):
                page = int(later_page)
        return page

    @property
    def header(self) -> str:
        """Context indexed with the passage, so "in Kleve" finds a Kleve passage without "Kleve".
        Changing it means bumping HEADER_FORMAT: existing indexes are then rebuilt."""
        parts = [self.title, self.body, self.doc_type, self.date]
        return " | ".join(p for p in parts if p)

    @property
    def index_text(self) -> str:
        return f"{self.header}\n{self.text}"

    @property
    def embed_text(self) -> str:
        """What the embedding model reads: the header and the passage as a reader reads it, without
        links (changing it means bumping EMBED_FORMAT). Measured on the dev sets against title and
        body only, the bare passage, and passage with links: see README, "Suchmodell"."""
        text = _SPACES.sub(" ", _URL.sub("", _SOURCE_NOTE.sub("", self.text)))
        return f"{self.header}\n{text}"

    def metadata(self) -> dict[str, str | int]:
        """Flat scalars for Chroma (no None, no lists)."""
        data = asdict(self)
        del data["id"], data["text"]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ChunkRecord":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def chunk_id(file_key: str, position: int, text: str) -> str:
    """Stable across re-indexing: same file, same place, same text → same id."""
    file_part = hashlib.sha1(file_key.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    text_part = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
    return f"{file_part}-{position:04d}-{text_part}"


def document_key(record: ChunkRecord) -> str:
    return f"{record.corpus}/{record.source}"


def fold_documents(records: Iterable[ChunkRecord]) -> dict[str, str]:
    """The folded full text of every document, for checks that concern a whole letter."""
    parts: dict[str, list[str]] = {}
    for record in records:
        parts.setdefault(document_key(record), []).append(record.index_text)
    return {key: fold(" ".join(texts)) for key, texts in parts.items()}


def matches(record: ChunkRecord, filters: dict[str, Any]) -> bool:
    return all(_satisfies(record, key, value) for key, value in filters.items())


def _satisfies(record: ChunkRecord, key: str, value: Any) -> bool:
    if key in EXCLUDE_FILTERS:
        return getattr(record, EXCLUDE_FILTERS[key]) not in value
    if key in INCLUDE_FILTERS:
        return getattr(record, INCLUDE_FILTERS[key]) in value
    if key not in RANGE_FILTERS:
        return bool(getattr(record, key) == value)
    field_name, operator = RANGE_FILTERS[key]
    actual = getattr(record, field_name)
    # A document without a known year (0) never falls inside a year range.
    return bool(actual) and (actual >= value if operator == "$gte" else actual <= value)
