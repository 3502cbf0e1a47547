"""Chroma round trips with real vectors: embedded, and against a real `chroma run` server."""

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.errors import StoreUnavailable
from assistant.ingest.pipeline import ingest
from assistant.retrieval.store import VectorStore, where_clause


def _roundtrip(store: VectorStore) -> None:
    vectors = np.eye(3, dtype=np.float32)
    store.upsert(["a", "b", "c"], vectors, ["Jobcenter", "Ausländerbehörde", "Lenkungsgruppe"],
                 [{"body": "Kreis Kleve", "year": 2023, "visibility": "öffentlich"},
                  {"body": "Gummersbach", "year": 2024, "visibility": "rat"},
                  {"body": "Kreis Kleve", "year": 2024, "visibility": "nichtöffentlich"}])
    assert store.count() == 3
    # A role's allow-list is applied by the store itself, before ranking.
    public = store.query(np.array([0, 0, 1], dtype=np.float32), 3,
                         where_clause({"visibility_in": ["öffentlich"]}))
    assert [i for i, _ in public] == ["a"]
    council = store.query(np.array([0, 0, 1], dtype=np.float32), 3,
                          where_clause({"visibility_in": ["öffentlich", "rat"]}))
    assert sorted(i for i, _ in council) == ["a", "b"]
    assert store.query(np.array([1, 0.1, 0], dtype=np.float32), 1)[0][0] == "a"
    filtered = store.query(np.array([1, 0.1, 0], dtype=np.float32), 3,
                           where_clause({"body": "Kreis Kleve", "year": 2024}))
    assert [i for i, _ in filtered] == ["c"]
    store.upsert(["a"], vectors[:1], ["Jobcenter neu"], [{"body": "Kreis Kleve", "year": 2023}])
    assert store.count() == 3  # upsert, not a second copy
    assert store.missing(["a", "x"]) == ["x"]
    store.delete(["a"])
    assert store.all_ids() == {"b", "c"}


def test_embedded_roundtrip_survives_reopen(tmp_path: Path) -> None:
    _roundtrip(VectorStore.open("kim-test", tmp_path / "chroma"))
    reopened = VectorStore.open("kim-test", tmp_path / "chroma")
    assert reopened.all_ids() == {"b", "c"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert chroma, "the chroma CLI ships with chromadb"
    port = _free_port()
    proc = subprocess.Popen([chroma, "run", "--path", str(tmp_path / "server"), "--host",
                             "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("chroma run did not start within 60 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)


@pytest.mark.server
def test_server_roundtrip(chroma_server: int) -> None:
    _roundtrip(VectorStore.open("kim-test", Path("unused"), host="127.0.0.1", port=chroma_server))


@pytest.mark.server
@pytest.mark.model
def test_default_model_indexes_into_a_server(chroma_server: int, seeds_dir: Path,
                                             tmp_path: Path) -> None:
    """Scale-out with the bundled default model: the vectors live on the server only."""
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir],
                        chroma_host="127.0.0.1", chroma_port=chroma_server)
    report = ingest(settings, progress=False)
    assert report.retrieval == "hybrid" and not report.model_note
    assert not (tmp_path / "index" / "chroma").exists()
    assistant = Assistant.open(settings)
    assert assistant.retriever.store is not None
    assert assistant.retriever.store.count() == report.passages
    answer = assistant.ask("Wie viel Geld stand 2022 im Landeshaushalt bereit?")
    assert answer.retrieval == "hybrid" and "75 Mio" in answer.answer
    dense_only = Assistant.open(settings.model_copy(update={"retrieval_mode": "dense"}))
    hits = dense_only.retriever.retrieve("Förderung des Landes für das Integrationsmanagement", 3, {})
    assert hits and all(h.dense_rank is not None for h in hits)


def test_unreachable_server_is_a_clear_error() -> None:
    with pytest.raises(StoreUnavailable, match="nicht erreichbar"):
        VectorStore.open("kim-test", Path("unused"), host="127.0.0.1", port=_free_port())
