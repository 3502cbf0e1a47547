"""One loader test per format on real files, and every kind of bad input."""

import os
from pathlib import Path

import pytest

from assistant.errors import DocumentError
from assistant.ingest.loaders import decode_text, load_document
from tests.files import write_council_html, write_docx, write_encrypted_pdf, write_pdf


def test_pdf_pages_header_footer_and_hyphenation(tmp_path: Path) -> None:
    pages = [
        "Die Stadt beantragt Mittel für das Integrations-\nmanagement. Das Bau- und Planungsamt "
        "ist beteiligt.",
        "Auf Seite zwei steht die Antwort zur Ausländerbehörde.",
        "Seite drei nennt den Case-\nManagement-Ansatz.",
    ]
    path = write_pdf(tmp_path / "bericht.pdf", pages, header="Stadt Musterstadt - Der Bürgermeister",
                     footer=True, title="Bericht KIM")
    doc = load_document(path)
    assert len(doc.pages) == 3
    assert doc.title == "Bericht KIM"
    assert "Integrationsmanagement" in doc.pages[0]
    assert "Bau- und Planungsamt" in doc.pages[0]
    assert "Case-Management-Ansatz" in doc.pages[2]
    assert "Ausländerbehörde" in doc.pages[1]
    for page in doc.pages:  # repeated header and page-number footer are gone
        assert "Der Bürgermeister" not in page
        assert "Seite 1 von 3" not in page and "von 3" not in page


def test_pdf_soft_hyphen_and_ligature_are_folded(tmp_path: Path) -> None:
    path = tmp_path / "t.txt"
    path.write_text("Inte\u00adgration und ﬁnanzielle Förderung", encoding="utf-8")
    assert "Integration und finanzielle Förderung" in load_document(path).text


def test_docx_heading_paragraphs_and_table(tmp_path: Path) -> None:
    path = write_docx(tmp_path / "antwort.docx", "Mitteilungsvorlage KIM",
                      ["Die Verwaltung teilt mit: 3 Case-Manager*innen sind eingestellt."],
                      table=[["Baustein", "Stellen"], ["Baustein 2", "3,5"]])
    doc = load_document(path)
    assert doc.title == "Mitteilungsvorlage KIM"
    assert "3 Case-Manager*innen" in doc.text
    assert "Baustein 2 | 3,5" in doc.text


def test_html_keeps_main_text_and_drops_navigation(tmp_path: Path) -> None:
    path = write_council_html(tmp_path / "vorlage.html", "Antwort der Verwaltung",
                              "Die Lenkungsgruppe tagte am 19.05.2022 unter Vorsitz des Landrats.")
    doc = load_document(path)
    assert doc.title == "Antwort der Verwaltung"
    assert "Lenkungsgruppe tagte am 19.05.2022" in doc.text
    for noise in ("Sitzungskalender", "Impressum", "Sie sind hier", "tracking"):
        assert noise not in doc.text


def test_html_in_latin1(tmp_path: Path) -> None:
    path = write_council_html(tmp_path / "alt.htm", "Übersicht", "Größe der Förderung",
                              encoding="iso-8859-1")
    assert "Größe der Förderung" in load_document(path).text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1"])
def test_text_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "notiz.txt"
    path.write_bytes("Größe der Maßnahme: „Brücke“ für Zugewanderte".replace(
        "„", '"').replace("“", '"').encode(encoding))
    assert "Größe der Maßnahme" in load_document(path).text


def test_markdown_front_matter_is_read_and_removed(tmp_path: Path) -> None:
    path = tmp_path / "info.md"
    path.write_text("---\ntitle: KIM kurz erklärt\ntype: Überblick\n---\n# Überschrift\n\n"
                    "**Fett** und \\*escaped\\*.\n", encoding="utf-8")
    doc = load_document(path)
    assert doc.title == "KIM kurz erklärt"
    assert doc.fields["type"] == "Überblick"
    assert "---" not in doc.text and "**" not in doc.text and "Fett und *escaped*." in doc.text


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("kaputt.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nGARBAGE", "beschädigt"),
        ("zufall.docx", os.urandom(2048), "kein gültiges Word-Dokument"),
        ("zufall.pdf", os.urandom(2048), "beschädigt"),
        ("binaer.txt", b"\x00\x01\x02" * 100, "Binärdaten"),
        ("leer.md", b"   \n\n  ", "keinen lesbaren Text"),
        ("tabelle.xlsx", b"PK\x03\x04", "nicht unterstützt"),
    ],
)
def test_bad_files_raise_document_error_with_reason(tmp_path: Path, name: str, content: bytes,
                                                    reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DocumentError, match=reason):
        load_document(path)


def test_encrypted_pdf_is_named_as_such(tmp_path: Path) -> None:
    path = write_encrypted_pdf(tmp_path / "geschuetzt.pdf", "Vertraulicher Inhalt")
    with pytest.raises(DocumentError, match="passwortgeschützt"):
        load_document(path)


def test_pdf_without_text_asks_for_ocr(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "scan.pdf", [""])
    with pytest.raises(DocumentError, match=r"keinen Text|keinen lesbaren Text"):
        load_document(path)


def test_decode_prefers_utf8_then_cp1252() -> None:
    assert decode_text("Straße".encode()) == "Straße"
    assert decode_text("„Zitat“".encode("cp1252")) == "„Zitat“"
