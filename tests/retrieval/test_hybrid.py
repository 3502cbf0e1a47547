"""Hybrid and dense retrieval with the real offline MiniLM: filters act inside both retrievers;
the optional cross-encoder reorders by its own scores. (Mechanics only: MiniLM is English.)"""

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.ingest.pipeline import ingest

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def settings(seeds_dir: Path, minilm_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    index = tmp_path_factory.mktemp("hybrid")
    settings = Settings(index_dir=index, corpus_dirs=[seeds_dir], embed_model=str(minilm_path))
    ingest(settings, progress=False)
    return settings


@pytest.mark.parametrize("mode", ["dense", "hybrid"])
def test_filters_apply_inside_dense_and_hybrid(settings: Settings, mode: str) -> None:
    assistant = Assistant.open(settings.model_copy(update={"retrieval_mode": mode}))
    assert assistant.retriever.mode == mode
    answer = assistant.ask("Welche Fragen stellt die Fraktion zum Jobcenter?", top_k=10,
                           filters={"body": "Kreis Kleve"})
    assert answer.passages and {p.source for p in answer.passages} == {"004_f40aa334bcd0e282.txt"}
    years = assistant.ask("Case-Management", top_k=10, filters={"year": 2021})
    assert {p.source[:3] for p in years.passages} <= {"001", "003"}
    ranged = assistant.ask("Case-Management", top_k=10, filters={"year_from": 2022, "year_to": 2023})
    assert ranged.passages and all(p.date[:4] in {"2022", "2023"} for p in ranged.passages)


def test_dense_weight_zero_is_lexical_order(settings: Settings) -> None:
    lexical = Assistant.open(settings.model_copy(update={"retrieval_mode": "lexical"}))
    hybrid = Assistant.open(settings.model_copy(update={"retrieval_mode": "hybrid",
                                                       "hybrid_dense_weight": 0.0}))
    question = "Wie viel Geld stand 2022 im Landeshaushalt bereit?"
    lexical_ids = [p.chunk_id for p in lexical.ask(question, top_k=5).passages]
    assert [p.chunk_id for p in hybrid.ask(question, top_k=5).passages][:len(lexical_ids)] == lexical_ids


def test_cross_encoder_reorders_the_head_by_its_scores(settings: Settings, minilm_path: Path) -> None:
    # MiniLM loaded as a cross-encoder gets an untrained head: meaningless scores, real mechanics.
    assistant = Assistant.open(settings.model_copy(update={"rerank_model": str(minilm_path)}))
    reranker = assistant.retriever.cross_encoder
    assert reranker is not None
    question = "Welche Stellen wurden in Gummersbach geschaffen?"
    hits = assistant.retriever.retrieve(question, 8, {})
    scores = reranker.model.predict([(question, h.record.index_text) for h in hits])
    assert list(scores) == sorted(scores, reverse=True)  # delivered in the reranker's order


def test_missing_cross_encoder_is_reported_not_fatal(settings: Settings) -> None:
    assistant = Assistant.open(settings.model_copy(update={"rerank_model": "/kein/reranker"}))
    assert assistant.retriever.cross_encoder is None
    assert "Ohne Reranker" in assistant.notice
    assert not assistant.ask("Wie viel Geld stand 2022 im Landeshaushalt bereit?").abstained
