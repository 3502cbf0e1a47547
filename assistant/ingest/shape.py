"""What shapes an index's passages, recorded in the manifest: a change means a rebuild, never a
mixed index (old passages cut one way beside new ones cut another). The embedding model and the
lexical analysis are recorded and checked on their own (``Manifest.model``, ``analyzer``)."""

from typing import Any

from assistant.config import Settings
from assistant.ingest.metadata import METADATA_FORMAT
from assistant.ingest.normalize import TEXT_FORMAT
from assistant.records import EMBED_FORMAT, HEADER_FORMAT

_NAMES = {"chunk_target_words": "Passagengröße (Ziel, Wörter)",
          "chunk_max_words": "Passagengröße (höchstens, Wörter)",
          "header_format": "Format des Passagenkopfs",
          "embed_format": "Format des Texts für das Suchmodell",
          "metadata_format": "Erkennung von Kommune, Datum und Art",
          "text_format": "Bereinigung des Texts"}


def index_shape(settings: Settings) -> dict[str, Any]:
    return {"chunk_target_words": settings.chunk_target_words,
            "chunk_max_words": settings.chunk_max_words, "header_format": HEADER_FORMAT,
            "embed_format": EMBED_FORMAT, "metadata_format": METADATA_FORMAT,
            "text_format": TEXT_FORMAT}


def shape_change(recorded: dict[str, Any], current: dict[str, Any]) -> str:
    """A German note naming what changed, or "" when the index has the current shape."""
    if recorded == current:
        return ""
    if not recorded:
        return ("Der Index wird neu aufgebaut: er stammt aus einer Version, die die Passagengröße "
                "nicht verzeichnet hat.")
    changes = [f"{_NAMES.get(key, key)} {recorded.get(key, '–')} → {value}"
               for key, value in current.items() if recorded.get(key) != value]
    return f"Der Index wird neu aufgebaut, weil sich geändert hat: {'; '.join(changes)}."
