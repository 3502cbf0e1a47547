"""Vector storage in ChromaDB — the only module that imports chromadb.

Embedded (`PersistentClient` under the index folder) by default; a `chroma run` server via
`HttpClient` when KIM_CHROMA_HOST is set. Embeddings are always passed in explicitly; Chroma's
default embedding function (which downloads weights) is never used.
"""

import hashlib
import logging
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.errors import StoreUnavailable
from assistant.records import EMBED_FORMAT, EXCLUDE_FILTERS, INCLUDE_FILTERS, RANGE_FILTERS

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.retrieval.dense import Embedder

log = logging.getLogger(__name__)
_BATCH = 1000


class VectorStore:
    def __init__(self, collection: Any) -> None:
        self._collection = collection

    @classmethod
    def open(cls, name: str, path: Path, host: str | None = None, port: int = 8000) -> "VectorStore":
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        chroma_settings = ChromaSettings(anonymized_telemetry=False)
        try:
            if host:
                client = chromadb.HttpClient(host=host, port=port, settings=chroma_settings)
            else:
                path.mkdir(parents=True, exist_ok=True)
                client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
            collection = client.get_or_create_collection(
                name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
        except (ValueError, ConnectionError, OSError) as err:
            where = f"{host}:{port}" if host else str(path)
            raise StoreUnavailable(
                f"ChromaDB unter „{where}“ ist nicht erreichbar ({err}) – Server starten "
                "(`chroma run --path …`) oder KIM_CHROMA_HOST entfernen."
            ) from err
        return cls(collection)

    def count(self) -> int:
        return int(self._collection.count())

    def missing(self, ids: Sequence[str]) -> list[str]:
        """Those of ``ids`` that have no vector stored yet."""
        present: set[str] = set()
        for start in range(0, len(ids), _BATCH):
            present.update(self._collection.get(ids=list(ids[start:start + _BATCH]), include=[])["ids"])
        return [i for i in ids if i not in present]

    def all_ids(self) -> set[str]:
        found: set[str] = set()
        offset = 0
        while True:
            batch = self._collection.get(include=[], limit=_BATCH, offset=offset)["ids"]
            found.update(batch)
            if len(batch) < _BATCH:
                return found
            offset += _BATCH

    def upsert(self, ids: list[str], vectors: np.ndarray, texts: list[str],
               metadatas: list[dict[str, Any]]) -> None:
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            self._collection.upsert(ids=ids[start:end], embeddings=vectors[start:end],
                                    documents=texts[start:end], metadatas=metadatas[start:end])

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), _BATCH):
            self._collection.delete(ids=ids[start:start + _BATCH])

    def query(self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
              ) -> list[tuple[str, float]]:
        """Nearest ids with cosine similarity, best first."""
        if k <= 0 or self.count() == 0:
            return []
        result = self._collection.query(query_embeddings=[vector], n_results=k, where=where or None,
                                        include=["distances"])
        ids, distances = result["ids"][0], (result["distances"] or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]


def open_index_store(settings: "Settings", chroma_path: Path, index_id: str,
                     embedder: "Embedder") -> VectorStore:
    """The collection of one index, one model version and one embedded-text format: vectors made
    differently never mix (a change fills a new collection)."""
    identity = f"{embedder.name.strip()}|{embedder.version}|{EMBED_FORMAT}"
    model_key = hashlib.sha1(identity.encode("utf-8")).hexdigest()[:12]
    name = f"kim-{index_id}-{model_key}-{embedder.dimension}"
    return VectorStore.open(name, chroma_path, settings.chroma_host, settings.chroma_port)


def where_clause(filters: dict[str, Any]) -> dict[str, Any] | None:
    """Chroma's filter syntax: equality, ranges for ``year_from``/``year_to``, allow- and deny-lists."""
    if not filters:
        return None
    clauses: list[dict[str, Any]] = []
    for key, value in filters.items():
        if key in EXCLUDE_FILTERS:
            clauses.append({EXCLUDE_FILTERS[key]: {"$nin": list(value)}})
        elif key in INCLUDE_FILTERS:
            clauses.append({INCLUDE_FILTERS[key]: {"$in": list(value)}})
        elif key in RANGE_FILTERS:
            field_name, operator = RANGE_FILTERS[key]
            clauses.append({field_name: {operator: value}})
            if operator == "$gte":
                continue
            clauses.append({field_name: {"$gt": 0}})  # unknown year (0) is outside any range
        else:
            clauses.append({key: value})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
