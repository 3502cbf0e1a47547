"""Our index as a LlamaIndex retriever, for people who build their own query engines on it.

    from assistant.config import Settings
    from assistant.engine import Assistant
    from assistant.llm.retriever import KimRetriever

    retriever = KimRetriever(Assistant.open(Settings()), top_k=5, role="oeffentlich")
    for hit in retriever.retrieve("Wer sitzt in der Lenkungsgruppe?"):
        print(hit.score, hit.node.metadata["titel"])

The search is ours (hybrid or lexical, thesaurus, filters, roles); the nodes are our passages
with their metadata, so a ``RetrieverQueryEngine`` with any LlamaIndex LLM cites our documents.
"""

from typing import Any

from llama_index.core.base.base_retriever import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from assistant.engine import Assistant
from assistant.records import ChunkRecord


class KimRetriever(BaseRetriever):
    def __init__(self, assistant: Assistant, top_k: int | None = None,
                 filters: dict[str, Any] | None = None, role: str | None = "oeffentlich") -> None:
        """``role``: whose documents may come back (None: all, as the local administrator)."""
        super().__init__()
        self.assistant = assistant
        self.top_k = top_k
        self.filters = filters or {}
        self.role = role

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        hits = self.assistant.search(query_bundle.query_str, self.top_k, self.filters, self.role)
        return [NodeWithScore(node=as_node(h.record), score=float(h.score)) for h in hits]


def as_node(record: ChunkRecord) -> TextNode:
    metadata = {"titel": record.title, "kommune": record.body, "datum": record.date,
                "typ": record.doc_type, "vorlage": record.reference, "seite": record.page,
                "datei": record.source, "ordner": record.corpus, "sichtbarkeit": record.visibility}
    # The LLM sees title, municipality, date and type with the text; file details stay out.
    hidden = ["vorlage", "datei", "ordner", "sichtbarkeit", "seite"]
    return TextNode(id_=record.id, text=record.text, metadata=metadata,
                    excluded_llm_metadata_keys=hidden, excluded_embed_metadata_keys=list(metadata))
