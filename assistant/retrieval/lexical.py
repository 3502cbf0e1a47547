"""BM25 over the German analysis, with bm25s (no English defaults, filters applied in scoring)."""

import functools
import json
import logging
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from assistant.german.analysis import GermanAnalyzer
from assistant.german.text import WORD
from assistant.german.thesaurus import Thesaurus
from assistant.policy import POLICY

if TYPE_CHECKING:
    from bm25s import BM25


def _import_bm25s() -> ModuleType:
    """bm25s tries `import scipy.sparse` (0.1 s of a 1 s `kim ask`) for a build backend that is
    never used here (``csc_backend="numpy"`` is its default); loading and searching need numpy
    only. The import is blocked while bm25s loads, so it falls back to numpy for good."""
    blocked = "scipy.sparse" not in sys.modules
    if blocked:
        sys.modules["scipy.sparse"] = None  # type: ignore[assignment]  # makes the import fail
    try:
        import bm25s
    finally:
        if blocked:
            del sys.modules["scipy.sparse"]
    return bm25s


bm25s = _import_bm25s()
log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import and would chatter
_ANALYZER_FILE = "analyzer.json"
# BM25 saturation and length normalisation, chosen on both gold sets together (k1 1.5 → 2.0,
# b 0.75 → 0.6: passage MRR seeds 0.908 → 0.926, corpus 0.828 → 0.838). Short council passages
# gain from less length normalisation.
K1, B = 2.0, 0.6


class LexicalIndex:
    def __init__(self, bm25: "BM25 | None", analyzer: GermanAnalyzer, size: int) -> None:
        self._bm25 = bm25
        self.analyzer = analyzer
        self.size = size
        self._related: dict[str, frozenset[str]] = {}
        self._word_of: dict[str, str] = {}  # a mate's stem → the thesaurus word, for people

    def use_thesaurus(self, thesaurus: Thesaurus | None) -> "LexicalIndex":
        """Question words also look for their thesaurus mates that occur in the passages."""
        self._related, self._word_of = {}, {}
        if thesaurus is not None:
            stem = functools.cache(self._stem)  # each thesaurus word is stemmed once, not twice
            related = thesaurus.related_stems(stem)
            self._related = {stem: known for stem, mates in related.items()
                             if (known := frozenset(m for m in mates if self.knows(m)))}
            for word in (w for group in thesaurus.groups for w in group):
                if found := stem(word):
                    self._word_of.setdefault(found, word)
        return self

    def _stem(self, word: str) -> str | None:
        tokens = self.analyzer.tokens(word)
        return tokens[0] if tokens else None

    def expansions(self, question: str) -> dict[str, frozenset[str]]:
        """Each query token → its thesaurus mates that the passages use and the question lacks,
        looked up by the token as written and as mapped to a corpus stem."""
        if not self._related:
            return {}
        queried = self.analyzer.query_tokens(question)
        asked = set(queried)
        found: dict[str, frozenset[str]] = {}
        for written, token in zip(self.analyzer.tokens(question), queried, strict=True):
            mates = (self._related.get(written, frozenset())
                     | self._related.get(token, frozenset())) - asked
            if mates:
                found[token] = found.get(token, frozenset()) | mates
        return found

    def stand_ins(self, question: str, text: str) -> dict[str, list[str]]:
        """Question words that ``text`` lacks, with the thesaurus words it holds instead: what an
        answer quoted from ``text`` relied on ("Geld" → ["Fördermittel"])."""
        present = set(self.analyzer.tokens(text))
        found: dict[str, list[str]] = {}
        for word in dict.fromkeys(WORD.findall(question)):
            for token, mates in self.expansions(word).items():
                words = [self._word_of.get(m, m) for m in sorted(mates & present)]
                # "Mittel" is already said by "Fördermittel"
                words = [w for w in words if not any(w.lower() in o.lower() for o in words if o != w)]
                if words and token not in present:
                    found[word] = words
        return found

    @classmethod
    def build(cls, texts: list[str], analyzer: GermanAnalyzer | None = None) -> "LexicalIndex":
        analyzer = analyzer or GermanAnalyzer.for_corpus(texts)
        if not texts:  # bm25s cannot index nothing; an empty index simply finds nothing
            return cls(None, analyzer, 0)
        corpus_tokens = [analyzer.tokens(text) or [""] for text in texts]
        bm25 = bm25s.BM25(k1=K1, b=B)
        bm25.index(corpus_tokens, show_progress=False)
        return cls(bm25, analyzer, len(texts))

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        if self._bm25 is not None:
            self._bm25.save(str(folder))
        data = {**self.analyzer.to_dict(), "size": self.size}
        (folder / _ANALYZER_FILE).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> "LexicalIndex":
        data = json.loads((folder / _ANALYZER_FILE).read_text(encoding="utf-8"))
        size = int(data["size"])
        bm25 = bm25s.BM25.load(str(folder), mmap=False) if size else None
        return cls(bm25, GermanAnalyzer.from_dict(data), size)

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """BM25 idf per analysed token; a token the corpus never uses gets the highest idf."""
        if self._bm25 is None:
            return {token: 1.0 for token in tokens}
        vocab, indptr = self._bm25.vocab_dict, self._bm25.scores["indptr"]
        n = self.size
        weights = {}
        for token in tokens:
            t = vocab.get(token)
            df = int(indptr[t + 1] - indptr[t]) if t is not None and t + 1 < len(indptr) else 0
            weights[token] = float(np.log(1.0 + (n - df + 0.5) / (df + 0.5)))
        return weights

    def knows(self, token: str) -> bool:
        """Does any passage contain this analysed token?"""
        return self._bm25 is not None and token in self._bm25.vocab_dict

    def scores(self, question: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every passage; passages outside ``mask`` score 0."""
        if self._bm25 is None:
            return np.zeros(self.size, dtype=np.float32)
        vocab = self._bm25.vocab_dict
        expansions = self.expansions(question)
        plain = [vocab[t] for t in self.analyzer.query_tokens(question)
                 if t in vocab and t not in expansions]
        scores = np.zeros(self.size, dtype=np.float32)
        if plain:
            scores += self._bm25.get_scores(plain, weight_mask=mask)
        for token, mates in expansions.items():
            # A word and its synonyms are alternatives: a passage earns the better of the word
            # itself and its best (down-weighted) stand-in, never both.
            own = self._token_scores(token, mask)
            best = np.max([self._token_scores(m, mask) for m in mates], axis=0)
            scores += np.maximum(own, POLICY.expansion_weight * best)
        return scores

    def _token_scores(self, token: str, mask: np.ndarray | None) -> np.ndarray:
        assert self._bm25 is not None
        t = self._bm25.vocab_dict.get(token)
        if t is None:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores([t], weight_mask=mask), dtype=np.float32)

    def search(self, question: str, k: int, mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` passage positions with a score above zero, best first."""
        scores = self.scores(question, mask)
        k = min(k, int(np.count_nonzero(scores)))
        if k <= 0:
            return []
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top]
