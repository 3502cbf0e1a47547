"""The ``.meta.toml`` sidecar written beside each fetched file: what the council system says
about it (the index reads title, date, body, type, reference and visibility from it; the rest is
for people and for linking an inquiry to its answer)."""

import json
from pathlib import Path
from typing import Any

from assistant.files import write_whole
from assistant.ingest.scan import SIDECAR_SUFFIX


def write_document(path: Path, facts: dict[str, Any]) -> Path:
    """Write ``path``'s sidecar (replacing an older one whole); returns its path."""
    sidecar = path.with_name(path.name + SIDECAR_SUFFIX)
    lines = ["# Von `kim fetch` geschrieben; ein neuer Abruf ersetzt diese Datei."]
    lines += [f"{key} = {_toml(value)}" for key, value in facts.items() if value not in ("", [])]
    write_whole(sidecar, "\n".join(lines) + "\n")
    return sidecar


def _toml(value: Any) -> str:
    # A JSON string is a valid TOML basic string (same escapes); lists of strings likewise.
    if isinstance(value, list):
        return "[" + ", ".join(json.dumps(str(v), ensure_ascii=False) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
