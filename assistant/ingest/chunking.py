"""Cut a document into passages of whole sentences; a numbered question stays whole with its number.

Council inquiries are lists ("1.", "- ", "→", and OCR'd ". " whose digits were lost). Each list
item is one unit that is never split; prose is split into German sentences. Units are packed into
passages of about ``target`` words, never more than ``max_words`` unless one unit alone is longer.
"""

import re
from dataclasses import dataclass
from itertools import pairwise

from assistant.german.text import split_sentences

_MARKER = re.compile(
    r"^(?:(?P<num>\d{1,2})\s?[.)](?=\s|[A-ZÄÖÜ])|(?P<bullet>[-–•·*→▪►✓])(?=\s)|(?P<dot>\.)(?=\s))\s*"
)
_PAGE_GAP = "\n\n"


@dataclass
class Block:
    text: str
    start: int
    end: int
    number: int | None = None  # the item number as written or inferred
    item: bool = False
    dot: bool = False  # an OCR'd ". " bullet whose number was lost


@dataclass
class Unit:
    text: str
    start: int
    end: int
    block: int
    item: bool

    @property
    def words(self) -> int:
        return len(self.text.split())

    @property
    def sticky(self) -> bool:
        """Headings and list intros belong with what follows them."""
        return self.text.endswith(":") or (self.words <= 8 and not self.text.endswith((".", "?", "!")))


@dataclass
class Chunk:
    text: str
    position: int
    page: int
    char_start: int
    char_end: int
    page_marks: str = ""  # "offset:page,…" where a later page begins inside ``text``


def chunk_pages(pages: list[str], target: int = 180, max_words: int = 300) -> list[Chunk]:
    full, page_starts = _join_pages(pages)
    blocks = _number_ocr_items(_join_broken_paragraphs(_blocks(full)))
    units = [unit for i, block in enumerate(blocks) for unit in _units(full, block, i)]
    return [_make_chunk(group, pos, page_starts) for pos, group in enumerate(_pack(units, target, max_words))]


def _join_pages(pages: list[str]) -> tuple[str, list[int]]:
    starts, offset = [], 0
    for page in pages:
        starts.append(offset)
        offset += len(page) + len(_PAGE_GAP)
    return _PAGE_GAP.join(pages), starts


def _blocks(full: str) -> list[Block]:
    """Paragraphs, with each marked list line opening a block of its own."""
    blocks: list[Block] = []
    for para in re.finditer(r"[^\n](?:.|\n(?!\s*\n))*", full):
        current: Block | None = None
        for line in re.finditer(r"[^\n]+", para.group(0)):
            raw = line.group(0)
            start = para.start() + line.start() + (len(raw) - len(raw.lstrip()))
            stripped = raw.strip()
            if not stripped:
                continue
            marker = _MARKER.match(stripped)
            if marker or current is None:
                current = Block(text=stripped, start=start, end=start + len(stripped))
                if marker:
                    current.item = True
                    current.dot = bool(marker["dot"])
                    current.number = int(marker["num"]) if marker["num"] else None
                    if current.dot:  # ". Fur wieviel" → "Fur wieviel" until a number is known
                        current.text = stripped[marker.end():]
                blocks.append(current)
            else:
                current.text += " " + stripped
                current.end = start + len(stripped)
    return blocks


def _join_broken_paragraphs(blocks: list[Block]) -> list[Block]:
    """Re-join a sentence that a page break cut in two ("... den zustandigen" / "Bezirksregierungen")."""
    joined: list[Block] = []
    for block in blocks:
        prev = joined[-1] if joined else None
        if prev and _continues(prev, block):
            prev.text += " " + block.text
            prev.end = block.end
        else:
            joined.append(block)
    return joined


def _continues(prev: Block, block: Block) -> bool:
    if block.item or _MARKER.match(block.text) or re.search(r"[.?!:;]$", prev.text):
        return False
    if prev.item:  # an unfinished list item: "... und den zustandigen" / "Bezirksregierungen ...?"
        return block.text.endswith(("?", "."))
    return len(prev.text.split()) >= 8 and block.text[0].islower()


def _number_ocr_items(blocks: list[Block]) -> list[Block]:
    """Give lost numbers back: between items n and m, exactly m-n-1 question-like blocks."""
    numbered = [i for i, b in enumerate(blocks) if b.number is not None and not b.dot]
    for a, b in pairwise(numbered):
        first, last = blocks[a].number or 0, blocks[b].number or 0
        between = blocks[a + 1:b]
        if not between or len(between) != last - first - 1:
            continue
        if all(blk.dot or blk.text.endswith("?") for blk in between):
            for offset, blk in enumerate(between, start=1):
                blk.number, blk.item = first + offset, True
                blk.text = f"{blk.number}. {blk.text}"
    for blk in blocks:
        if blk.dot and blk.number is None:
            blk.text = f"- {blk.text}"
    return blocks


def _units(full: str, block: Block, index: int) -> list[Unit]:
    if block.item:
        return [Unit(block.text, block.start, block.end, index, item=True)]
    units, cursor = [], block.start
    for sentence in split_sentences(block.text):
        start, end = _locate(full, sentence, cursor, block.end)
        units.append(Unit(sentence, start, end, index, item=False))
        cursor = end
    return units


def _locate(full: str, sentence: str, start: int, limit: int) -> tuple[int, int]:
    """Where a whitespace-collapsed sentence stands in the original text."""
    pattern = r"\s+".join(re.escape(part) for part in sentence.split())
    match = re.compile(pattern).search(full, start, limit)
    if match:
        return match.start(), match.end()
    return start, min(limit, start + len(sentence))


def _pack(units: list[Unit], target: int, max_words: int) -> list[list[Unit]]:
    groups: list[list[Unit]] = []
    current: list[Unit] = []
    words = 0
    for unit in units:
        prev = current[-1] if current else None
        same_list = prev is not None and prev.item and unit.item
        too_big = words + unit.words > max_words
        at_break = (words >= target and prev is not None and unit.block != prev.block
                    and not prev.sticky and not same_list)
        if current and (too_big or at_break):
            groups.append(current)
            current, words = [], 0
        current.append(unit)
        words += unit.words
    if current:
        groups.append(current)
    if len(groups) > 1 and sum(u.words for u in groups[-1]) < target // 3:
        tail = groups.pop()
        if sum(u.words for u in groups[-1] + tail) <= max_words:
            groups[-1].extend(tail)
        else:
            groups.append(tail)
    return groups


def _make_chunk(units: list[Unit], position: int, page_starts: list[int]) -> Chunk:
    def page_of(offset: int) -> int:
        return max(sum(1 for s in page_starts if s <= offset), 1)

    parts, marks = [units[0].text], []
    length, current = len(units[0].text), page_of(units[0].start)
    for prev, unit in pairwise(units):
        parts.append(" " if prev.block == unit.block else "\n")
        length += 1
        if page_of(unit.start) != current:  # a citation of this unit should open its own page
            current = page_of(unit.start)
            marks.append(f"{length}:{current}")
        parts.append(unit.text)
        length += len(unit.text)
    return Chunk(text="".join(parts), position=position, page=page_of(units[0].start),
                 char_start=units[0].start, char_end=units[-1].end, page_marks=",".join(marks))

