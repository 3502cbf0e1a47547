"""The audit log: who asked what, who uploaded which file, failed sign-ins – JSON lines, rotated.

Never written: passwords, API keys, session cookies. Read with `kim audit`.
"""

import contextlib
import json
import logging
import os
import threading
from collections.abc import Iterator
from datetime import datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

MAX_BYTES = 5 * 1024 * 1024
BACKUPS = 5
EVENT_NAMES = {
    "frage": "Frage", "entwurf": "Entwurf", "dokument": "Dokument geöffnet",
    "hochladen": "Hochgeladen", "anmeldung": "Angemeldet", "anmeldung_fehlgeschlagen":
    "Anmeldung fehlgeschlagen", "abgewiesen": "Abgewiesen", "benutzer": "Benutzerverwaltung",
    "rueckmeldung": "Rückmeldung", "entfernen": "Entfernt",
}


class _PrivateFileHandler(RotatingFileHandler):
    """Questions can be confidential: the log (and each new file after rotation) is 0600."""

    def _open(self) -> Any:
        stream = super()._open()
        os.chmod(self.baseFilename, 0o600)
        return stream


class AuditLog:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._logger: logging.Logger | None = None
        self._lock = threading.Lock()

    def record(self, event: str, user: str, **details: Any) -> None:
        entry = {"zeit": datetime.now().astimezone().isoformat(timespec="seconds"),
                 "ereignis": event, "benutzer": user, **details}
        self._writer().info(json.dumps(entry, ensure_ascii=False))

    def _writer(self) -> logging.Logger:
        with self._lock:
            if self._logger is None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                logger = logging.getLogger(f"kim.audit.{self.path.resolve()}")
                logger.propagate = False  # never into the console log
                logger.setLevel(logging.INFO)
                if not logger.handlers:
                    handler = _PrivateFileHandler(self.path, maxBytes=MAX_BYTES,
                                                  backupCount=BACKUPS, encoding="utf-8")
                    handler.setFormatter(logging.Formatter("%(message)s"))
                    logger.addHandler(handler)
                self._logger = logger
            return self._logger


def read_audit(path: Path) -> Iterator[dict[str, Any]]:
    """All entries, oldest first, across the rotated files (audit.jsonl.5 … audit.jsonl)."""
    files = [path.with_name(f"{path.name}.{i}") for i in range(BACKUPS, 0, -1)] + [path]
    for file in files:
        if not file.is_file():
            continue
        for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def audit_line(entry: dict[str, Any]) -> str:
    when = entry.get("zeit", "")
    with contextlib.suppress(ValueError):
        when = datetime.fromisoformat(when).strftime("%d.%m.%Y %H:%M:%S")
    who = entry.get("benutzer", "?")
    if entry.get("rolle"):
        who += f" ({entry['rolle']})"
    event = EVENT_NAMES.get(entry.get("ereignis", ""), entry.get("ereignis", ""))
    skip = {"zeit", "benutzer", "rolle", "ereignis"}
    rest = "; ".join(f"{k}: {_short(v)}" for k, v in entry.items() if k not in skip)
    return f"{when}  {who:<24} {event:<26} {rest}"


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 160 else text[:157] + "…"
