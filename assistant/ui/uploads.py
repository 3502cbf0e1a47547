"""Uploaded files: the type is judged by the content, not the name, before anything is stored.

Cheap checks here (type, size, duplicate); the full read happens in the ingest's sandbox, which
moves a file it cannot index into the quarantine folder with its reason (``ingest.quarantine``).
Names the corpus scan would ignore ("_x.txt", "README.md") are changed, so that every stored
upload is really indexed.
"""

import hashlib
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from assistant.config import Settings
from assistant.errors import DocumentError
from assistant.ingest.quarantine import free_path
from assistant.ingest.scan import ignored_name

ACCEPTED = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html", ".txt": "text",
            ".md": "text"}
KIND_NAMES = {"pdf": "PDF", "docx": "Word-Dokument (DOCX)", "html": "HTML-Seite", "text": "Text",
              "zip": "ZIP-Archiv", "binary": "Binärdatei"}
_HTML = re.compile(rb"<!doctype html|<html[\s>]|<body[\s>]|<head[\s>]", re.IGNORECASE)
_SAFE_NAME = re.compile(r"[^\w.\- ]+")


@dataclass
class UploadOutcome:
    stored: Path | None = None
    error: str = ""


def sniff(head: bytes, path: Path) -> str:
    """What the first bytes say the file is: pdf, docx, html, text, zip or binary."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                return "docx" if "word/document.xml" in archive.namelist() else "zip"
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
            return "binary"
    if b"\x00" in head:
        return "binary"
    return "html" if _HTML.search(head) else "text"


def check_upload(path: Path, settings: Settings, name: str = "") -> str:
    """The file's kind, or a DocumentError saying in German what is wrong and what to do.
    ``name`` is the name it will be stored under (default: its own). Whether the content can be
    read is decided by the ingest (in its sandbox)."""
    suffix = Path(name or path.name).suffix.lower()
    if suffix not in ACCEPTED:
        raise DocumentError(f"Dateityp „{suffix or 'ohne Endung'}“ wird nicht angenommen – "
                            "bitte PDF, DOCX, TXT oder HTML hochladen.")
    size = path.stat().st_size
    if size == 0:
        raise DocumentError("Die Datei ist leer.")
    if size > settings.max_file_mb * 1024 * 1024:
        raise DocumentError(f"Die Datei ist größer als {settings.max_file_mb:g} MB – bitte teilen "
                            "oder die Grenze KIM_MAX_FILE_MB anheben.")
    with open(path, "rb") as handle:
        kind = sniff(handle.read(4096), path)
    expected = ACCEPTED[suffix]
    if kind != expected and not (expected == "text" and kind == "html"):
        raise DocumentError(f"Die Datei endet auf „{suffix}“, ist dem Inhalt nach aber "
                            f"k{_article(expected)} (sondern {_article(kind)}) – bitte die richtige "
                            "Datei wählen oder sie neu exportieren.")
    return kind


def accept_upload(upload: Path, settings: Settings, known: dict[str, str]) -> UploadOutcome:
    """Check ``upload`` and copy it into the upload folder (never over an existing file).
    ``known``: content hash → file name of what is indexed (or was just accepted); the same
    content under any name is refused with the name it already has. Accepted files join it."""
    name = safe_name(upload.name)
    try:
        check_upload(upload, settings, name)
    except DocumentError as err:
        return UploadOutcome(error=str(err))
    digest = hashlib.sha256(upload.read_bytes()).hexdigest()
    if digest in known:
        return UploadOutcome(error=f"Dieses Dokument ist bereits im Index (als „{known[digest]}“) "
                                   "– es wurde nicht noch einmal aufgenommen.")
    settings.upload_dir.mkdir(parents=True, exist_ok=True)
    target = free_path(settings.upload_dir / name)
    shutil.copyfile(upload, target)
    known[digest] = target.name
    return UploadOutcome(stored=target)


def _article(kind: str) -> str:
    name = KIND_NAMES.get(kind, kind)
    return f"eine {name}" if kind in {"pdf", "html", "binary"} else f"ein {name}"


def safe_name(name: str) -> str:
    """A plain file name the corpus scan takes as a document ("_x.txt" → "x.txt",
    "README.md" → "Upload-README.md")."""
    name = _SAFE_NAME.sub("_", Path(name).name).strip(" .").lstrip("._ ") or "dokument.txt"
    return f"Upload-{name}" if ignored_name(name) else name
