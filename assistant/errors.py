"""Domain errors. Each message is German, meant for people, and says how to fix the problem.

Only the entry points (cli.py, ui/) turn these into output; everything below raises them.
"""

from pathlib import Path


class KimError(Exception):
    """Base class: ``str(err)`` is a complete German message including the fix."""


class IndexNotFound(KimError):
    def __init__(self, index_dir: object) -> None:
        super().__init__(
            f"Kein Index gefunden in „{index_dir}“ (gesucht in {Path(str(index_dir)).resolve()}) – "
            "bitte zuerst `kim ingest` ausführen, oder mit --index ORDNER bzw. KIM_INDEX_DIR auf "
            "einen vorhandenen Index zeigen."
        )


class IndexIncompatible(KimError):
    def __init__(self, index_dir: object, reason: str) -> None:
        super().__init__(
            f"Der Index in „{index_dir}“ passt nicht zu dieser Programmversion ({reason}) – "
            "bitte `kim ingest` erneut ausführen, das baut ihn neu auf."
        )


class IndexBusy(KimError):
    def __init__(self, index_dir: object) -> None:
        super().__init__(
            f"Der Index in „{index_dir}“ wird gerade von einem anderen Vorgang aktualisiert – "
            "bitte warten, bis dieser fertig ist, und dann erneut versuchen."
        )


class InvalidQuestion(KimError):
    """An empty, absurdly long or otherwise unusable question."""


class InvalidFilter(KimError):
    """A ``--filter`` that is not ``key=value`` or names an unknown key."""


class DocumentError(KimError):
    """A file that cannot be indexed; the message is the reason (without the file name)."""


class StoreUnavailable(KimError):
    """The Chroma server (``KIM_CHROMA_HOST``) cannot be reached."""


class NothingIndexed(KimError):
    """No file of the corpus could be indexed."""


class CorpusMismatch(KimError):
    """The corpus folders asked for would drop folders the index was built from."""
