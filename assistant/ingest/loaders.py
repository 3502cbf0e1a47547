"""Read one file into page texts. Every failure becomes a DocumentError with a German reason."""

import logging
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import DocumentError
from assistant.ingest.normalize import drop_repeated_edges, normalize_text, strip_markdown

log = logging.getLogger(__name__)

SUPPORTED_SUFFIXES = (".pdf", ".docx", ".html", ".htm", ".txt", ".md")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
_NAV_HINT = re.compile(r"nav|menu|breadcrumb|footer|header|sidebar|cookie|skip|social", re.I)
_NON_TEXT_TAGS = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                  "button", "svg", "iframe", "template"]


@dataclass
class LoadedDocument:
    pages: list[str]  # normalised text per page (one page for formats without pages)
    title: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # metadata the file states itself

    @property
    def text(self) -> str:
        return "\n\n".join(self.pages)


def load_document(path: Path) -> LoadedDocument:
    suffix = path.suffix.lower()
    loader = _LOADERS.get(suffix)
    if loader is None:
        supported = ", ".join(s.lstrip(".") for s in SUPPORTED_SUFFIXES)
        raise DocumentError(f"Format „{suffix or 'ohne Endung'}“ wird nicht unterstützt "
                            f"(unterstützt: {supported}).")
    doc = loader(path)
    doc.pages = [normalize_text(page) for page in doc.pages]
    if not any(page.strip() for page in doc.pages):
        raise DocumentError("Die Datei enthält keinen lesbaren Text.")
    return doc


def _load_pdf(path: Path) -> LoadedDocument:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("Die PDF ist passwortgeschützt – bitte eine ungeschützte Fassung "
                                "ablegen.")
        pages = [page.extract_text() or "" for page in reader.pages]
        title = (reader.metadata.title if reader.metadata else None) or None
    except DocumentError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, OSError, AttributeError) as err:
        log.debug("pypdf failed on %s: %r", path, err)
        raise DocumentError("Die PDF ist beschädigt oder keine PDF – bitte die Datei neu "
                            "exportieren.") from err
    if not any(p.strip() for p in pages):
        raise DocumentError("Die PDF enthält keinen Text (gescanntes Bild?) – bitte eine "
                            "durchsuchbare Fassung (mit Texterkennung) ablegen.")
    return LoadedDocument(pages=drop_repeated_edges(pages), title=_clean_title(title))


def _load_docx(path: Path) -> LoadedDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
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


def _load_html(path: Path) -> LoadedDocument:
    from bs4 import BeautifulSoup

    raw = path.read_bytes()
    _reject_binary(raw)
    soup = BeautifulSoup(raw, "html.parser")
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


def _load_text(path: Path) -> LoadedDocument:
    text = decode_text(path.read_bytes())
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


_LOADERS = {
    ".pdf": _load_pdf,
    ".docx": _load_docx,
    ".html": _load_html,
    ".htm": _load_html,
    ".txt": _load_text,
    ".md": _load_text,
}
