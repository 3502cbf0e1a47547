"""The index folder on disk: a manifest that points at one complete generation.

    index/
      manifest.json        schema, model, files with hashes, current generation  (written last)
      generations/gNNNN/   chunks.jsonl + the lexical BM25 index, written whole before the switch
      chroma/              vectors (embedded Chroma; a server keeps them elsewhere)

Crash safety: a new generation is written completely, then manifest.json is replaced atomically.
A kill before that leaves the previous manifest, which still points at the previous generation.
The generation before the current one is kept, so that a reader that has just read the previous
manifest still finds its files.
Chroma only ever gains vectors before the switch and loses stale ones after it, so it always holds
at least what the manifest needs; readers ignore ids the manifest does not know.
"""

import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assistant.errors import IndexBusy, IndexIncompatible, IndexNotFound
from assistant.german.analysis import ANALYZER_VERSION
from assistant.records import ChunkRecord

SCHEMA_VERSION = 1
MANIFEST = "manifest.json"
CHUNKS = "chunks.jsonl"
LEXICAL = "lexical"


@dataclass
class FileEntry:
    source: str
    corpus: str
    sha256: str
    size: int
    mtime_ns: int
    chunk_ids: list[str] = field(default_factory=list)
    error: str = ""  # set when the file could not be indexed
    # Hash of its metadata sidecar ("" without): a changed marking (e.g. "nichtöffentlich")
    # must reach the passages even when the document itself is unchanged.
    sidecar: str = ""


@dataclass
class Manifest:
    index_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    schema: int = SCHEMA_VERSION
    model: str | None = None  # the embedding model whose vectors serve this index, if any
    model_version: str = ""  # engine version or model snapshot of those vectors
    analyzer: int = 0  # version of the lexical analysis the generation was built with
    generation: str = ""
    built_at: str = ""
    corpus_dirs: list[str] = field(default_factory=list)
    files: dict[str, FileEntry] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # not documents, with the reason
    shape: dict[str, Any] = field(default_factory=dict)  # what cut the passages (ingest/shape.py)

    def document_paths(self) -> dict[tuple[str, str], Path]:
        """Where each indexed document lies, by (corpus, source)."""
        paths = {}
        for key, entry in self.files.items():
            root, inner = key.split("::", 1)
            paths[(entry.corpus, entry.source)] = Path(root) / inner
        return paths

    @property
    def chunk_count(self) -> int:
        return sum(len(f.chunk_ids) for f in self.files.values())

    def to_json(self) -> str:
        # ASCII escapes: a key holds a file name exactly as on disk, undecodable bytes included.
        return json.dumps(asdict(self), ensure_ascii=True, indent=1)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        data = json.loads(text)
        files = {k: FileEntry(**v) for k, v in data.pop("files", {}).items()}
        return cls(files=files, **data)


class IndexDir:
    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def chroma_path(self) -> Path:
        return self.root / "chroma"

    def exists(self) -> bool:
        return (self.root / MANIFEST).is_file()

    def read_manifest(self) -> Manifest:
        path = self.root / MANIFEST
        if not path.is_file():
            raise IndexNotFound(self.root)
        try:
            manifest = Manifest.from_json(path.read_text(encoding="utf-8"))
        except (ValueError, TypeError, KeyError) as err:
            raise IndexIncompatible(self.root, f"manifest.json unlesbar: {err}") from err
        if manifest.schema != SCHEMA_VERSION:
            raise IndexIncompatible(self.root, f"Schema {manifest.schema} statt {SCHEMA_VERSION}")
        if manifest.analyzer != ANALYZER_VERSION:
            raise IndexIncompatible(self.root, f"Textanalyse {manifest.analyzer} statt {ANALYZER_VERSION}")
        return manifest

    def recorded_corpus(self) -> list[str]:
        """The corpus folders the index was built from, read leniently: an index of an older
        version is rebuilt, but from its own folders."""
        try:
            data = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
            return [str(d) for d in data.get("corpus_dirs", [])]
        except (OSError, ValueError, AttributeError, TypeError):
            return []

    def generation_path(self, name: str) -> Path:
        return self.root / "generations" / name

    def new_generation(self, previous: str) -> Path:
        number = int(previous[1:]) + 1 if previous else 1
        path = self.generation_path(f"g{number:04d}")
        shutil.rmtree(path, ignore_errors=True)  # debris of an interrupted run
        path.mkdir(parents=True)
        return path

    def write_chunks(self, generation: Path, records: list[ChunkRecord]) -> None:
        with open(generation / CHUNKS, "w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())

    def read_chunks(self, generation: str) -> list[ChunkRecord]:
        path = self.generation_path(generation) / CHUNKS
        with open(path, encoding="utf-8") as lines:
            return [ChunkRecord.from_dict(json.loads(line)) for line in lines]

    def commit(self, manifest: Manifest) -> None:
        """Atomically switch to the manifest's generation, then drop all but the previous one.

        A reader that read the old manifest a moment ago may still be opening the previous
        generation; it is kept until the next commit (and `Assistant.open` retries once more
        should a reader be slower than two whole ingests)."""
        manifest.built_at = datetime.now(UTC).isoformat(timespec="seconds")
        tmp = self.root / f"{MANIFEST}.tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(manifest.to_json())
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, self.root / MANIFEST)
        _fsync_dir(self.root)
        current = _number(manifest.generation)
        for old in (self.root / "generations").iterdir():
            if not 0 <= current - _number(old.name) <= 1:
                shutil.rmtree(old, ignore_errors=True)

    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        """One ingest at a time per index folder."""
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as err:
                raise IndexBusy(self.root) from err
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _number(generation: str) -> int:
    digits = generation[1:]
    return int(digits) if digits.isdigit() else -1


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
