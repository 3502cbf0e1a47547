"""Extractive answers: the best sentences of the best passages, each cited with [n].

The evidence measure is idf-weighted coverage: the share of the question's informative terms
(by idf) that a passage or sentence contains. It is comparable across questions, unlike raw BM25.
"""

import re
from dataclasses import dataclass

from assistant.answer.models import ABSTAIN_TEXT, Passage
from assistant.retrieval.hybrid import Hit
from assistant.retrieval.lexical import LexicalIndex
from assistant.text import split_sentences

MIN_PASSAGE_COVERAGE = 0.45  # below this the best passage does not answer the question
MIN_SENTENCE_COVERAGE = 0.25
KEEP_RATIO = 0.75  # further sentences must score at least this share of the best one
MAX_SENTENCES = 3
ANSWER_PASSAGES = 3
_ITEM = re.compile(r"^(?:\d{1,2}\s?[.)]|[-–•·*→▪►✓])\s*")


@dataclass
class _Candidate:
    text: str
    hit_rank: int
    order: int
    score: float
    tokens: frozenset[str]


@dataclass
class Extract:
    answer: str
    abstained: bool
    citations: list[Passage]


def extract_answer(question: str, hits: list[Hit], lexical: LexicalIndex) -> Extract:
    analyzer = lexical.analyzer
    q_tokens = sorted(set(analyzer.tokens(question)))
    weights = lexical.idf(q_tokens)
    total = sum(weights.values())
    if not hits or total <= 0:
        return Extract(ABSTAIN_TEXT, True, [])

    def coverage(tokens: frozenset[str]) -> float:
        return sum(w for t, w in weights.items() if t in tokens) / total

    top = hits[:ANSWER_PASSAGES]
    headers = [frozenset(analyzer.tokens(h.record.header)) for h in top]
    best_passage = max(coverage(frozenset(analyzer.tokens(h.record.index_text))) for h in top)
    if best_passage < MIN_PASSAGE_COVERAGE:
        return Extract(ABSTAIN_TEXT, True, [])

    candidates = []
    for rank, hit in enumerate(top):
        for order, unit in enumerate(answer_units(hit.record.text)):
            tokens = frozenset(analyzer.tokens(unit))
            score = coverage(tokens | headers[rank]) * (1.0 - 0.05 * rank)
            candidates.append(_Candidate(unit, rank, order, score, tokens))
    chosen = _select(candidates)
    if not chosen:
        return Extract(ABSTAIN_TEXT, True, [])
    return _compose(chosen, top)


def answer_units(text: str) -> list[str]:
    """Sentences of prose lines; a list item (a numbered question) is one unit."""
    units: list[str] = []
    for line in text.split("\n"):
        if len(line.split()) <= 8 and not line.rstrip().endswith((".", "?", "!")):
            continue  # a heading or a signature line, not a statement
        if _ITEM.match(line):
            units.append(line.strip())
        else:
            units.extend(split_sentences(line))
    return units


def _select(candidates: list[_Candidate]) -> list[_Candidate]:
    ranked = sorted(candidates, key=lambda c: (-c.score, c.hit_rank, c.order))
    if not ranked or ranked[0].score < MIN_SENTENCE_COVERAGE:
        return []
    best = ranked[0].score
    chosen = [ranked[0]]
    for cand in ranked[1:]:
        if len(chosen) == MAX_SENTENCES or cand.score < KEEP_RATIO * best:
            break
        if all(_jaccard(cand.tokens, c.tokens) < 0.6 for c in chosen):
            chosen.append(cand)
    return chosen


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _compose(chosen: list[_Candidate], top: list[Hit]) -> Extract:
    """Group by passage (best passage first), document order inside a passage; number citations."""
    chosen.sort(key=lambda c: (c.hit_rank, c.order))
    numbers: dict[int, int] = {}
    citations: list[Passage] = []
    parts: list[str] = []
    for cand in chosen:
        if cand.hit_rank not in numbers:
            numbers[cand.hit_rank] = len(numbers) + 1
            hit = top[cand.hit_rank]
            citations.append(Passage.of(numbers[cand.hit_rank], hit.record, hit.score))
        n = numbers[cand.hit_rank]
        citations[n - 1].quotes.append(cand.text)
        parts.append(f"{cand.text} [{n}]")
    return Extract(" ".join(parts), False, citations)
