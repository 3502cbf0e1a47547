"""Clean text extracted from PDFs, Word files, web pages and OCR before anything else sees it."""

import math
import re
import unicodedata
from collections import Counter

_SOFT_HYPHEN = "\u00ad"
# "Bau-\nund Planungsamt" keeps its hyphen: the word after it is a conjunction.
_CONJUNCTIONS = {"und", "oder", "bzw", "sowie", "als", "wie"}
_HYPHEN_BREAK = re.compile(r"(\w)-[ \t]*\n[ \t]*(\w+)")
_MD_EMPHASIS = re.compile(r"(?<!\*)\*{2,3}(?!\*)|(?<!_)_{2,3}(?!_)")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>])")
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_TRAILING_WS = re.compile(r"[ \t]+$", re.MULTILINE)
_INNER_WS = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_MANY_BLANKS = re.compile(r"\n{3,}")
_DIGITS = re.compile(r"\d+")


def _join_hyphenated(match: re.Match[str]) -> str:
    head, word = match.group(1), match.group(2)
    if word.lower() in _CONJUNCTIONS:
        return f"{head}- {word}"
    if word[0].isupper():  # "Case-\nManagement", "EU-\nBürger": a real hyphen
        return f"{head}-{word}"
    return f"{head}{word}"


def normalize_text(text: str) -> str:
    """NFKC (folds ligatures), soft hyphens, line-break hyphenation, white space."""
    text = unicodedata.normalize("NFKC", text).replace(_SOFT_HYPHEN, "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n\n")
    text = _HYPHEN_BREAK.sub(_join_hyphenated, text)
    text = _INNER_WS.sub(" ", text)
    text = _TRAILING_WS.sub("", text)
    return _MANY_BLANKS.sub("\n\n", text).strip()


def strip_markdown(text: str) -> str:
    """Drop Markdown emphasis, escapes and heading marks (PDF-to-text tools leave them, too)."""
    text = _MD_EMPHASIS.sub("", text)
    text = _MD_ESCAPE.sub(r"\1", text)
    return _MD_HEADING.sub("", text)


def _edge_lines(page: str, depth: int) -> set[str]:
    lines = [line.strip() for line in page.splitlines() if line.strip()]
    return {_DIGITS.sub("#", line) for line in lines[:depth] + lines[-depth:]}


def drop_repeated_edges(pages: list[str], depth: int = 3) -> list[str]:
    """Remove header/footer lines that repeat at the top or bottom of most pages.

    Page numbers differ per page, so digits are masked before lines are compared.
    """
    if len(pages) < 2:
        return pages
    counts = Counter(line for page in pages for line in _edge_lines(page, depth))
    needed = max(2, math.ceil(0.6 * len(pages)))
    repeated = {line for line, n in counts.items() if n >= needed}
    if not repeated:
        return pages
    cleaned = []
    for page in pages:
        lines = page.splitlines()
        edges = _edge_indices(lines, depth)
        kept = [
            line
            for i, line in enumerate(lines)
            if not (i in edges and _DIGITS.sub("#", line.strip()) in repeated)
        ]
        cleaned.append("\n".join(kept))
    return cleaned


def _edge_indices(lines: list[str], depth: int) -> set[int]:
    filled = [i for i, line in enumerate(lines) if line.strip()]
    return set(filled[:depth] + filled[-depth:])
