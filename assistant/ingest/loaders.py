"""Read one file into page texts. Every failure becomes a DocumentError with a German reason."""

import logging
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import DocumentError
from assistant.ingest.normalize import (
    clean_characters,
    drop_repeated_edges,
    normalize_text,
    strip_markdown,
)

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
_NAV_HINT = re.compile(r"nav|menu|breadcrumb|footer|header|sidebar|cookie|skip|social", re.I)
_NON_TEXT_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                  "button", "svg", "iframe", "template"]


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on the work one file may cause, so a hostile or broken file cannot exhaust the
    machine. The defaults hold whole Haushaltspläne (a few MB of text, hundreds of pages)."""

    max_text_chars: int = 5_000_000
    max_pdf_pages: int = 2000
    max_unzipped_bytes: int = 200 * 1024 * 1024  # all parts of a DOCX together
    max_zip_ratio: int = 200  # Word's XML packs about 10:1; a zip bomb packs 1000:1 and more

    @property
    def max_xml_bytes(self) -> int:
        """Word's XML is about ten times its text."""
        return 10 * self.max_text_chars

    @property
    def max_markup_bytes(self) -> int:
        """HTML and text files are refused unread above this: markup rarely triples the text."""
        return 3 * self.max_text_chars


@dataclass
class LoadedDocument:
    pages: list[str]  # normalised text per page (one page for formats without pages)
    title: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # metadata the file states itself

    @property
    def text(self) -> str:
        return "\n\n".join(self.pages)


def load_document(path: Path, limits: ReadLimits = ReadLimits()) -> LoadedDocument:
    """The file's normalised pages; a DocumentError with a German reason for anything unusable.
    Parsers raise all kinds of errors on broken input: callers run this in a sandbox
    (``ingest.sandbox``) that also bounds time and memory."""
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(s.lstrip(".") for s in SUPPORTED_SUFFIXES)
        raise DocumentError(f"Format „{suffix or 'ohne Endung'}“ wird nicht unterstützt "
                            f"(unterstützt: {supported}).")
    doc = loader(path, limits)
    _check_length(sum(len(page) for page in doc.pages), limits)
    doc.pages = [normalize_text(page) for page in doc.pages]
    if doc.title:
        doc.title = clean_characters(doc.title)
    if not any(page.strip() for page in doc.pages):
        raise DocumentError("Die Datei enthält keinen lesbaren Text.")
    return doc


def _check_length(chars: int, limits: ReadLimits) -> None:
    if chars > limits.max_text_chars:
        raise DocumentError(f"Die Datei enthält zu viel Text ({chars / 1e6:.1f} Mio. Zeichen, "
                            f"höchstens {limits.max_text_chars / 1e6:g} Mio.) – bitte in mehrere "
                            "Dateien teilen oder KIM_MAX_TEXT_CHARS anheben.")


def _load_pdf(path: Path, limits: ReadLimits) -> LoadedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("Die PDF ist passwortgeschützt – bitte eine ungeschützte Fassung "
                                "ablegen.")
        if len(reader.pages) > limits.max_pdf_pages:
            raise DocumentError(f"Die PDF hat {len(reader.pages)} Seiten, höchstens "
                                f"{limits.max_pdf_pages} werden gelesen – bitte teilen oder "
                                "KIM_MAX_PDF_PAGES anheben.")
        pages = _pdf_pages(reader, limits)
        title = (reader.metadata.title if reader.metadata else None) or None
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError, IndexError,
            RecursionError, NotImplementedError, zlib.error) as err:
        log.debug("pypdf failed on %s: %r", path, err)
        raise DocumentError("Die PDF ist beschädigt oder keine PDF – bitte die Datei neu "
                            "exportieren.") from err
    if not any(p.strip() for p in pages):
        raise DocumentError("Die PDF enthält keinen Text (gescanntes Bild?) – bitte eine "
                            "durchsuchbare Fassung (mit Texterkennung) ablegen.")
    return LoadedDocument(pages=drop_repeated_edges(pages), title=_clean_title(str(title) if title else None))


def _pdf_pages(reader: Any, limits: ReadLimits) -> list[str]:
    """Page texts, stopping as soon as they exceed the text limit."""
    pages, total = [], 0
    for page in reader.pages:
        pages.append(page.extract_text() or "")
        total += len(pages[-1])
        _check_length(total, limits)
    return pages


def _load_docx(path: Path, limits: ReadLimits) -> LoadedDocument:
    import docx
    from docx.exceptions import PythonDocxError
    from docx.opc.exceptions import OpcError
    from lxml.etree import XMLSyntaxError

    _check_zip(path, limits)
    try:
        document = docx.Document(str(path))
    except (OpcError, PythonDocxError, XMLSyntaxError, zipfile.BadZipFile, KeyError, ValueError,
            zlib.error, NotImplementedError, EOFError, OSError) as err:
        raise DocumentError("Die Datei ist kein gültiges Word-Dokument (DOCX) – bitte in Word "
                            "neu speichern.") from err
    blocks: list[str] = []
    title = _clean_title(document.core_properties.title)
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        if title is None and style.lower().startswith(("title", "heading", "überschrift", "titel")):
            title = text
        blocks.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                blocks.append(" | ".join(dict.fromkeys(cells)))
    return LoadedDocument(pages=["\n\n".join(blocks)], title=title)


def _check_zip(path: Path, limits: ReadLimits) -> None:
    """Refuse a zip bomb before anything unpacks it. zipfile never reads past the sizes the
    directory states, so the stated sizes bound the work."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise DocumentError("Die Datei ist kein gültiges Word-Dokument (DOCX) – bitte in Word "
                            "neu speichern.") from err
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    # The XML is parsed whole into memory; images and fonts are never unpacked.
    xml = sum(m.file_size for m in members if m.filename.endswith((".xml", ".rels")))
    if (unpacked > limits.max_unzipped_bytes or unpacked / packed > limits.max_zip_ratio
            or xml > limits.max_xml_bytes):
        raise DocumentError(f"Das Word-Dokument entpackt sich auf {_size(unpacked)} (aus "
                            f"{_size(packed)}) – das ist kein übliches Dokument, sondern "
                            "vermutlich beschädigt oder eine „Zip-Bombe“. Bitte in Word neu "
                            "speichern.")


def _size(count: int) -> str:
    return f"{count / 2**20:.0f} MB" if count >= 2**20 else f"{max(1, round(count / 1024))} KB"


def _read_bounded(path: Path, limits: ReadLimits) -> bytes:
    with open(path, "rb") as handle:
        raw = handle.read(limits.max_markup_bytes + 1)
    if len(raw) > limits.max_markup_bytes:
        raise DocumentError(f"Die Datei ist als Text zu groß (über {limits.max_markup_bytes / 1e6:g}"
                            " MB) – bitte in mehrere Dateien teilen oder KIM_MAX_TEXT_CHARS "
                            "anheben.")
    return raw


def _load_html(path: Path, limits: ReadLimits) -> LoadedDocument:
    from bs4 import BeautifulSoup
    from bs4.exceptions import ParserRejectedMarkup

    raw = _read_bounded(path, limits)
    _reject_binary(raw)
    try:
        return _html_document(BeautifulSoup(raw, "html.parser"))
    except (ParserRejectedMarkup, AssertionError, ValueError, RecursionError) as err:
        raise DocumentError("Die HTML-Seite ist so fehlerhaft, dass sie sich nicht lesen lässt – "
                            "bitte neu speichern oder als PDF ablegen.") from err


def _html_document(soup: Any) -> LoadedDocument:
    title_tag = soup.find("title")
    for tag in soup(_NON_TEXT_TAGS):
        tag.decompose()
    for tag in [*soup.find_all(id=_NAV_HINT), *soup.find_all(class_=_NAV_HINT)]:
        if not tag.decomposed and tag.name not in {"body", "main", "article"}:
            tag.decompose()
    main = soup.find("main") or soup.find("article") or soup.find(None, {"role": "main"})
    root = main or soup.body or soup
    heading = root.find("h1")
    title = _clean_title(heading.get_text(" ") if heading else None)
    if title is None and title_tag is not None:
        title = _clean_title(title_tag.get_text(" "))
    text = root.get_text("\n")
    return LoadedDocument(pages=[text], title=title)


def _load_text(path: Path, limits: ReadLimits) -> LoadedDocument:
    text = decode_text(_read_bounded(path, limits))
    fields: dict[str, str] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        fields = parse_front_matter(match.group(1))
        text = text[match.end():]
    return LoadedDocument(pages=[strip_markdown(text)], title=fields.get("title"), fields=fields)


def decode_text(raw: bytes) -> str:
    """UTF-8 first (with or without BOM), then Windows-1252, then Latin-1 (never fails)."""
    _reject_binary(raw)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def _reject_binary(raw: bytes) -> None:
    sample = raw[:4096]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    if b"\x00" in sample or (sample and controls / len(sample) > 0.05):
        raise DocumentError("Die Datei enthält Binärdaten statt Text – Endung prüfen oder "
                            "die Datei neu exportieren.")


def parse_front_matter(block: str) -> dict[str, str]:
    """Flat ``key: value`` lines; quotes around values are dropped."""
    fields = {}
    for line in block.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and not line.startswith((" ", "\t", "#")):
            fields[key.strip().lower()] = value.strip().strip("\"'")
    return fields


def _clean_title(title: str | None) -> str | None:
    if not title:
        return None
    title = " ".join(title.split())
    return title or None


_LOADERS: dict[str, Callable[[Path, ReadLimits], LoadedDocument]] = {
    ".pdf": _load_pdf,
    ".docx": _load_docx,
    ".html": _load_html,
    ".htm": _load_html,
    ".txt": _load_text,
    ".md": _load_text,
}
