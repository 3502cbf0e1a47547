"""The checks that withhold an answer, each named by the reason it reports.

Evidence is idf-weighted coverage: the share of the question's informative terms (by idf) that a
passage or sentence contains — comparable across questions, unlike raw BM25. Places and parties
the question names act as filters, not as evidence.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from assistant.answer.question import QuestionProfile, passage_mismatch
from assistant.german.text import fold
from assistant.policy import AnswerPolicy
from assistant.records import document_key
from assistant.retrieval.hybrid import Hit
from assistant.retrieval.lexical import LexicalIndex

# Why the assistant abstains, as `ask --json` reports it in "reason".
ABSTAIN_REASONS = {
    "unknown_topic": "the question's key terms occur in no document",
    "no_passages": "nothing was retrieved (an empty index, or nothing the role may see)",
    "filtered_out": "the filters the user chose exclude every passage",
    "other_place": "no top passage is about the place the question names",
    "other_year": "no top passage names the year the question names",
    "missing_number": "no top passage names the figure the question names (Baustein 2, S 12)",
    "other_party": "no top document is from the party the question names",
    "other_committee": "no top document concerns the committee the question names",
    "other_document": "no top document is the Vorlage or Drucksache the question names",
    "weak_evidence": "the best passage covers too little of the question",
    "no_sentence": "no sentence of the top passages answers the kind of question asked",
}


@dataclass
class Evidence:
    """What counts as evidence for one question: its terms' weights and their thesaurus mates."""
    weights: dict[str, float]
    alternatives: dict[str, frozenset[str]]
    lexical: LexicalIndex
    synonym_credit: float

    @classmethod
    def of(cls, question: str, asked: QuestionProfile, lexical: LexicalIndex,
           policy: AnswerPolicy) -> "Evidence":
        weights, alternatives = _question_weights(question, asked, lexical, policy)
        return cls(weights, alternatives, lexical, policy.synonym_credit)

    @property
    def total(self) -> float:
        return sum(self.weights.values())

    def coverage(self, text: str) -> float:
        """The weighted share of the question's terms the text holds (a mate earns a part)."""
        tokens = set(self.lexical.analyzer.tokens(text))
        found = sum(w if t in tokens else self.synonym_credit * w
                    for t, w in self.weights.items()
                    if t in tokens or self.alternatives.get(t, frozenset()) & tokens)
        return found / self.total if self.total > 0 else 0.0


def off_topic(evidence: Evidence, asked: QuestionProfile, lexical: LexicalIndex,
              policy: AnswerPolicy) -> str:
    """"unknown_topic" when the question's key terms, or several of its nouns, occur in no
    document; "" otherwise."""
    unknown = sum(w for t, w in evidence.weights.items()
                  if not lexical.knows(t) and t not in evidence.alternatives)
    if evidence.total <= 0 or unknown / evidence.total > policy.max_unknown_share:
        return "unknown_topic"
    if len(_unknown_nouns(asked, lexical)) >= policy.max_unknown_nouns:
        return "unknown_topic"
    return ""


def passages_about(hits: list[Hit], asked: QuestionProfile, documents: Mapping[str, str],
                   policy: AnswerPolicy) -> tuple[dict[int, Hit], str]:
    """The best passages about the place, year, figure, party, committee and document the
    question names, by search rank: the names filter the ranking (down to ``filter_depth``), they
    do not cut it short. When none fits, why the best one does not ("other_place", …)."""
    top: dict[int, Hit] = {}
    first = ""
    for rank, hit in enumerate(hits[:policy.filter_depth]):
        mismatch = passage_mismatch(fold(hit.record.index_text),
                                    documents[document_key(hit.record)], asked)
        first = first or mismatch
        if not mismatch:
            top[rank] = hit
            if len(top) == policy.answer_passages:
                break
    return top, "" if top else (first or "no_passages")


def weak_evidence(context: dict[int, float], policy: AnswerPolicy) -> str:
    """"weak_evidence" when even the best passage covers too little of the question."""
    return "weak_evidence" if max(context.values()) < policy.min_passage_coverage else ""


def what_exists(hits: list[Hit]) -> str:
    """Withheld for another place or year: what the closest passages are about instead, so that
    people see the documents hold other towns' or years' figures, not none at all."""
    about = []
    for hit in hits[:10]:
        label = " ".join(filter(None, (hit.record.body, str(hit.record.year or ""))))
        if label and label not in about:
            about.append(label)
    if not about:
        return ""
    return f" Die nächstliegenden Unterlagen betreffen andere Kommunen oder Jahre: {', '.join(about[:4])}."


def _question_weights(question: str, asked: QuestionProfile, lexical: LexicalIndex,
                      policy: AnswerPolicy
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
            weights[term] *= policy.unknown_weight
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
