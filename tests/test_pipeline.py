"""Incremental, forgiving, crash-safe ingest on real files."""

import os
import shutil
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.indexdir import IndexDir
from assistant.ingest.pipeline import ingest
from tests.files import write_docx, write_encrypted_pdf, write_pdf


def _corpus(settings: Settings) -> Path:
    folder = settings.corpus_dirs[0]
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _answer(settings: Settings, question: str) -> str:
    return Assistant.open(settings).ask(question).answer


def test_add_update_delete(settings: Settings, seeds_dir: Path) -> None:
    corpus = _corpus(settings)
    for path in seeds_dir.glob("0*.txt"):
        shutil.copy(path, corpus / path.name)
    first = ingest(settings, progress=False)
    assert len(first.added) == 5 and not first.failed and first.passages > 5

    again = ingest(settings, progress=False)
    assert (len(again.unchanged), again.added, again.updated, again.removed) == (5, [], [], [])

    edited = corpus / "003_06c9322cabec2ede.txt"
    edited.write_text(edited.read_text(encoding="utf-8")
                      + "\nDer Zebrastreifen vor dem Rathaus wird im Herbst erneuert.\n",
                      encoding="utf-8")
    (corpus / "001_e852decbb51c6a08.txt").unlink()
    third = ingest(settings, progress=False)
    assert third.updated == ["003_06c9322cabec2ede.txt"]
    assert third.removed == ["001_e852decbb51c6a08.txt"]
    assert len(third.unchanged) == 3

    assistant = Assistant.open(settings)
    answer = assistant.ask("Wann wird der Zebrastreifen erneuert?")
    assert "im Herbst erneuert" in answer.answer
    assert all(r.source != "001_e852decbb51c6a08.txt" for r in assistant.records)
    assert not assistant.ask("Castrop-Rauxel Betriebsausschuss Caritas AGORA").citations


def test_unchanged_files_keep_their_chunk_ids(settings: Settings, seeds_dir: Path) -> None:
    corpus = _corpus(settings)
    shutil.copy(seeds_dir / "002_be6f4e14f5fb29c9.txt", corpus)
    ingest(settings, progress=False)
    before = {r.id for r in Assistant.open(settings).records}
    os.utime(corpus / "002_be6f4e14f5fb29c9.txt")  # touched, not changed: hash decides
    report = ingest(settings, progress=False)
    assert report.unchanged == ["002_be6f4e14f5fb29c9.txt"]
    assert {r.id for r in Assistant.open(settings).records} == before


def test_bad_files_are_named_and_the_rest_is_indexed(settings: Settings, tmp_path: Path) -> None:
    corpus = _corpus(settings)
    (corpus / "kaputt.pdf").write_bytes(b"%PDF-1.7\nthis is not really a pdf")
    (corpus / "zufall.docx").write_bytes(os.urandom(4096))
    (corpus / "leer.txt").write_bytes(b"")
    (corpus / "tabelle.xlsx").write_bytes(b"PK\x03\x04 not supported")
    write_encrypted_pdf(corpus / "geschuetzt.pdf", "Geheim")
    (corpus / "alt.txt").write_bytes("Die Größe der Gruppe beträgt zwölf Personen.".encode("latin-1"))
    write_pdf(corpus / "gut.pdf", ["Der Kreis stellt zwei Koordinierungsstellen ein."])
    write_docx(corpus / "gut.docx", "Antwort", ["Die Lenkungsgruppe tagt viermal im Jahr."])

    report = ingest(settings, progress=False)
    assert set(report.failed) == {"kaputt.pdf", "zufall.docx", "leer.txt", "tabelle.xlsx",
                                  "geschuetzt.pdf"}
    assert "leer" in report.failed["leer.txt"]
    assert "passwortgeschützt" in report.failed["geschuetzt.pdf"]
    assert report.documents == 3
    assert "zwölf Personen" in _answer(settings, "Wie groß ist die Gruppe? Größe")
    assert "viermal im Jahr" in _answer(settings, "Wie oft tagt die Lenkungsgruppe?")


def test_oversized_file_is_skipped_by_size(settings: Settings) -> None:
    corpus = _corpus(settings)
    (corpus / "riesig.txt").write_text("Wort " * 300_000, encoding="utf-8")
    (corpus / "klein.txt").write_text("Das Jobcenter berät Zugewanderte.", encoding="utf-8")
    report = ingest(settings.model_copy(update={"max_file_mb": 1.0}), progress=False)
    assert "größer als 1 MB" in report.failed["riesig.txt"]
    assert report.documents == 1


def test_readme_and_sidecars_are_not_documents(settings: Settings) -> None:
    corpus = _corpus(settings)
    (corpus / "README.md").write_text("# Über diesen Ordner", encoding="utf-8")
    (corpus / "antwort.txt").write_text("Antwort: Es gibt drei Stellen.", encoding="utf-8")
    (corpus / "antwort.meta.toml").write_text('body = "Kreis Kleve"\n', encoding="utf-8")
    report = ingest(settings, progress=False)
    assert report.added == ["antwort.txt"]
    assert Assistant.open(settings).records[0].body == "Kreis Kleve"


def test_crash_before_commit_keeps_the_previous_index(settings: Settings, seeds_dir: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = _corpus(settings)
    shutil.copy(seeds_dir / "002_be6f4e14f5fb29c9.txt", corpus)
    ingest(settings, progress=False)
    shutil.copy(seeds_dir / "004_f40aa334bcd0e282.txt", corpus)
    (corpus / "002_be6f4e14f5fb29c9.txt").unlink()

    def crash(*_: object) -> None:
        raise KeyboardInterrupt  # the process dies between writing and switching

    monkeypatch.setattr(IndexDir, "commit", crash)
    with pytest.raises(KeyboardInterrupt):
        ingest(settings, progress=False)
    monkeypatch.undo()

    sources = {r.source for r in Assistant.open(settings).records}
    assert sources == {"002_be6f4e14f5fb29c9.txt"}  # the old state, complete and usable
    report = ingest(settings, progress=False)  # and the next run finishes the job
    assert report.added == ["004_f40aa334bcd0e282.txt"]
    assert report.removed == ["002_be6f4e14f5fb29c9.txt"]


def test_second_ingest_on_the_same_index_is_refused(settings: Settings) -> None:
    from assistant.errors import IndexBusy

    index = IndexDir(settings.index_dir)
    with index.writer_lock(), pytest.raises(IndexBusy, match="anderen Vorgang"):
        ingest(settings, progress=False)


def test_missing_corpus_folder_is_a_clear_error(settings: Settings) -> None:
    from assistant.errors import KimError

    with pytest.raises(KimError, match="existiert nicht"):
        ingest(settings, progress=False)


def test_index_from_an_older_analysis_is_rebuilt(settings: Settings, seeds_dir: Path) -> None:
    import json

    from assistant.errors import IndexIncompatible

    corpus = _corpus(settings)
    shutil.copy(seeds_dir / "002_be6f4e14f5fb29c9.txt", corpus)
    ingest(settings, progress=False)
    manifest_path = settings.index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["analyzer"] = 1
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(IndexIncompatible, match="kim ingest"):
        Assistant.open(settings)
    report = ingest(settings, progress=False)
    assert report.added == ["002_be6f4e14f5fb29c9.txt"]
    assert "75 Mio" in _answer(settings, "Wie viel Geld stand 2022 im Landeshaushalt bereit?")


def test_changed_passage_size_rebuilds_with_a_note_never_a_mixed_index(settings: Settings,
                                                                        seeds_dir: Path) -> None:
    corpus = _corpus(settings)
    for name in ("002_be6f4e14f5fb29c9.txt", "004_f40aa334bcd0e282.txt"):
        shutil.copy(seeds_dir / name, corpus)
    first = ingest(settings, progress=False)
    assert not first.rebuilt
    smaller = settings.model_copy(update={"chunk_target_words": 60, "chunk_max_words": 100})
    report = ingest(smaller, progress=False)
    assert "Passagengröße (Ziel, Wörter) 180 → 60" in report.rebuilt
    assert sorted(report.added) == sorted(first.added) and not report.unchanged
    records = Assistant.open(smaller).records
    assert len(records) > first.passages
    assert max(len(r.text.split()) for r in records) < 180  # every passage cut the new way
    again = ingest(smaller, progress=False)
    assert not again.rebuilt and len(again.unchanged) == 2
