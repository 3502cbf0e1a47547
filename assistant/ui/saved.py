"""Conversations that survive a reload, and answers frozen to share (permalinks).

A conversation is kept on the server under an unguessable id; the browser keeps only that id (in
its storage and in the page address), so a reload or a bookmark brings the conversation back. It
is given back only to the user who held it, in the role they held it in: answers quote documents
another role may not see.

A frozen answer (``/antwort/<id>``) is a copy of one answer with its sources and the state of the
index it came from; later uploads or a rebuilt index do not change it. It opens for the roles
that could see every one of its sources when it was frozen.
"""

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.answer.models import Answer, answer_from_json
from assistant.files import write_whole
from assistant.ui.render import Turn

_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16): nothing else is a file name
MAX_TURNS = 200  # a conversation longer than this keeps its latest turns


@dataclass
class Frozen:
    turn: Turn
    created: str  # ISO time it was frozen
    index: str  # when the index it came from was built
    roles: list[str]  # who may open it


class SavedStore:
    """Files under ``folder``: ``gespraeche/<id>.json`` and ``antworten/<id>.json``, each 0600,
    written whole (a crash never leaves half a conversation). Files older than ``keep_days``
    are removed when the store opens."""

    def __init__(self, folder: Path, keep_days: int) -> None:
        self.conversations = folder / "gespraeche"
        self.answers = folder / "antworten"
        self.keep_days = keep_days
        self._lock = threading.Lock()
        self._prune()

    @staticmethod
    def new_id() -> str:
        return secrets.token_urlsafe(16)

    def save_conversation(self, conversation_id: str, owner: str, role: str,
                          turns: list[Turn]) -> None:
        data = {"besitzer": owner, "rolle": role, "geaendert": _now(),
                "verlauf": [_turn_json(t) for t in turns[-MAX_TURNS:]]}
        self._write(self.conversations, conversation_id, data)

    def load_conversation(self, conversation_id: str, owner: str, role: str) -> list[Turn] | None:
        """The turns, or None when there is no such conversation or it is someone else's."""
        data = self._read(self.conversations, conversation_id)
        if data is None or data.get("besitzer") != owner or data.get("rolle") != role:
            return None
        try:
            return [_turn_of(item) for item in data.get("verlauf", [])]
        except (KeyError, TypeError, ValueError):
            return None  # damaged: the user starts afresh

    def freeze(self, turn: Turn, index: str, roles: list[str]) -> str:
        answer_id = self.new_id()
        self._write(self.answers, answer_id, {"erstellt": _now(), "index": index,
                                              "rollen": roles, **_turn_json(turn)})
        return answer_id

    def frozen(self, answer_id: str) -> Frozen | None:
        data = self._read(self.answers, answer_id)
        if data is None:
            return None
        try:
            return Frozen(_turn_of(data), str(data.get("erstellt", "")),
                          str(data.get("index", "")), list(data.get("rollen", [])))
        except (KeyError, TypeError, ValueError):
            return None

    def _write(self, folder: Path, item_id: str, data: dict[str, Any]) -> None:
        if not _ID.fullmatch(item_id):
            raise ValueError(f"invalid id {item_id!r}")
        with self._lock:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            write_whole(folder / f"{item_id}.json", json.dumps(data, ensure_ascii=False),
                        private=True)

    def _read(self, folder: Path, item_id: str) -> dict[str, Any] | None:
        if not item_id or not _ID.fullmatch(item_id):
            return None
        try:
            data = json.loads((folder / f"{item_id}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None  # gone, or damaged: the user starts afresh
        return data if isinstance(data, dict) else None

    def _prune(self) -> None:
        cutoff = time.time() - self.keep_days * 86400
        for folder in (self.conversations, self.answers):
            for path in folder.glob("*.json") if folder.is_dir() else []:
                try:
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                except OSError:
                    continue


def _turn_json(turn: Turn) -> dict[str, Any]:
    return {"frage": turn.question, "antwort": turn.answer.to_json()}


def _turn_of(data: dict[str, Any]) -> Turn:
    answer: Answer = answer_from_json(data["antwort"])
    return Turn(str(data["frage"]), answer)


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")
