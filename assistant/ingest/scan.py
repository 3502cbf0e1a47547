"""Which files in the corpus folders are documents, and why everything else is skipped.

The corpus folder is a boundary: a symbolic link is followed only when its target stays inside
the folder (``ln -s /etc/passwd corpus/x.txt`` must never become searchable). File names come from
Windows shares in any encoding; undecodable bytes are kept for opening the file and shown as �.
"""

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from assistant.errors import KimError

# Files in a corpus folder that describe the folder rather than belong to it.
IGNORED_NAMES = {"readme", "readme.md", "readme.txt", "license", "license.md", "sources.toml"}
SIDECAR_SUFFIX = ".meta.toml"


def sidecar_of(path: Path) -> Path | None:
    """The file's metadata sidecar ("x.pdf.meta.toml" or "x.meta.toml"), if there is one."""
    candidates = [path.with_name(path.name + SIDECAR_SUFFIX), path.with_suffix(SIDECAR_SUFFIX)]
    return next((s for s in candidates if _is_file(s)), None)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. the name plus ".meta.toml" is longer than the file system allows
        return False


@dataclass
class FoundFile:
    key: str  # "<folder>::<path inside>", exactly as on disk; unique across corpus folders
    path: Path
    source: str  # the path inside its corpus folder, printable
    corpus: str  # the corpus folder's name, printable


@dataclass
class Scan:
    files: list[FoundFile] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)  # printable path → German reason


def printable(name: str) -> str:
    """A file name as people and UTF-8 files can take it: undecodable bytes become �."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def ignored_name(name: str) -> bool:
    """Names that are by convention not documents: hidden, ``_``-prefixed, README, sidecars."""
    lower = name.lower()
    return lower.startswith((".", "_")) or lower in IGNORED_NAMES or lower.endswith(SIDECAR_SUFFIX)


def scan(corpus_dirs: list[Path]) -> Scan:
    result = Scan()
    for folder in corpus_dirs:
        if not folder.is_dir():
            raise KimError(f"Der Korpusordner „{folder}“ existiert nicht – Pfad prüfen "
                           "(--corpus bzw. KIM_CORPUS_DIRS).")
        _scan_folder(folder.resolve(), result)
    return result


def _scan_folder(root: Path, result: Scan) -> None:
    corpus = printable(root.name)

    def unreadable(err: OSError) -> None:
        where = Path(err.filename or root)
        result.skipped[_shown(root, where)] = f"Ordner nicht lesbar ({err.strerror}) – Rechte prüfen."

    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable):
        here = Path(dirpath)
        dirnames[:] = sorted(d for d in dirnames if not ignored_name(d) and
                             _folder_allowed(root, here / d, result))
        for name in sorted(filenames):
            path = here / name
            if ignored_name(name):
                continue
            reason = _why_not_a_document(root, path)
            if reason:
                result.skipped[_shown(root, path)] = reason
                continue
            rel = path.relative_to(root).as_posix()
            result.files.append(FoundFile(f"{root}::{rel}", path, printable(rel), corpus))


def _folder_allowed(root: Path, path: Path, result: Scan) -> bool:
    """Real sub-folders are walked; linked folders never (their target is either outside the
    corpus, or inside it and walked there anyway)."""
    if not path.is_symlink():
        return True
    target = _target(path)
    if target is None:
        result.skipped[_shown(root, path)] = "Verknüpfung ohne erreichbares Ziel – übersprungen."
    elif target.is_relative_to(root):
        result.skipped[_shown(root, path)] = ("Verknüpfung auf einen Ordner im Korpus – seine "
                                              "Dateien werden dort gelesen.")
    else:
        result.skipped[_shown(root, path)] = _OUTSIDE
    return False


_OUTSIDE = ("Verknüpfung führt aus dem Korpusordner hinaus – aus Sicherheitsgründen übersprungen. "
            "Die Datei selbst in den Ordner kopieren, wenn sie indexiert werden soll.")


def _why_not_a_document(root: Path, path: Path) -> str:
    """"" for a regular file inside the corpus, else the German reason for skipping it."""
    if path.is_symlink():
        target = _target(path)
        if target is None:
            return "Verknüpfung ohne erreichbares Ziel – übersprungen."
        if not target.is_relative_to(root):
            return _OUTSIDE
        path = target
    try:
        mode = path.stat().st_mode
    except OSError as err:
        return f"Datei nicht lesbar ({err.strerror}) – Rechte prüfen."
    if stat.S_ISDIR(mode):
        return "Verknüpfung auf einen Ordner im Korpus – seine Dateien werden dort gelesen."
    if not stat.S_ISREG(mode):
        return "Keine gewöhnliche Datei (Gerät, Pipe oder Socket) – übersprungen."
    return ""


def _target(link: Path) -> Path | None:
    try:
        return link.resolve(strict=True)
    except (OSError, RuntimeError):  # dangling, a loop, or no permission
        return None


def _shown(root: Path, path: Path) -> str:
    """Like a document's ``source``: the path inside the corpus folder."""
    try:
        return printable(path.relative_to(root).as_posix())
    except ValueError:
        return printable(str(path))
