"""Which embedder serves a model name: the bundled default, or sentence-transformers for any model
a user names (a Hugging Face name in the local cache, or a folder). The seam ingest, questions and
the answer step share."""

from typing import Any

from assistant.retrieval.bundled import BUNDLED_LABEL, check_bundled, is_bundled, load_bundled
from assistant.retrieval.dense import (
    Embedder,
    ModelUnavailable,
    find_local_model,
    load_sentence_transformer,
)

__all__ = ["Embedder", "ModelUnavailable", "as_llamaindex", "check_model", "is_bundled",
           "load_embedder", "model_label"]


def check_model(name: str) -> str:
    """The model's version (as ``Embedder.version``), or ModelUnavailable when it cannot be used
    here; fast, loads nothing big."""
    if is_bundled(name):
        return check_bundled()
    return find_local_model(name).name


def load_embedder(name: str, batch_size: int = 32, threads: int = 0) -> Embedder:
    if is_bundled(name):
        return load_bundled(batch_size, threads)
    return load_sentence_transformer(name, batch_size)


def model_label(name: str | None) -> str:
    """The model in plain German, for the status line."""
    if not name:
        return "keines"
    return BUNDLED_LABEL if is_bundled(name) else name


def as_llamaindex(embedder: Embedder) -> "Any":
    """The same embedder as a LlamaIndex ``BaseEmbedding`` (for LlamaIndex components: the eval
    baseline, later the LLM answer step), so that both sides embed with one model and prefixes."""
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from pydantic import PrivateAttr

    class KimEmbedding(BaseEmbedding):
        _embedder: Any = PrivateAttr()

        def __init__(self, inner: Embedder) -> None:
            super().__init__(model_name=inner.name, embed_batch_size=32)
            self._embedder = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return [float(x) for x in self._embedder.embed_query(query)]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return self._get_text_embeddings([text])[0]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [[float(x) for x in row] for row in self._embedder.embed_passages(texts)]

    return KimEmbedding(embedder)
