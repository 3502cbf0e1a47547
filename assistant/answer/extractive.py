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

from assistant.answer.checks import (
    ABSTAIN_REASONS,
    Evidence,
    off_topic,
    passages_about,
    weak_evidence,
    what_exists,
)
from assistant.answer.models import ABSTAIN_TEXT, Passage
from assistant.answer.question import (
    QuestionProfile,
    counts_things,
    mentions,
    named_places,
    profile,
    unit_kinds,
    words_after_figures,
)
from assistant.answer.semantic import SentenceMeaning
from assistant.answer.units import Unit, answer_units
from assistant.german.analysis import masculine_stem
from assistant.german.text import fold
from assistant.policy import POLICY, AnswerPolicy
from assistant.records import ChunkRecord
from assistant.retrieval.hybrid import Hit
from assistant.retrieval.lexical import LexicalIndex

# Documents that ask. (An Antrag's numbered items demand, and a question about the Antrag is
# answered by them: they count as statements.)
ASKING_TYPES = ("Anfrage",)
_STATE_LEVEL = re.compile(r"\bland(es)?\b|landes\w+|\bnrw\b|nordrhein-westfalen")
_ROLE_FOR = {"signed": "signature", "addressed": "addressee"}
# A sentence opening with a personal pronoun continues the one before ("Es ist …", "Sie tagt …").
_PRONOUN_START = re.compile(r"^(?:Es|Er|Sie|Ihr|Ihre[mnrs]?|Sein|Seine[mnrs]?)\b")
# Demonstratives and pronominal adverbs that refer to the sentence before.
_REFERS_BACK = re.compile(r"\b(?:[Dd]ies(?:e[mnrs]?)?|[Ss]olche[mnrs]?|[Hh]ierf(?:ü|u)r|[Hh]ierzu|"
                          r"[Dd]af(?:ü|u)r|[Dd]abei|[Dd]avon)\b")


@dataclass
class _Candidate:
    unit: Unit
    hit_rank: int
    score: float
    tokens: frozenset[str]
    source: str  # the document


@dataclass
class Extract:
    answer: str
    abstained: bool
    citations: list[Passage]
    reason: str = "answered"  # for an abstention: which check fired (see ABSTAIN_REASONS)


__all__ = ["ABSTAIN_REASONS", "Extract", "extract_answer"]


def _abstain(reason: str) -> Extract:
    return Extract(ABSTAIN_TEXT, True, [], reason)


def extract_answer(question: str, hits: list[Hit], lexical: LexicalIndex,
                   documents: Mapping[str, str], policy: AnswerPolicy = POLICY,
                   home: str = "", meaning: SentenceMeaning | None = None) -> Extract:
    """``documents`` maps ``document_key(record)`` to the folded text of the whole document;
    ``home`` is the municipality "unsere Stadt" means (KIM_KOMMUNE), or ""; ``meaning``, where
    the model is at hand, adds semantic evidence. Each check that withholds the answer is named
    in ``checks.py`` and reports its reason."""
    asked = profile(question, home)
    evidence = Evidence.of(question, asked, lexical, policy)
    if reason := off_topic(evidence, asked, lexical, policy):
        return _abstain(reason)
    top, reason = passages_about(hits, asked, documents, policy)
    if reason:
        withheld = _abstain(reason)
        withheld.answer += what_exists(hits) if reason in ("other_place", "other_year") else ""
        return withheld
    context = {rank: evidence.coverage(hit.record.index_text) for rank, hit in top.items()}
    if reason := weak_evidence(context, policy):
        return _abstain(reason)
    candidates = _candidates(top, context, evidence, asked, lexical, policy)
    if asked.about_asking and any(c.unit.role == "question" for c in candidates):
        # "Was wollten die Grünen wissen?" is answered by what they asked, and nothing else.
        candidates = [c for c in candidates if c.unit.role == "question"]
    if meaning is not None:
        _add_meaning(candidates, question, meaning, top, asked, policy)
    chosen = _with_list_items(_select(candidates, asked, policy), top, asked, policy)
    return _compose(chosen, top, asked.ours) if chosen else _abstain("no_sentence")


def _candidates(top: dict[int, Hit], context: dict[int, float], evidence: Evidence,
                asked: QuestionProfile, lexical: LexicalIndex,
                policy: AnswerPolicy) -> list[_Candidate]:
    """Every unit of the top passages that may answer, with its score."""
    counted = _counted_stems(asked, lexical)
    candidates = []
    for rank, hit in top.items():
        units = _units_of(hit.record)
        owns = _own_coverages(units, [evidence.coverage(u.text) for u in units], policy)
        for unit, own in zip(units, owns, strict=True):
            tokens = frozenset(lexical.analyzer.tokens(unit.text))
            kinds = _kinds(unit, tokens, counted, asked, lexical)
            if _unit_fits(unit, hit, asked, kinds):
                score = _score(unit, kinds, own, context[rank], rank, asked, policy)
                candidates.append(_Candidate(unit, rank, score, tokens, hit.record.source))
    return candidates


def _units_of(record: ChunkRecord) -> tuple[Unit, ...]:
    """A passage's answer units (cached by ``answer_units``); an Anfrage's items ask."""
    return answer_units(record.text, asks=record.doc_type in ASKING_TYPES)


def _add_meaning(candidates: list[_Candidate], question: str, meaning: SentenceMeaning,
                 top: dict[int, Hit], asked: QuestionProfile, policy: AnswerPolicy) -> None:
    """Reorder the best candidates by meaning: each loses ``semantic_weight`` times the distance
    in cosine similarity to the closest of them. Sentences the model finds about equally close
    keep their order by words; only candidates that already answer by word evidence take part,
    so the model never turns an abstention into an answer. Letter parts asked for by their role
    ("Wer hat unterschrieben?") are no matter of meaning and are left alone."""
    if _wanted_roles(asked):
        return
    able = sorted((c for c in candidates if c.score >= policy.min_unit_score),
                  key=lambda c: -c.score)[:policy.semantic_shortlist]
    if len(able) < 2:
        return
    sims = meaning.similarities(question, [_with_antecedent(c, top) for c in able])
    for cand, sim in zip(able, sims, strict=True):
        cand.score -= policy.semantic_weight * float(sims.max() - sim)


def _with_antecedent(cand: _Candidate, top: dict[int, Hit]) -> str:
    """A sentence that points back ("Es ist bei … angesiedelt") means what it says together with
    the sentence before it."""
    text = cand.unit.text
    if cand.unit.order == 0 or not (_REFERS_BACK.search(text) or _PRONOUN_START.match(text)):
        return text
    record = top[cand.hit_rank].record
    units = _units_of(record)
    return f"{units[cand.unit.order - 1].text} {text}"


def _own_coverages(units: tuple[Unit, ...], owns: list[float],
                   policy: AnswerPolicy) -> list[float]:
    """A sentence that points back ("Diese sind …", "für diesen Einbezug") continues the one
    before it and shares part of its coverage. The statements after a question ("Frage 4: …?
    Antwort der Verwaltung: …", "Herr X fragte, ob … Frau Y erwiderte, dass …") answer it and
    share its coverage: an answer rarely repeats all the words of its question."""
    result = list(owns)
    asked, since = 0.0, 0  # coverage of the last question, and the units since it
    for i in range(1, len(units)):
        unit, before = units[i], units[i - 1]
        asked, since = (owns[i - 1], 1) if before.role == "question" else (asked, since + 1)
        if unit.role != "statement" or since > policy.answer_span:
            asked = 0.0
        if unit.role == "statement":
            result[i] = max(result[i], policy.answer_share * asked)
            if _REFERS_BACK.search(unit.text) and not unit.item:
                result[i] = max(result[i], policy.anaphor_share * result[i - 1])
    return result


def _counted_stems(asked: QuestionProfile, lexical: LexicalIndex) -> frozenset[str]:
    """Stems of the noun a "wie viele …?" question counts: the word, its last compound part
    ("Case-Manager-Stellen" → stell) and their thesaurus mates ("Menschen" → person). Empty
    when the corpus never uses the noun."""
    head = asked.counted.split("-")[-1]
    if not head:
        return frozenset()
    tokens = lexical.analyzer.tokens(head)
    mates = frozenset().union(*lexical.expansions(head).values())
    return frozenset(t for t in (tokens[:1] + tokens[-1:]) if lexical.knows(t)) | mates


def _kinds(unit: Unit, tokens: frozenset[str], counted: frozenset[str],
           asked: QuestionProfile, lexical: LexicalIndex) -> set[str]:
    """The kinds of answer a unit holds. A number answers "wie viele Stellen?" where it counts
    the counted noun ("11 Stellen"), or, in a sentence that does not name the noun, some other
    thing (the documents may count "Kreise" where the question says "Gebietskörperschaften"). A
    sentence that names the noun but counts something else ("Case Manager … bei zehn
    Arbeitgebern") gives no count of it; a duration or an amount of money counts no people.
    A question about money ("Wie hoch ist das Gehalt?") is answered by an amount of money."""
    kinds = unit_kinds(unit.text)
    names_counted = any(masculine_stem(t).endswith(stem)  # Modellkommunen, Managerinnen
                        for t in tokens for stem in counted)
    if counted:
        counts = _counts(unit.text, counted, lexical) if names_counted else counts_things(unit.text)
        if not counts:
            kinds.discard("number")
    if "amount" in asked.expects and "amount" not in kinds:
        kinds.discard("number")  # "Wie hoch ist das Gehalt?" wants money, not "12 Stellen"
    return kinds


def _counts(text: str, counted: frozenset[str], lexical: LexicalIndex) -> bool:
    """Does a figure in the text count the counted noun (within the three words after it)?"""
    return any(masculine_stem(t).endswith(stem) for words in words_after_figures(text)
               for t in lexical.analyzer.tokens(words) for stem in counted)


def _unit_fits(unit: Unit, hit: Hit, asked: QuestionProfile, kinds: set[str]) -> bool:
    """Only a sentence about the place and year asked for, holding a number or date if one is
    asked for, can answer. A passage whose header names the place is about it as a whole."""
    folded = fold(unit.text)
    named = named_places(folded)
    about_place = not asked.places or any(mentions(fold(hit.record.header), p) for p in asked.places)
    if not about_place and not any(mentions(folded, p) for p in asked.places):
        return False
    if asked.statewide and (named or (_is_municipal(hit) and not _STATE_LEVEL.search(folded))):
        return False  # a town's figure is no answer to a question about the whole state
    # A dated letter is about its year; an overview's date is only when it was written.
    dated_letter = hit.record.doc_type != "Überblick" and str(hit.record.year) in asked.years
    if asked.years and not dated_letter and not any(year in folded for year in asked.years):
        return False  # "2022 …, und wie viel 2024?": a sentence gives one of the years
    if unit.role == "question":
        return asked.about_asking  # evidence of what was asked, never of a fact
    if unit.role == "header":
        return asked.about_document  # "Welche Nummer hat die Vorlage?" – never another question
    if unit.is_letter_part:  # the addressee answers "An wen …?" and nothing else
        return unit.role in _wanted_roles(asked) or (unit.role == "date_line" and
                                                     "date" in asked.expects and asked.about_document)
    wanted = asked.expects & {"number", "date", "section"}
    return not wanted or bool(wanted & kinds)


def _is_municipal(hit: Hit) -> bool:
    """A document of a municipality (its body is a town or a Kreis of the gazetteer)."""
    return bool(named_places(fold(hit.record.body)))


def _score(unit: Unit, kinds: set[str], own: float, context: float, rank: int,
           asked: QuestionProfile, policy: AnswerPolicy) -> float:
    score = policy.own_weight * own + policy.context_weight * context - policy.rank_penalty * rank
    wanted_roles = _wanted_roles(asked)
    dates_document = unit.role == "date_line" and "date" in asked.expects and asked.about_document
    if (unit.role and unit.role in wanted_roles) or dates_document:
        score += policy.role_bonus
    elif own < policy.min_own_coverage:
        return 0.0  # shares (almost) nothing with the question
    elif asked.expects & kinds:
        score += policy.type_bonus
    words = len(unit.text.split())
    return score * min(1.0, policy.long_unit_words / words) if words else 0.0


def _wanted_roles(asked: QuestionProfile) -> set[str]:
    """The letter parts that answer the question: the signature for "who signed", …"""
    return {role for intent, role in _ROLE_FOR.items() if intent in asked.expects}


def _select(candidates: list[_Candidate], asked: QuestionProfile,
            policy: AnswerPolicy) -> list[_Candidate]:
    ranked = sorted(candidates, key=lambda c: (-c.score, c.hit_rank, c.unit.order))
    if not ranked or ranked[0].score < policy.min_unit_score:
        return []
    wanted_roles = _wanted_roles(asked)
    in_role = [c for c in ranked if c.unit.role in wanted_roles]
    if in_role and "person" in asked.expects:
        # "Wer hat unterschrieben?" is answered by the signature and nothing else ("Wann wurde …
        # unterschrieben?" by the date line, through the role bonus).
        return in_role[:policy.max_units]
    best = ranked[0]
    # A list answer: the best unit is an item or the line introducing a list ("… wissen:").
    wants_list = "list" in asked.expects and (best.unit.item or best.unit.text.endswith(":"))
    limit = policy.max_list_units if wants_list else policy.max_units
    if asked.about_asking and best.unit.role == "question":
        # "Was wollten die Grünen wissen?": the inquiry's questions, all of them where the
        # question names no topic among them (``keep_ratio`` decides).
        limit = policy.max_asked_units
    chosen = [best]
    for cand in ranked[1:]:
        if len(chosen) == limit:
            break
        same_list = wants_list and cand.unit.item and cand.hit_rank == best.hit_rank
        same_role = best.unit.role != "statement" and cand.unit.role == best.unit.role
        if same_list or same_role:
            chosen.append(cand)  # kept whole, even where items resemble each other
        elif (cand.score >= policy.keep_ratio * best.score
              and not any(_repeats(cand, c, policy) for c in chosen)):
            chosen.append(cand)
    return chosen


def _with_list_items(chosen: list[_Candidate], top: dict[int, Hit], asked: QuestionProfile,
                     policy: AnswerPolicy) -> list[_Candidate]:
    """A chosen line that announces a list ("Einzelne Kommunen setzen eigene Schwerpunkte:") is
    quoted with the items that follow it, never dangling – unless the items are questions and
    the question is not about what was asked."""
    result = list(chosen)
    quoted = {(c.hit_rank, c.unit.order) for c in chosen}
    for head in chosen:
        if not head.unit.text.endswith(":"):
            continue
        record = top[head.hit_rank].record
        units = _units_of(record)
        for unit in units[head.unit.order + 1:head.unit.order + 1 + policy.max_list_units]:
            if not unit.item or (unit.role == "question" and not asked.about_asking):
                break
            if (head.hit_rank, unit.order) not in quoted:
                quoted.add((head.hit_rank, unit.order))
                result.append(_Candidate(unit, head.hit_rank, 0.0, frozenset(), head.source))
    return result


def _repeats(cand: _Candidate, chosen: _Candidate, policy: AnswerPolicy) -> bool:
    """The same statement again, in an overlapping passage or a repeated paragraph of one
    document. Alike sentences of two documents are two facts ("Bochum: 9 Stellen", "Borken: 12")."""
    a, b = cand.tokens, chosen.tokens
    alike = len(a & b) / len(a | b) if a | b else 1.0
    return cand.source == chosen.source and alike >= policy.max_overlap


def _compose(chosen: list[_Candidate], top: dict[int, Hit], name_places: bool = False) -> Extract:
    """Best passage first, document order inside a passage; citations numbered as they appear.
    ``name_places``: "unsere Stadt" with no home municipality set – each sentence says whose it
    is ("Kreis Borken: …"), so that towns are never mixed silently."""
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
        body = top[cand.hit_rank].record.body
        place = f"{body}: " if name_places and body else ""
        separator = "\n" if place and parts else separator
        parts.append(f"{separator if parts else ''}{place}{cand.unit.text} [{n}]")
    return Extract("".join(parts), False, citations)
