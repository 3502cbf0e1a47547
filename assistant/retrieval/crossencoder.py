"""Optional cross-encoder reranking (KIM_RERANK_MODEL), from local files only.

A multilingual cross-encoder such as ``cross-encoder/mmarco-mMiniLMv2-L12-H384-v1`` reads the
question and each candidate together and orders the top candidates by its relevance score. It is
off unless configured, and off (with a notice) when the model cannot be loaded.
"""

from dataclasses import dataclass
from typing import Any

from assistant.records import ChunkRecord
from assistant.retrieval.dense import ModelUnavailable, find_local_model

TOP_N = 20  # only the head of the list is worth the cost of a cross-encoder on a CPU


@dataclass
class CrossEncoderReranker:
    name: str
    model: Any  # sentence_transformers.CrossEncoder

    def order(self, question: str, records: list[ChunkRecord], scores: list[float]) -> list[int]:
        head = list(range(min(TOP_N, len(records))))
        if not head:
            return []
        relevance = self.model.predict([(question, records[i].index_text) for i in head],
                                       show_progress_bar=False)
        ranked = sorted(head, key=lambda i: -float(relevance[i]))
        return ranked + list(range(len(head), len(records)))


def load_cross_encoder(name: str) -> CrossEncoderReranker:
    folder = find_local_model(name)
    try:
        from sentence_transformers import CrossEncoder

        model = CrossEncoder(str(folder), device="cpu", local_files_only=True)
    except Exception as err:  # any load failure means: no reranking
        raise ModelUnavailable(f"Der Reranker „{name}“ konnte nicht geladen werden ({err}).") from err
    return CrossEncoderReranker(name, model)
