"""Uploads that cannot be indexed leave the corpus: moved aside with a note of the reason, so a
bad upload never fails again on every later run and nothing of it is lost."""

import logging
import shutil
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)
NOTE_SUFFIX = ".grund.txt"


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def quarantine(path: Path, reason: str, folder: Path) -> Path:
    """Move ``path`` into ``folder`` (never over another file) and write the reason beside it."""
    folder.mkdir(parents=True, exist_ok=True)
    target = free_path(folder / path.name)
    shutil.move(str(path), target)
    stamp = datetime.now().isoformat(timespec="seconds")
    target.with_name(target.name + NOTE_SUFFIX).write_text(
        f"{path.name}\n{stamp}\nNicht indexiert: {reason}\n", encoding="utf-8")
    log.warning("%s nach %s verschoben: %s", path.name, folder, reason)
    return target


def free_path(path: Path) -> Path:
    """``path``, or ``name-2.ext``, ``name-3.ext`` … if it is taken."""
    counter = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}-{counter}{path.suffix}")
        counter += 1
    return candidate
