"""Upload checks judge the content, not the name, and store only files that can be indexed."""

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import DocumentError
from assistant.ingest.scan import ignored_name
from assistant.ui.uploads import accept_upload, check_upload, safe_name, sniff
from tests.files import write_docx, write_pdf


def test_sniff_reads_the_content(tmp_path: Path) -> None:
    docx = write_docx(tmp_path / "a.docx", "Titel", ["Text"])
    assert sniff(docx.read_bytes()[:4096], docx) == "docx"
    assert sniff(b"%PDF-1.7 ...", tmp_path / "x") == "pdf"
    assert sniff(b"<!DOCTYPE html><html>", tmp_path / "x") == "html"
    assert sniff(b"Sehr geehrte Damen", tmp_path / "x") == "text"
    assert sniff(b"\x00\x01\x02", tmp_path / "x") == "binary"


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("leer.txt", b"", "leer"),
    ("bild.png", b"\x89PNG", "nicht angenommen"),
    ("falsch.pdf", b"Nur Text, keine PDF", "keine PDF"),
    ("kaputt.docx", b"PK\x03\x04\x14\x00" + b"\xff" * 40, "Binärdatei"),
])
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, name: str, content: bytes,
                                             reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason):
        check_upload(path, Settings(upload_dir=tmp_path / "up"))


def test_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "gross.txt"
    path.write_text("Wort " * 300_000, encoding="utf-8")
    with pytest.raises(DocumentError, match="größer als 1 MB"):
        check_upload(path, Settings(max_file_mb=1))


def test_good_file_is_stored_without_overwriting(tmp_path: Path) -> None:
    settings = Settings(upload_dir=tmp_path / "up")
    (tmp_path / "in").mkdir()
    first = write_pdf(tmp_path / "in" / "v.pdf", ["Erste Fassung"])
    existing = settings.upload_dir / "v.pdf"
    existing.parent.mkdir(parents=True)
    existing.write_bytes(b"anderes Dokument")
    outcome = accept_upload(first, settings, known={})
    assert not outcome.error and outcome.stored == settings.upload_dir / "v-2.pdf"
    assert existing.read_bytes() == b"anderes Dokument"


def test_duplicate_and_rejected_files_are_not_stored(tmp_path: Path) -> None:
    import hashlib

    settings = Settings(upload_dir=tmp_path / "up")
    doc = write_docx(tmp_path / "d.docx", "Titel", ["Inhalt"])
    known = {hashlib.sha256(doc.read_bytes()).hexdigest(): "rat/antwort.docx"}
    assert accept_upload(doc, settings, known).error == (
        "Dieses Dokument ist bereits im Index (als „rat/antwort.docx“) – es wurde nicht noch "
        "einmal aufgenommen.")
    bad = tmp_path / "b.docx"
    bad.write_bytes(b"PK\x03\x04 kein zip")
    assert accept_upload(bad, settings, {}).error
    assert not settings.upload_dir.exists() or not any(settings.upload_dir.iterdir())


@pytest.mark.parametrize("name", ["_x.txt", "README.md", "readme.txt", ".versteckt.pdf",
                                  "a.meta.toml.txt", "LICENSE", "../../etc/passwd.txt", "  .  "])
def test_stored_names_are_never_ignored_by_the_scan(name: str) -> None:
    stored = safe_name(name)
    assert not ignored_name(stored) and "/" not in stored and stored


def test_the_same_file_twice_in_one_upload_is_taken_once(tmp_path: Path) -> None:
    settings = Settings(upload_dir=tmp_path / "up")
    first = write_docx(tmp_path / "antwort.docx", "Antwort", ["Inhalt der Antwort."])
    copy = tmp_path / "kopie.docx"
    copy.write_bytes(first.read_bytes())
    known: dict[str, str] = {}
    assert accept_upload(first, settings, known).stored is not None
    assert "bereits im Index (als „antwort.docx“)" in accept_upload(copy, settings, known).error
    assert [p.name for p in settings.upload_dir.iterdir()] == ["antwort.docx"]
