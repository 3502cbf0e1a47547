"""Every weight and threshold of the answer, in one place.

Values are chosen on the tuned and dev sets together (``evals/calibrate.py`` checks the
thresholds), never for a single question and never on ``realistic-test``. The search layer reads
only ``expansion_weight``; everything else belongs to the extractive answer.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerPolicy:
    # Which passages may answer.
    answer_passages: int = 3  # the best passages of the search that sentences are taken from
    # So deep in the ranking passages about the place, year and document asked for are sought.
    # 3 = the answer passages: at 10, realistic-dev answered 4 more answerable questions (1 of
    # them right) and 4 more questions without an answer – more wrong answers, not more right.
    filter_depth: int = 3
    min_passage_coverage: float = 0.2  # below: the best passage does not answer the question
    # When the question is about something else.
    max_unknown_share: float = 0.8  # above: the question's key terms never occur in the corpus
    max_unknown_nouns: int = 2  # this many nouns the corpus never uses: another topic
    unknown_weight: float = 0.25  # idf factor for words the corpus never uses
    # Thesaurus mates: the share of a question word's weight a mate earns, in the answer's
    # coverage and in the BM25 score of the search.
    synonym_credit: float = 0.5
    expansion_weight: float = 0.5
    # How a sentence scores: its own coverage, its passage's, the search rank.
    own_weight: float = 0.6
    context_weight: float = 0.4
    rank_penalty: float = 0.03  # per rank below the best passage
    long_unit_words: int = 60  # longer sentences score proportionally less
    min_unit_score: float = 0.1  # below: no sentence answers it
    min_own_coverage: float = 0.05  # a sentence must share this much with the question itself
    type_bonus: float = 0.2  # a sentence with the kind of answer asked for (person/date/number)
    role_bonus: float = 0.5  # the signature for "who signed", the salutation for "to whom"
    # Meaning (the multilingual model): the best candidates by words are reordered by it, losing
    # semantic_weight per unit of cosine below the closest of them. Off (0): measured on the dev
    # and tuned sets, weight 1 answered one more realistic-dev question of 135 and nothing else,
    # and raised the 95th-percentile answer time from about 100 to 370 ms (a cold sentence costs
    # about 14 ms to embed here) – past the 200 ms ceiling.
    semantic_weight: float = 0.0
    semantic_shortlist: int = 8  # so many candidates are embedded (about 14 ms each here)
    # Sentences that inherit coverage from the one they continue.
    anaphor_share: float = 0.5  # of the previous sentence's coverage, for one that refers back
    answer_share: float = 0.8  # of a question's coverage, for the statements that answer it
    answer_span: int = 3  # so many statements after a question answer it
    # Which further sentences join the best one.
    keep_ratio: float = 0.5  # further sentences must score this share of the best one
    max_overlap: float = 0.6  # a sentence sharing this share of words with a chosen one repeats it
    max_units: int = 4
    max_list_units: int = 8
    max_asked_units: int = 15  # "Was wollten die Grünen wissen?": every question of an inquiry


POLICY = AnswerPolicy()
