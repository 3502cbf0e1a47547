"""Writing a file whole: a reader (or a crash) never meets half of it."""

import os
import tempfile
from pathlib import Path


def write_whole(path: Path, text: str, private: bool = False) -> None:
    """Write ``text`` to a hidden temporary file beside ``path``, then rename it over ``path``.
    The temporary name starts with a dot, so no corpus scan takes it for a document; ``private``
    makes the file readable by the service only (0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".neu-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if private:
            os.chmod(temp, 0o600)
        os.replace(temp, path)
    finally:
        Path(temp).unlink(missing_ok=True)
