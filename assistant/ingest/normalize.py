"""Clean text extracted from PDFs, Word files, web pages and OCR before anything else sees it."""

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_SOFT_HYPHEN = "\u00ad"
# "Bau-\nund Planungsamt" keeps its hyphen: the word after it is a conjunction.
_CONJUNCTIONS = {"und", "oder", "bzw", "sowie", "als", "wie"}
_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\n[ \t]*(\w+)")
# Raised when the cleaned text of the same file changes (2: web addresses keep "__" and "**",
# e.g. the council systems' "?__kvonr=" links). Recorded in the index shape: a change rebuilds.
TEXT_FORMAT = 2
_WEB_ADDRESS = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+", re.IGNORECASE)
_MD_EMPHASIS = re.compile(r"(?<!\*)\*{2,3}(?!\*)|(?<!_)_{2,3}(?!_)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_TRAILING_WS = re.compile(r"[ \t]+$", re.MULTILINE)
_INNER_WS = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_MANY_BLANKS = re.compile(r"\n{3,}")
_DIGITS = re.compile(r"\d+")
# Lone surrogates (pypdf maps broken glyphs to them, file names smuggle them in) cannot be encoded
# and would break every later write; C0 controls other than tab and line breaks are noise.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _join_hyphenated(match: re.Match[str]) -> str:
    head, word = match.group(1), match.group(2)
    if word.lower() in _CONJUNCTIONS:
        return f"{head}- {word}"
    if word[0].isupper():  # "Case-\nManagement", "EU-\nBürger": a real hyphen
        return f"{head}-{word}"
    return f"{head}{word}"


def _unsurrogate(match: re.Match[str]) -> str:
    """U+DC00–U+DCFF carry one original byte (Python's "surrogateescape"): give it back, read as
    Windows-1252 where that is a letter; any other lone surrogate becomes U+FFFD."""
    code = ord(match.group())
    if 0xDC00 <= code <= 0xDCFF:
        char = bytes([code - 0xDC00]).decode("cp1252", errors="replace")
        return char if char.isprintable() or char.isspace() else "\ufffd"
    return "\ufffd"


def clean_characters(text: str) -> str:
    """Text that can be written anywhere: no lone surrogates, no control characters."""
    return _CONTROL.sub(" ", _SURROGATE.sub(_unsurrogate, text))


def normalize_text(text: str) -> str:
    """NFKC (folds ligatures), soft hyphens, line-break hyphenation, white space."""
    text = unicodedata.normalize("NFKC", clean_characters(text)).replace(_SOFT_HYPHEN, "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _HYPHEN_BREAK.sub(_join_hyphenated, text)
    text = _INNER_WS.sub(" ", text)
    text = _TRAILING_WS.sub("", text)
    return _MANY_BLANKS.sub("\n\n", text).strip()


def strip_markdown(text: str) -> str:
    """Drop Markdown emphasis, escapes and heading marks (PDF-to-text tools leave them, too);
    web addresses stay as they are."""
    parts, last = [], 0
    for address in _WEB_ADDRESS.finditer(text):
        parts += [_MD_EMPHASIS.sub("", text[last:address.start()]), address.group(0)]
        last = address.end()
    text = "".join([*parts, _MD_EMPHASIS.sub("", text[last:])])
    text = _MD_ESCAPE.sub(r"\1", text)
    return _MD_HEADING.sub("", text)


def _edge_lines(page: str, depth: int) -> list[str]:
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return list(dict.fromkeys(lines[:depth] + lines[-depth:]))


def _page_number_forms(line: str) -> list[tuple[str, int]]:
    """The line with one of its short numbers masked, and that number: "Seite 3 von 9" gives
    ("Seite # von 9", 3) and ("Seite 3 von #", 9). Years are never page numbers."""
    return [(line[:m.start()] + "#" + line[m.end():], int(m.group()))
            for m in _DIGITS.finditer(line) if len(m.group()) <= 3]


@dataclass
class _RunningLines:
    """Header and footer lines: the same line, or the same line apart from the page number, at
    the top or bottom of most pages. A page number grows with the page (number − page index is
    constant); a line that recurs with other figures ("2022 standen 32 Mio. Euro bereit") is
    body text and stays."""

    exact: set[str]
    numbered: dict[str, int]  # masked line → page number minus page index

    @classmethod
    def of(cls, pages: list[str], depth: int) -> "_RunningLines":
        needed = max(2, math.ceil(0.6 * len(pages)))
        exact: Counter[str] = Counter()
        offsets: dict[str, Counter[int]] = {}
        for index, page in enumerate(pages):
            for line in _edge_lines(page, depth):
                exact[line] += 1
                for masked, number in _page_number_forms(line):
                    offsets.setdefault(masked, Counter())[number - index] += 1
        numbered = {}
        for masked, counts in offsets.items():
            offset, n = counts.most_common(1)[0]
            if n >= needed:
                numbered[masked] = offset
        return cls({line for line, n in exact.items() if n >= needed}, numbered)

    def __bool__(self) -> bool:
        return bool(self.exact or self.numbered)

    def holds(self, line: str, index: int) -> bool:
        return line in self.exact or any(
            self.numbered.get(masked) == number - index
            for masked, number in _page_number_forms(line))


def drop_repeated_edges(pages: list[str], depth: int = 3) -> list[str]:
    """Remove running headers and footers (see ``_RunningLines``) from the page edges."""
    if len(pages) < 2:
        return pages
    running = _RunningLines.of(pages, depth)
    if not running:
        return pages
    cleaned = []
    for index, page in enumerate(pages):
        lines = page.splitlines()
        edges = _edge_indices(lines, depth)
        cleaned.append("\n".join(line for i, line in enumerate(lines)
                                 if not (i in edges and running.holds(line.strip(), index))))
    return cleaned


def _edge_indices(lines: list[str], depth: int) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:depth] + filled[-depth:])
