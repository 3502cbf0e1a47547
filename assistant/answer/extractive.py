"""Extractive answers: the best sentences of the best passages, each cited with [n].

Evidence is idf-weighted coverage: the share of the question's informative terms (by idf) that a
passage or sentence contains — comparable across questions, unlike raw BM25. Places the question
names act as filters, not as evidence. A sentence scores by its own coverage, its passage's
coverage (title, body and date included), and whether it holds the kind of answer asked for.
The assistant abstains when the evidence is weak, or when no top passage is about the place,
year, party or committee the question names.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.answer.models import ABSTAIN_TEXT, Passage
from assistant.answer.question import (
    QuestionProfile,
    counts_things,
    mentions,
    named_places,
    passage_mismatch,
    profile,
    unit_kinds,
)
from assistant.answer.units import Unit, answer_units
from assistant.german.text import fold
from assistant.records import document_key
from assistant.retrieval.hybrid import Hit
from assistant.retrieval.lexical import LexicalIndex

ANSWER_PASSAGES = 3
# Documents that ask. (An Antrag's numbered items demand, and a question about the Antrag is
# answered by them: they count as statements.)
ASKING_TYPES = ("Anfrage",)
_STATE_LEVEL = re.compile(r"\bland(es)?\b|landes\w+|\bnrw\b|nordrhein-westfalen")
_ROLE_FOR = {"signed": "signature", "addressed": "addressee"}
# Demonstratives and pronominal adverbs that refer to the sentence before.
_REFERS_BACK = re.compile(r"\b(?:[Dd]ies(?:e[mnrs]?)?|[Ss]olche[mnrs]?|[Hh]ierf(?:ü|u)r|[Hh]ierzu|"
                          r"[Dd]af(?:ü|u)r|[Dd]abei|[Dd]avon)\b")


@dataclass(frozen=True)
class Calibration:
    """Thresholds chosen on both gold sets together by evals/calibrate.py (never per question)."""
    min_passage_coverage: float = 0.2  # below: the best passage does not answer the question
    min_unit_score: float = 0.1  # below: no sentence answers it
    min_own_coverage: float = 0.05  # a sentence must share this much with the question itself
    max_unknown_share: float = 0.8  # above: the question's key terms never occur in the corpus
    max_unknown_nouns: int = 2  # this many nouns the corpus never uses: another topic
    unknown_weight: float = 0.25  # idf factor for words the corpus never uses
    synonym_credit: float = 0.5  # share of a question word's weight its thesaurus mate earns
    anaphor_share: float = 0.5  # of the previous sentence's coverage, for one that refers back
    answer_share: float = 0.8  # of a question's coverage, for the statements that answer it
    answer_span: int = 3  # so many statements after a question answer it
    keep_ratio: float = 0.5  # further sentences must score this share of the best one
    type_bonus: float = 0.2  # a sentence with the kind of answer asked for (person/date/number)
    role_bonus: float = 0.5  # the signature for "who signed", the salutation for "to whom"
    max_units: int = 4
    max_list_units: int = 8


CALIBRATION = Calibration()


@dataclass
class _Candidate:
    unit: Unit
    hit_rank: int
    score: float
    tokens: frozenset[str]


@dataclass
class Extract:
    answer: str
    abstained: bool
    citations: list[Passage]
    reason: str = "answered"  # for an abstention: which check fired (see ABSTAIN_REASONS)


# Why the assistant abstains, as `ask --json` reports it in "reason".
ABSTAIN_REASONS = {
    "unknown_topic": "the question's key terms occur in no document",
    "no_passages": "nothing was retrieved (filters too narrow, or an empty index)",
    "other_place": "no top passage is about the place the question names",
    "other_year": "no top passage names the year the question names",
    "missing_number": "no top passage names the figure the question names (Baustein 2, S 12)",
    "other_party": "no top document is from the party the question names",
    "other_committee": "no top document concerns the committee the question names",
    "weak_evidence": "the best passage covers too little of the question",
    "no_sentence": "no sentence of the top passages answers the kind of question asked",
}


def _abstain(reason: str) -> Extract:
    return Extract(ABSTAIN_TEXT, True, [], reason)


def extract_answer(question: str, hits: list[Hit], lexical: LexicalIndex,
                   documents: Mapping[str, str], calibration: Calibration = CALIBRATION) -> Extract:
    """``documents`` maps ``document_key(record)`` to the folded text of the whole document."""
    analyzer = lexical.analyzer
    asked = profile(question)
    weights, alternatives = _question_weights(question, asked, lexical, calibration)
    total = sum(weights.values())
    unknown = sum(w for t, w in weights.items() if not lexical.knows(t) and t not in alternatives)
    if total <= 0 or unknown / total > calibration.max_unknown_share:
        return _abstain("unknown_topic")
    if len(_unknown_nouns(asked, lexical)) >= calibration.max_unknown_nouns:
        return _abstain("unknown_topic")
    mismatches = {rank: passage_mismatch(fold(hit.record.index_text),
                                         documents[document_key(hit.record)], asked)
                  for rank, hit in enumerate(hits[:ANSWER_PASSAGES])}
    top = {rank: hits[rank] for rank, mismatch in mismatches.items() if not mismatch}
    if not top:
        return _abstain(mismatches.get(0) or "no_passages")

    def coverage(text: str) -> float:
        tokens = set(analyzer.tokens(text))
        return sum(w if t in tokens else calibration.synonym_credit * w
                   for t, w in weights.items()
                   if t in tokens or alternatives.get(t, frozenset()) & tokens) / total

    context = {rank: coverage(hit.record.index_text) for rank, hit in top.items()}
    if max(context.values()) < calibration.min_passage_coverage:
        return _abstain("weak_evidence")
    counted = _counted_stems(asked, lexical)
    candidates = []
    for rank, hit in top.items():
        units = answer_units(hit.record.text, asks=hit.record.doc_type in ASKING_TYPES)
        owns = _own_coverages(units, [coverage(u.text) for u in units], calibration)
        for unit, own in zip(units, owns, strict=True):
            tokens = frozenset(analyzer.tokens(unit.text))
            kinds = _kinds(unit, tokens, counted, asked)
            if _unit_fits(unit, hit, asked, kinds):
                score = _score(unit, kinds, own, context[rank], rank, asked, calibration)
                candidates.append(_Candidate(unit, rank, score, tokens))
    if asked.about_asking and any(c.unit.role == "question" for c in candidates):
        # "Was wollten die Grünen wissen?" is answered by what they asked, and nothing else.
        candidates = [c for c in candidates if c.unit.role == "question"]
    chosen = _select(candidates, asked, calibration)
    return _compose(chosen, top) if chosen else _abstain("no_sentence")


def _question_weights(question: str, asked: QuestionProfile, lexical: LexicalIndex,
                      calibration: Calibration
                      ) -> tuple[dict[str, float], dict[str, frozenset[str]]]:
    """idf of the question's terms, and the thesaurus mates that may stand in for each. Places
    and parties filter passages and are no evidence. A word the corpus never uses weighs as much
    as its rarest mate; with none, it may be a synonym gap rather than a missing topic and
    counts less."""
    filters = " ".join(asked.places + asked.parties)
    drop = set(lexical.analyzer.tokens(filters)) if filters else set()
    weights = lexical.idf(sorted(set(lexical.analyzer.query_tokens(question)) - drop))
    alternatives = {t: mates for t, mates in lexical.expansions(question).items() if t in weights}
    for term in weights:
        if term in alternatives and not lexical.knows(term):
            weights[term] = max(lexical.idf(sorted(alternatives[term])).values())
        elif not lexical.knows(term):
            weights[term] *= calibration.unknown_weight
    return weights, alternatives


def _unknown_nouns(asked: QuestionProfile, lexical: LexicalIndex) -> list[str]:
    """The question's nouns that no passage uses, in any form or through a thesaurus mate.
    One may be a paraphrase; several name a topic the documents do not cover."""
    unknown = []
    for noun in asked.nouns:
        tokens = lexical.analyzer.query_tokens(noun)  # empty for a stop word ("Mal")
        if tokens and not any(map(lexical.knows, tokens)) and not lexical.expansions(noun):
            unknown.append(noun)
    return unknown


def _own_coverages(units: tuple[Unit, ...], owns: list[float],
                   calibration: Calibration) -> list[float]:
    """A sentence that points back ("Diese sind …", "für diesen Einbezug") continues the one
    before it and shares part of its coverage. The statements after a question ("Frage 4: …?
    Antwort der Verwaltung: …", "Herr X fragte, ob … Frau Y erwiderte, dass …") answer it and
    share its coverage: an answer rarely repeats all the words of its question."""
    result = list(owns)
    asked, since = 0.0, 0  # coverage of the last question, and the units since it
    for i in range(1, len(units)):
        unit, before = units[i], units[i - 1]
        asked, since = (owns[i - 1], 1) if before.role == "question" else (asked, since + 1)
        if unit.role != "statement" or since > calibration.answer_span:
            asked = 0.0
        if unit.role == "statement":
            result[i] = max(result[i], calibration.answer_share * asked)
            if _REFERS_BACK.search(unit.text) and not unit.item:
                result[i] = max(result[i], calibration.anaphor_share * result[i - 1])
    return result


def _counted_stems(asked: QuestionProfile, lexical: LexicalIndex) -> frozenset[str]:
    """Stems of the noun a "wie viele …?" question counts: the word and its last compound part
    ("Case-Manager-Stellen" → stell). Empty when the corpus never uses the noun."""
    head = asked.counted.split("-")[-1]
    tokens = lexical.analyzer.tokens(head) if head else []
    stems = frozenset(t for t in (tokens[:1] + tokens[-1:]) if lexical.knows(t))
    return stems


def _kinds(unit: Unit, tokens: frozenset[str], counted: frozenset[str],
           asked: QuestionProfile) -> set[str]:
    """The kinds of answer a unit holds. A number answers "wie viele Stellen?" only where the unit
    names the counted noun (also as a compound's head) or counts some other thing (the documents
    may count "Kreise" where the question says "Gebietskörperschaften"): a duration or an amount
    of money counts no people.
    A question about money ("Wie hoch ist das Gehalt?") is answered by an amount of money."""
    kinds = unit_kinds(unit.text)
    names_counted = any(t.endswith(stem) for t in tokens for stem in counted)  # Modellkommunen
    if counted and not names_counted and not counts_things(unit.text):
        kinds.discard("number")
    if "amount" in asked.expects and "amount" not in kinds:
        kinds.discard("number")  # "Wie hoch ist das Gehalt?" wants money, not "12 Stellen"
    return kinds


def _unit_fits(unit: Unit, hit: Hit, asked: QuestionProfile, kinds: set[str]) -> bool:
    """Only a sentence about the place and year asked for, holding a number or date if one is
    asked for, can answer. A passage whose header names the place is about it as a whole."""
    folded = fold(unit.text)
    named = named_places(folded)
    about_place = all(mentions(fold(hit.record.header), p) for p in asked.places)
    if not about_place and not any(mentions(folded, p) for p in asked.places):
        return False
    if asked.statewide and (named or (_is_municipal(hit) and not _STATE_LEVEL.search(folded))):
        return False  # a town's figure is no answer to a question about the whole state
    # A dated letter is about its year; an overview's date is only when it was written.
    dated_letter = hit.record.doc_type != "Überblick" and str(hit.record.year) in asked.years
    if asked.years and not dated_letter and not all(year in folded for year in asked.years):
        return False
    if unit.role == "question":
        return asked.about_asking  # evidence of what was asked, never of a fact
    if unit.role == "header":
        return asked.about_document  # "Welche Nummer hat die Vorlage?" – never another question
    wanted = asked.expects & {"number", "date", "section"}
    return unit.is_letter_part or not wanted or bool(wanted & kinds)


def _is_municipal(hit: Hit) -> bool:
    """A document of a municipality (its body is a town or a Kreis of the gazetteer)."""
    return bool(named_places(fold(hit.record.body)))


def _score(unit: Unit, kinds: set[str], own: float, context: float, rank: int,
           asked: QuestionProfile, calibration: Calibration) -> float:
    score = 0.6 * own + 0.4 * context - 0.03 * rank
    wanted_roles = _wanted_roles(asked)
    dates_document = unit.role == "date_line" and "date" in asked.expects and asked.about_document
    if (unit.role and unit.role in wanted_roles) or dates_document:
        score += calibration.role_bonus
    elif own < calibration.min_own_coverage:
        return 0.0  # shares (almost) nothing with the question
    elif asked.expects & kinds:
        score += calibration.type_bonus
    words = len(unit.text.split())
    return score * min(1.0, 60 / words) if words else 0.0


def _wanted_roles(asked: QuestionProfile) -> set[str]:
    """The letter parts that answer the question: the signature for "who signed", …"""
    return {role for intent, role in _ROLE_FOR.items() if intent in asked.expects}


def _select(candidates: list[_Candidate], asked: QuestionProfile,
            calibration: Calibration) -> list[_Candidate]:
    ranked = sorted(candidates, key=lambda c: (-c.score, c.hit_rank, c.unit.order))
    if not ranked or ranked[0].score < calibration.min_unit_score:
        return []
    wanted_roles = _wanted_roles(asked)
    in_role = [c for c in ranked if c.unit.role in wanted_roles]
    if in_role and "person" in asked.expects:
        # "Wer hat unterschrieben?" is answered by the signature and nothing else ("Wann wurde …
        # unterschrieben?" by the date line, through the role bonus).
        return in_role[:calibration.max_units]
    best = ranked[0]
    # A list answer: the best unit is an item or the line introducing a list ("… wissen:").
    wants_list = "list" in asked.expects and (best.unit.item or best.unit.text.endswith(":"))
    limit = calibration.max_list_units if wants_list else calibration.max_units
    chosen = [best]
    for cand in ranked[1:]:
        if len(chosen) == limit:
            break
        same_list = wants_list and cand.unit.item and cand.hit_rank == best.hit_rank
        same_role = best.unit.role != "statement" and cand.unit.role == best.unit.role
        if same_list or same_role:
            chosen.append(cand)  # kept whole, even where items resemble each other
        elif (cand.score >= calibration.keep_ratio * best.score
              and all(_jaccard(cand.tokens, c.tokens) < 0.6 for c in chosen)):
            chosen.append(cand)
    return chosen


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _compose(chosen: list[_Candidate], top: dict[int, Hit]) -> Extract:
    """Best passage first, document order inside a passage; citations numbered as they appear."""
    first_seen = {c.hit_rank: i for i, c in reversed(list(enumerate(chosen)))}
    chosen.sort(key=lambda c: (first_seen[c.hit_rank], c.unit.order))
    numbers: dict[int, int] = {}
    citations: list[Passage] = []
    parts: list[str] = []
    for cand in chosen:
        if cand.hit_rank not in numbers:
            numbers[cand.hit_rank] = len(numbers) + 1
            hit = top[cand.hit_rank]
            citations.append(Passage.of(numbers[cand.hit_rank], hit.record, hit.score))
        n = numbers[cand.hit_rank]
        if not citations[n - 1].quotes:  # the citation opens the page of its first quote
            record = top[cand.hit_rank].record
            offset = max(record.text.find(cand.unit.text), 0)
            citations[n - 1].page = record.page_at(offset)
        citations[n - 1].quotes.append(cand.unit.text)
        separator = "\n" if (cand.unit.item or cand.unit.role != "statement") and parts else " "
        parts.append(f"{separator if parts else ''}{cand.unit.text} [{n}]")
    return Extract("".join(parts), False, citations)
