"""Semantic evidence: how close a candidate sentence is in meaning to the question, judged by
the multilingual model the search already uses.

Word overlap misses paraphrases ("Runde, die das Integrationsmanagement steuert" for
"Lenkungsgruppe"); the model does not. Embedding a sentence costs about 14 ms on this machine,
so only the few best candidates by word evidence are embedded, and each sentence's vector is
kept for the next question that meets it.
"""

from collections import OrderedDict

import numpy as np

from assistant.retrieval.embedders import Embedder


class SentenceMeaning:
    def __init__(self, embedder: Embedder, cache_size: int = 20_000) -> None:
        self.embedder = embedder
        self.cache_size = cache_size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def similarities(self, question: str, sentences: list[str]) -> np.ndarray:
        """Cosine similarity of each sentence to the question."""
        query = _unit(self.embedder.embed_query(question))
        return np.array([float(query @ v) for v in self._sentence_vectors(sentences)])

    def _sentence_vectors(self, sentences: list[str]) -> list[np.ndarray]:
        missing = list(dict.fromkeys(s for s in sentences if s not in self._vectors))
        if missing:
            for sentence, vector in zip(missing, self.embedder.embed_passages(missing), strict=True):
                self._vectors[sentence] = _unit(np.asarray(vector, dtype=np.float32))
            while len(self._vectors) > self.cache_size:
                self._vectors.popitem(last=False)  # the sentence met longest ago
        for sentence in sentences:
            self._vectors.move_to_end(sentence)
        return [self._vectors[s] for s in sentences]


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else vector
