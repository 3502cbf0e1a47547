"""Lexical, dense or both fused with reciprocal-rank fusion; filters act inside each retriever."""

import logging
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from assistant.records import ChunkRecord, fold_documents, matches
from assistant.retrieval.dense import Embedder
from assistant.retrieval.lexical import LexicalIndex
from assistant.retrieval.store import VectorStore, where_clause

log = logging.getLogger(__name__)
RRF_K = 60
CANDIDATES = 50


@dataclass
class Hit:
    record: ChunkRecord
    score: float  # fused score in [0, 1] (hybrid) or BM25 (lexical) or cosine (dense)
    lexical_rank: int | None = None
    dense_rank: int | None = None


class Retriever(Protocol):
    mode: str

    def retrieve(self, question: str, k: int, filters: dict[str, Any]) -> list[Hit]: ...


class Reranker(Protocol):
    def order(self, question: str, records: list[ChunkRecord], scores: list[float]) -> list[int]:
        ...


class HybridRetriever:
    """Uses the dense side only when a model and a vector store are given."""

    def __init__(self, records: list[ChunkRecord], lexical: LexicalIndex,
                 embedder: Embedder | None = None, store: VectorStore | None = None,
                 prefer: str = "auto", dense_weight: float = 1.0) -> None:
        self.records = records
        self.lexical = lexical
        self.embedder = embedder
        self.store = store
        self.prefer = prefer
        self.dense_weight = dense_weight
        self._by_id = {r.id: i for i, r in enumerate(records)}
        self.documents = fold_documents(records)
        self.cross_encoder: Reranker | None = None  # set by the engine when configured

    @property
    def mode(self) -> str:
        """What actually runs: the preferred mode when vectors are at hand, else lexical."""
        if self.embedder is None or self.store is None or self.prefer == "lexical":
            return "lexical"
        return "hybrid" if self.prefer == "auto" else self.prefer

    def retrieve(self, question: str, k: int, filters: dict[str, Any]) -> list[Hit]:
        mode = self.mode
        if mode == "dense":
            dense = self._dense(question, CANDIDATES, filters)
            hits = [Hit(self.records[i], s, dense_rank=r) for r, (i, s) in enumerate(dense)]
        elif mode == "lexical":
            lexical = self._lexical(question, CANDIDATES, filters)
            hits = [Hit(self.records[i], s, lexical_rank=r) for r, (i, s) in enumerate(lexical)]
        else:
            lexical = self._lexical(question, CANDIDATES, filters)
            hits = self._fuse(lexical, self._dense(question, CANDIDATES, filters), CANDIDATES)
        if self.cross_encoder is not None:
            order = self.cross_encoder.order(question, [h.record for h in hits],
                                             [h.score for h in hits])
            hits = [hits[i] for i in order]
        return hits[:k]

    def _mask(self, filters: dict[str, Any]) -> np.ndarray | None:
        if not filters:
            return None
        return np.fromiter((1.0 if matches(r, filters) else 0.0 for r in self.records),
                           dtype=np.float32, count=len(self.records))

    def _lexical(self, question: str, k: int, filters: dict[str, Any]) -> list[tuple[int, float]]:
        return self.lexical.search(question, k, self._mask(filters))

    def _dense(self, question: str, k: int, filters: dict[str, Any]) -> list[tuple[int, float]]:
        assert self.embedder is not None and self.store is not None
        vector = self.embedder.embed_query(question)
        hits = self.store.query(vector, k, where_clause(filters))
        # The store may hold vectors of an unfinished ingest: only the manifest's passages count,
        # and their metadata there is the truth (a passage whose visibility changed keeps its id).
        positions = [(self._by_id[cid], score) for cid, score in hits if cid in self._by_id]
        return [(i, score) for i, score in positions if matches(self.records[i], filters)]

    def _fuse(self, lexical: list[tuple[int, float]], dense: list[tuple[int, float]],
              k: int) -> list[Hit]:
        fused: dict[int, Hit] = {}
        for rank, (i, _) in enumerate(lexical):
            fused[i] = Hit(self.records[i], 1.0 / (RRF_K + rank + 1), lexical_rank=rank)
        for rank, (i, _) in enumerate(dense):
            hit = fused.setdefault(i, Hit(self.records[i], 0.0))
            hit.score += self.dense_weight / (RRF_K + rank + 1)
            hit.dense_rank = rank
        best_possible = (1.0 + self.dense_weight) / (RRF_K + 1)
        ranked = sorted(fused.values(), key=lambda h: -h.score)[:k]
        for hit in ranked:
            hit.score = round(hit.score / best_possible, 4)
        return ranked
