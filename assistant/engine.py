"""The assistant: opens an index once and answers questions. Used by the CLI, the UI and `kim eval`."""

import logging
import re
import time
from dataclasses import dataclass, replace
from typing import Any

from assistant.access.roles import visibility_filter
from assistant.answer.extractive import extract_answer
from assistant.answer.models import ABSTAIN_TEXT, FILTERED_OUT_TEXT, Answer, Passage
from assistant.answer.semantic import SentenceMeaning
from assistant.config import Settings
from assistant.errors import InvalidFilter, InvalidQuestion, KimError
from assistant.german.text import clean_question
from assistant.german.thesaurus import load_thesaurus
from assistant.indexdir import IndexDir, Manifest
from assistant.links import document_facts, find_links
from assistant.policy import POLICY
from assistant.records import FILTER_ALIASES, FILTER_KEYS, ChunkRecord
from assistant.retrieval.crossencoder import load_cross_encoder
from assistant.retrieval.embedders import Embedder, ModelUnavailable, load_embedder, model_label
from assistant.retrieval.hybrid import Hit, HybridRetriever
from assistant.retrieval.lexical import LexicalIndex
from assistant.retrieval.store import VectorStore, open_index_store

log = logging.getLogger(__name__)
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


@dataclass
class Status:
    retrieval: str
    reason: str
    model: str | None
    documents: int
    passages: int
    built_at: str
    failed: dict[str, str]
    skipped: dict[str, str]

    @property
    def search(self) -> str:
        """How questions are searched, in plain German, e.g. for the status line."""
        if self.retrieval == "hybrid":
            return f"Stichwörter + Bedeutung ({model_label(self.model)})"
        if self.retrieval == "dense":
            return f"nur Bedeutung ({model_label(self.model)})"
        return "nur Stichwörter"


class Assistant:
    def __init__(self, settings: Settings, manifest: Manifest, records: list[ChunkRecord],
                 retriever: HybridRetriever, notice: str) -> None:
        self.settings = settings
        self.manifest = manifest
        self.records = records
        self.retriever = retriever
        self.notice = notice  # why retrieval is lexical, shown once
        self.documents = retriever.documents
        # Semantic evidence for the answer, with the model the search uses (none when lexical,
        # or when the policy gives it no weight).
        embedder = retriever.embedder if retriever.mode != "lexical" else None
        wanted = POLICY.semantic_weight > 0
        self.meaning = SentenceMeaning(embedder) if embedder is not None and wanted else None
        # Which answer belongs to which inquiry, for the source cards ("Antwort auf Anfrage …").
        self.links = find_links(document_facts(records, manifest.document_paths()))

    @classmethod
    def open(cls, settings: Settings) -> "Assistant":
        index = IndexDir(settings.index_dir)
        manifest, records, lexical = _read_generation(index)
        lexical.use_thesaurus(load_thesaurus(settings.thesaurus))
        embedder, store, notice = _dense_side(settings, index, manifest)
        if notice:
            log.info("%s", notice)
        retriever = HybridRetriever(records, lexical, embedder, store, settings.retrieval_mode,
                                    settings.hybrid_dense_weight)
        if settings.rerank_model:
            try:
                retriever.cross_encoder = load_cross_encoder(settings.rerank_model)
            except ModelUnavailable as err:
                notice = " ".join(filter(None, [notice, f"{err} Ohne Reranker."]))
        return cls(settings, manifest, records, retriever, notice)

    def status(self) -> Status:
        files = self.manifest.files.values()
        return Status(
            retrieval=self.retriever.mode, reason=self.notice, model=self.manifest.model,
            documents=sum(1 for f in files if not f.error), passages=len(self.records),
            built_at=self.manifest.built_at,
            failed={f.source: f.error for f in files if f.error},
            skipped=dict(self.manifest.skipped),
        )

    def ask(self, question: str, top_k: int | None = None,
            filters: dict[str, Any] | None = None, qid: str | None = None,
            home: str | None = None, exclude: dict[str, list[str]] | None = None,
            role: str | None = None) -> Answer:
        """``home``: the municipality "unsere Stadt" means for this question (the chat's setting);
        None: ``KIM_KOMMUNE``. ``exclude``: passages never used, e.g. ``{"doc_type_not":
        ["Anfrage"]}`` (records.EXCLUDE_FILTERS). ``role``: only passages it may see are searched
        (None: all, as the local administrator)."""
        question = self.check_question(question)
        chosen = parse_filters(filters or {})
        filters = {**chosen, **(exclude or {}), **(visibility_filter(role) if role else {})}
        k = top_k or self.settings.top_k
        started = time.perf_counter()
        # The answer looks deeper than the list shows: passages about another place are skipped.
        hits = self.retriever.retrieve(question, max(k, POLICY.filter_depth), filters)
        retrieved = time.perf_counter()
        extract = extract_answer(question, hits, self.retriever.lexical, self.documents,
                                 home=self.settings.kommune if home is None else home,
                                 meaning=self.meaning)
        done = time.perf_counter()
        if extract.reason == "no_passages" and chosen:  # say that the filters, not the index, did it
            extract = replace(extract, answer=FILTERED_OUT_TEXT, reason="filtered_out")
        # The passages the answer quotes are the best evidence found: they lead the list.
        cited = [c.chunk_id for c in extract.citations]
        ordered = sorted(hits, key=lambda h: cited.index(h.record.id) if h.record.id in cited
                         else len(cited))
        passages = [Passage.of(i + 1, h.record, h.score) for i, h in enumerate(ordered[:k])]
        for passage in [*passages, *extract.citations]:
            passage.related = self.links.labels(passage.corpus, passage.source)
        quoted = " ".join(q for c in extract.citations for q in c.quotes)
        return Answer(
            id=qid, question=question, answer=extract.answer, abstained=extract.abstained,
            reason=extract.reason, retrieval=self.retriever.mode, citations=extract.citations,
            passages=passages,
            timings_ms={"retrieve": round((retrieved - started) * 1000, 2),
                        "answer": round((done - retrieved) * 1000, 2)},
            notice=self.notice,
            stand_ins=self.retriever.lexical.stand_ins(question, quoted) if quoted else {},
        )

    def search(self, question: str, top_k: int | None = None,
               filters: dict[str, Any] | None = None, role: str | None = None) -> list[Hit]:
        """The passages for ``question`` without an answer (``KimRetriever``); same filters and
        role as ``ask``."""
        question = self.check_question(question)
        merged = {**parse_filters(filters or {}), **(visibility_filter(role) if role else {})}
        return self.retriever.retrieve(question, top_k or self.settings.top_k, merged)

    def check_question(self, question: str) -> str:
        question = " ".join(clean_question(question or "").split())
        if not question:
            raise InvalidQuestion("Bitte eine Frage eingeben.")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise InvalidQuestion(f"Die Frage ist zu lang ({len(question)} Zeichen, höchstens "
                                  f"{limit}) – bitte kürzer fassen oder in mehrere Fragen teilen.")
        if not _LETTER_OR_DIGIT.search(question):
            raise InvalidQuestion("Die Frage enthält keine Wörter – bitte eine Frage in Worten "
                                  "stellen.")
        return question


def _read_generation(index: IndexDir) -> tuple[Manifest, list[ChunkRecord], LexicalIndex]:
    """The current generation. Ingests keep the previous one for readers that just read the
    manifest; a reader slower than two whole ingests reads the manifest again."""
    for _ in range(2):
        try:
            return _load_generation(index, index.read_manifest())
        except FileNotFoundError:
            continue
    return _load_generation(index, index.read_manifest())


def _load_generation(index: IndexDir, manifest: Manifest
                     ) -> tuple[Manifest, list[ChunkRecord], LexicalIndex]:
    records = index.read_chunks(manifest.generation)
    lexical = LexicalIndex.load(index.generation_path(manifest.generation) / "lexical")
    return manifest, records, lexical


def _dense_side(settings: Settings, index: IndexDir, manifest: Manifest
                ) -> tuple[Embedder | None, VectorStore | None, str]:
    """The index's own model and vectors, or the reason why retrieval stays lexical."""
    if settings.retrieval_mode == "lexical":
        return None, None, ""
    if manifest.model is None:
        return None, None, ("Der Index enthält keine Vektoren (kein Modell beim Aufbau) – "
                            "lexikalische Suche.")
    if not settings.dense_enabled:
        return None, None, "Dichte Suche ist abgeschaltet (KIM_EMBED_MODEL=none) – lexikalische Suche."
    try:
        embedder = load_embedder(manifest.model, settings.embed_batch_size, settings.embed_threads)
        if manifest.model_version and embedder.version != manifest.model_version:
            return None, None, (f"Das Suchmodell ist jetzt {embedder.version}, der Index wurde mit "
                                f"{manifest.model_version} aufgebaut – `kim ingest` ausführen. "
                                "Bis dahin wird nur lexikalisch gesucht.")
        store = open_index_store(settings, index.chroma_path, manifest.index_id, embedder)
    except (ModelUnavailable, KimError) as err:
        return None, None, f"{err} Es wird nur lexikalisch gesucht."
    return embedder, store, ""


def parse_filters(raw: dict[str, Any] | list[str]) -> dict[str, Any]:
    """``["year=2024", "typ=Anfrage"]`` or a dict → typed filters on known keys."""
    pairs = raw.items() if isinstance(raw, dict) else (_split_pair(p) for p in raw)
    filters: dict[str, Any] = {}
    for key, value in pairs:
        name = FILTER_ALIASES.get(key.strip().lower(), key.strip().lower())
        if name not in FILTER_KEYS:
            known = ", ".join(FILTER_KEYS)
            raise InvalidFilter(f"Unbekannter Filter „{key}“ – möglich sind: {known}.")
        try:
            filters[name] = FILTER_KEYS[name](value)
        except ValueError as err:
            raise InvalidFilter(f"Filter „{key}“ erwartet eine Zahl, nicht „{value}“.") from err
    return filters


def _split_pair(pair: str) -> tuple[str, str]:
    key, sep, value = pair.partition("=")
    if not sep or not key.strip() or not value.strip():
        raise InvalidFilter(f"Filter „{pair}“ bitte als schlüssel=wert angeben, z. B. year=2024.")
    return key, value.strip()


__all__ = ["ABSTAIN_TEXT", "Assistant", "Status", "parse_filters"]
