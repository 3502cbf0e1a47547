"""The systems `kim eval` compares: our modes, and the LlamaIndex defaults a newcomer would use."""

import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from assistant.answer.models import Answer
from assistant.engine import Assistant
from assistant.evaluation.gold import GoldQuestion, contains_answer, is_question_sentence
from assistant.evaluation.metrics import Outcome
from assistant.ingest.scan import scan
from assistant.llm.answer import LlmAnswerer
from assistant.retrieval.embedders import as_llamaindex, is_bundled, load_embedder


@dataclass
class Passage:
    id: str
    text: str
    stem: str  # file stem, as gold sets name documents


class System(Protocol):
    name: str

    def run(self, question: GoldQuestion) -> Outcome: ...


def _relevant(passages: list[Passage], question: GoldQuestion, ranked: list[tuple[str, str]]
              ) -> set[str]:
    """Passages holding every answer group. When no single passage does (the answer spans two
    documents), the passage at the rank where the ranked ``(id, text)`` list first holds every
    group together counts instead: "retrieved" means the user has all of it by then."""
    if not question.answerable:
        return set()
    whole = {p.id for p in passages if contains_answer(p.text, question.answer_contains)}
    if whole:
        return whole
    seen: list[str] = []
    for passage_id, text in ranked:
        seen.append(text)
        if contains_answer("\n".join(seen), question.answer_contains):
            return {passage_id}
    return set()


def _ranked_docs(stems: list[str]) -> list[str]:
    return list(dict.fromkeys(stems))


class KimSystem:
    """Our assistant in one retrieval mode, asked exactly as `kim ask` asks; with ``answerer``
    as `kim ask --mode llm` asks."""

    def __init__(self, assistant: Assistant, answerer: LlmAnswerer | None = None) -> None:
        self.assistant = assistant
        self.answerer = answerer
        self.name = f"kim-{assistant.retriever.mode}" + ("-llm" if answerer else "")
        self.passages = [Passage(r.id, r.text, Path(r.source).stem) for r in assistant.records]

    def run(self, question: GoldQuestion) -> Outcome:
        started = time.perf_counter()
        if self.answerer:
            answer = self.answerer.ask(self.assistant, question.question, top_k=10)
        else:
            answer = self.assistant.ask(question.question, top_k=10)
        latency = (time.perf_counter() - started) * 1000
        groups = question.answer_contains
        # An echo quotes a question that does not itself hold what was asked for (a question
        # about what an inquiry asked is answered by the question, and that is no echo).
        echo = question.kind != "asked" and any(
            is_question_sentence(quote, c.doc_type) and not contains_answer(quote, groups)
            for c in answer.citations for quote in c.quotes)
        return Outcome(
            qid=question.id, kind=question.kind, answerable=question.answerable,
            ranked_passages=[p.chunk_id for p in answer.passages],
            ranked_docs=_ranked_docs([Path(p.source).stem for p in answer.passages]),
            relevant_passages=_relevant(self.passages, question,
                                        [(p.chunk_id, p.text) for p in answer.passages]),
            relevant_docs=set(question.relevant), latency_ms=latency,
            answered=not answer.abstained,
            answer_correct=not answer.abstained and contains_answer(answer.answer, groups),
            citation_supported=any(contains_answer(c.text, groups) for c in answer.citations),
            answer_text=answer.answer, reason=answer.reason, echo=not answer.abstained and echo,
            **(_llm_counts(answer) if self.answerer else {}),
        )


def _llm_counts(answer: Answer) -> dict[str, Any]:
    removed = len(answer.unsupported)
    # Each kept sentence ends in its citation marks ("… [1][3]").
    kept = len(re.findall(r"(?:\[\d+\])+", answer.answer)) if answer.mode == "llm" else 0
    return {"sentences_kept": kept, "sentences_total": kept + removed,
            "fallback": bool(answer.fallback)}


class LlamaIndexSystem:
    """A LlamaIndex retriever over SentenceSplitter defaults; retrieval only, no answers."""

    def __init__(self, name: str, retriever: Any, nodes: list[Any]) -> None:
        self.name = name
        self.retriever = retriever
        self.passages = [Passage(n.node_id, n.get_content(), _stem(n)) for n in nodes]

    def run(self, question: GoldQuestion) -> Outcome:
        started = time.perf_counter()
        hits = self.retriever.retrieve(question.question)
        latency = (time.perf_counter() - started) * 1000
        return Outcome(
            qid=question.id, kind=question.kind, answerable=question.answerable,
            ranked_passages=[h.node.node_id for h in hits],
            ranked_docs=_ranked_docs([_stem(h.node) for h in hits]),
            relevant_passages=_relevant(self.passages, question,
                                        [(h.node.node_id, h.node.get_content()) for h in hits]),
            relevant_docs=set(question.relevant), latency_ms=latency,
        )


def _stem(node: Any) -> str:
    return Path(str(node.metadata.get("file_name", ""))).stem


def llamaindex_nodes(corpus_dirs: list[Path]) -> list[Any]:
    """Documents as SimpleDirectoryReader reads them, cut by SentenceSplitter's defaults."""
    from llama_index.core import SimpleDirectoryReader
    from llama_index.core.node_parser import SentenceSplitter

    files = [f.path for f in scan(corpus_dirs).files]  # the same files our ingest reads
    documents = SimpleDirectoryReader(input_files=files).load_data() if files else []
    return SentenceSplitter().get_nodes_from_documents(documents)


def llamaindex_bm25(nodes: list[Any], top_k: int = 10) -> LlamaIndexSystem:
    """BM25Retriever as the docs show it, with the German Snowball stemmer set."""
    import Stemmer
    from llama_index.retrievers.bm25 import BM25Retriever

    retriever = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=top_k,
                                            stemmer=Stemmer.Stemmer("german"), language="german")
    return LlamaIndexSystem("llamaindex-bm25", retriever, nodes)


def llamaindex_vector(nodes: list[Any], model: str, top_k: int = 10) -> LlamaIndexSystem:
    """VectorStoreIndex (in memory) with the same model as ours (HuggingFaceEmbedding for a named
    sentence-transformers model); models passed, never global Settings."""
    from llama_index.core import VectorStoreIndex

    if is_bundled(model):
        embed = as_llamaindex(load_embedder(model))
    else:
        from llama_index.embeddings.huggingface import HuggingFaceEmbedding

        embed = HuggingFaceEmbedding(model_name=model, device="cpu")
    index = VectorStoreIndex(nodes, embed_model=embed)
    return LlamaIndexSystem("llamaindex-vector", index.as_retriever(similarity_top_k=top_k), nodes)
