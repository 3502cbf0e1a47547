"""Each case the file-share probe found: one bad file never stops a run, loses content or leaks."""

import json
import os
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.errors import CorpusMismatch
from assistant.ingest.loaders import load_document
from assistant.ingest.pipeline import ingest
from tests.conftest import KIM, REPO
from tests.files import write_pdf, write_raw_pdf

GOOD = "Die Stadt hat 4,5 Stellen für das Kommunale Integrationsmanagement besetzt."


@pytest.fixture
def corpus(settings: Settings) -> Path:
    folder = settings.corpus_dirs[0]
    folder.mkdir(parents=True)
    (folder / "gut.txt").write_text(GOOD, encoding="utf-8")
    return folder


def _sources(settings: Settings) -> set[str]:
    return {r.source for r in Assistant.open(settings).records}


def test_unclosed_markup_declaration_in_html(settings: Settings, corpus: Path) -> None:
    (corpus / "seite.html").write_bytes(b"<p>x</p><![foo bar")
    report = ingest(settings, progress=False)
    assert "gut.txt" in _sources(settings)
    assert "HTML-Seite" in report.failed["seite.html"] or "seite.html" in _sources(settings)


def test_file_name_that_is_not_utf8(settings: Settings, corpus: Path) -> None:
    name = os.fsdecode(b"Anfrage_M\xfcller.txt")  # as Windows shares deliver it
    (corpus / name).write_text("Frage zur Ausländerbehörde im Kreis.", encoding="cp1252")
    report = ingest(settings, progress=False)
    assert report.added == sorted(["Anfrage_M\ufffdller.txt", "gut.txt"]) and not report.failed
    assert _sources(settings) == {"Anfrage_M\ufffdller.txt", "gut.txt"}
    assert ingest(settings, progress=False).unchanged  # the manifest kept the real name


def test_pdf_whose_space_maps_to_a_lone_surrogate(settings: Settings, corpus: Path) -> None:
    write_raw_pdf(corpus / "vorlage.pdf", ["Die Stadt plant vier Stellen."], space_maps_to="DC20")
    ingest(settings, progress=False)
    text = " ".join(r.text for r in Assistant.open(settings).records if r.source == "vorlage.pdf")
    assert "Die Stadt plant vier Stellen." in text
    (corpus / "neu.txt").write_text("Ein weiterer Bericht.", encoding="utf-8")
    assert ingest(settings, progress=False).added == ["neu.txt"]  # later runs are not blocked


def test_a_word_of_100000_letters_is_indexed_quickly(settings: Settings, corpus: Path) -> None:
    (corpus / "wurm.txt").write_text("Anfrage " + "integrationsmanagement" * 4600 + " Ende",
                                     encoding="utf-8")
    started = time.perf_counter()
    report = ingest(settings, progress=False)
    assert not report.failed and time.perf_counter() - started < 30  # was 124 s and 2 GB


def test_docx_zip_bomb_is_refused_before_unpacking(settings: Settings, corpus: Path) -> None:
    block = b"<w:p><w:r><w:t>" + b"A" * 4000 + b"</w:t></w:r></w:p>"
    with zipfile.ZipFile(corpus / "bombe.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as member:
            for _ in range(100 * 2**20 // len(block)):
                member.write(block)
    assert (corpus / "bombe.docx").stat().st_size < 2**20
    started = time.perf_counter()
    report = ingest(settings, progress=False)
    assert "Zip-Bombe" in report.failed["bombe.docx"] and time.perf_counter() - started < 30
    assert "gut.txt" in _sources(settings)


def test_too_much_text_is_refused_with_its_reason_and_the_limit(tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[tmp_path / "c"],
                        max_text_chars=100_000)
    settings.corpus_dirs[0].mkdir()
    (settings.corpus_dirs[0] / "lang.txt").write_text(GOOD * 10_000, encoding="utf-8")
    (settings.corpus_dirs[0] / "kurz.txt").write_text(GOOD, encoding="utf-8")
    report = ingest(settings, progress=False)
    assert "KIM_MAX_TEXT_CHARS" in report.failed["lang.txt"] and report.documents == 1


def test_recurring_body_sentence_with_other_figures_stays(tmp_path: Path) -> None:
    pages = [f"Für KIM standen im Jahr {2020 + i} genau {30 + 2 * i} Mio. Euro bereit.\n"
             f"Absatz {i}: Die Verwaltung berichtet ausführlich über den Stand.\n"
             f"Weitere Ausführungen zu Seite {i}." for i in range(1, 5)]
    path = write_pdf(tmp_path / "bericht.pdf", pages, header="Stadt Musterstadt", footer=True)
    text = load_document(path).text
    assert text.count("Für KIM standen im Jahr") == 4  # was deleted 4 times out of 4
    assert "Stadt Musterstadt" not in text and "von 4" not in text  # true running lines go


def test_short_pages_with_figures_are_not_emptied(tmp_path: Path) -> None:
    pages = [f"Im Jahr {2019 + i} wurden {10 * i} Familien begleitet." for i in range(1, 4)]
    text = load_document(write_pdf(tmp_path / "kurz.pdf", pages)).text  # was: rejected as empty
    assert all(page in text for page in pages)


def test_links_out_of_the_corpus_are_skipped_with_a_reason(settings: Settings, corpus: Path,
                                                           tmp_path: Path) -> None:
    outside = tmp_path / "geheim"
    outside.mkdir()
    (outside / "akte.txt").write_text("Vertraulich: Personalakte.", encoding="utf-8")
    (corpus / "passwd.txt").symlink_to("/etc/passwd")
    (corpus / "ordner").symlink_to(outside)
    (corpus / "weg.pdf").symlink_to(corpus / "fehlt.pdf")
    (corpus / "kopie.txt").symlink_to(corpus / "gut.txt")  # stays inside: indexed
    os.mkfifo(corpus / "rohr.txt")  # reading it would wait forever
    report = ingest(settings, progress=False)
    assert _sources(settings) == {"gut.txt", "kopie.txt"}
    assert "hinaus" in report.skipped["passwd.txt"] and "hinaus" in report.skipped["ordner"]
    assert "ohne erreichbares Ziel" in report.skipped["weg.pdf"]
    assert "Pipe" in report.skipped["rohr.txt"]
    assert Assistant.open(settings).status().skipped == report.skipped  # `kim status` shows them


def test_cli_batch_with_bad_files_indexes_the_good_ones_and_exits_0(tmp_path: Path) -> None:
    corpus = tmp_path / "stapel"
    corpus.mkdir()
    for number in range(5):
        (corpus / f"gut{number}.txt").write_text(f"{GOOD} Vorgang {number}.", encoding="utf-8")
    (corpus / "seite.html").write_bytes(b"<p>x</p><![foo bar")
    (corpus / "kaputt.docx").write_bytes(b"PK\x03\x04" + os.urandom(500))
    (corpus / os.fsdecode(b"M\xfcller.txt")).write_text("Text", encoding="utf-8")
    result = subprocess.run([*KIM, "ingest", "--corpus", str(corpus), "--index",
                             str(tmp_path / "idx"), "--json"], capture_output=True, text=True,
                            cwd=REPO, timeout=300)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] >= 6 and "kaputt.docx" in report["failed"]


def test_other_corpus_folders_are_refused_and_nothing_is_removed(settings: Settings,
                                                                 corpus: Path, tmp_path: Path) -> None:
    ingest(settings, progress=False)
    other = tmp_path / "anderer"
    other.mkdir()
    (other / "neu.txt").write_text("Ein neues Dokument.", encoding="utf-8")
    moved = settings.model_copy(update={"corpus_dirs": [other]})
    with pytest.raises(CorpusMismatch, match=r"corpus.*anderer.*--replace"):
        ingest(moved, progress=False)
    assert _sources(settings) == {"gut.txt"}
    both = settings.model_copy(update={"corpus_dirs": [corpus, other]})
    assert ingest(both, progress=False).added == ["neu.txt"]  # adding a folder removes nothing
    assert ingest(Settings(index_dir=settings.index_dir), progress=False).removed == []
    assert ingest(moved, progress=False, replace=True).removed == ["gut.txt"]


def test_readers_never_see_a_half_deleted_generation(settings: Settings, corpus: Path) -> None:
    ingest(settings, progress=False)
    stop, failures, opens = threading.Event(), [], [0]

    def read() -> None:
        while not stop.is_set():
            try:
                Assistant.open(settings)
                opens[0] += 1
            except Exception as err:  # any failure to open counts
                failures.append(repr(err))

    readers = [threading.Thread(target=read) for _ in range(2)]
    for reader in readers:
        reader.start()
    for run in range(8):
        (corpus / "gut.txt").write_text(f"{GOOD} Stand {run}.", encoding="utf-8")
        ingest(settings, progress=False)
    stop.set()
    for reader in readers:
        reader.join()
    assert not failures and opens[0] > 20
