"""Incremental, crash-safe ingest: new files are added, changed ones re-indexed, deleted ones removed.

A bad file never aborts the run: each file is read in a sandboxed worker (``sandbox``), and any
failure becomes that file's reason in the summary and in `kim status`.
"""

import hashlib
import logging
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from tqdm import tqdm

from assistant.config import Settings
from assistant.errors import IndexIncompatible
from assistant.german.analysis import ANALYZER_VERSION
from assistant.indexdir import FileEntry, IndexDir, Manifest
from assistant.ingest.corpus import corpus_folders
from assistant.ingest.documents import JOB, ReadRequest
from assistant.ingest.loaders import ReadLimits
from assistant.ingest.quarantine import inside, quarantine
from assistant.ingest.sandbox import Budget, Sandbox
from assistant.ingest.scan import FoundFile, scan, sidecar_of
from assistant.ingest.shape import index_shape, shape_change
from assistant.records import ChunkRecord
from assistant.retrieval.embedders import ModelUnavailable, check_model, load_embedder
from assistant.retrieval.lexical import LexicalIndex
from assistant.retrieval.store import VectorStore, open_index_store

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)  # not documents: links out, pipes, …
    quarantined: dict[str, str] = field(default_factory=dict)  # failed uploads, moved aside
    documents: int = 0
    passages: int = 0
    retrieval: str = "lexical"
    model_note: str = ""
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    slowest_file: float = 0.0  # seconds the slowest file took to read
    rebuilt: str = ""  # why every passage was cut anew (settings that shape passages changed)


def ingest(settings: Settings, corpus_dirs: list[Path] | None = None,
           progress: bool = True, replace: bool = False) -> IngestReport:
    """Bring the index up to date with its corpus folders (see ``corpus.corpus_folders``).

    ``corpus_dirs`` overrides the folders outright (evaluation sets); ``replace`` lets
    ``settings.corpus_dirs`` replace the folders the index was built from.
    """
    started = time.perf_counter()
    index = IndexDir(settings.index_dir)
    new_folder = not index.root.exists()
    try:
        with index.writer_lock():
            old = _previous_manifest(index)
            folders = ([d.resolve() for d in corpus_dirs] if corpus_dirs
                       else corpus_folders(settings, old.corpus_dirs, replace))
            report = _ingest_locked(settings, index, old, folders, progress)
    except BaseException:
        if new_folder:  # a failed first ingest (e.g. a missing corpus folder) leaves nothing behind
            _remove_if_only_lock(index.root)
        raise
    report.seconds = time.perf_counter() - started
    return report


def _remove_if_only_lock(folder: Path) -> None:
    if folder.is_dir() and {p.name for p in folder.iterdir()} <= {".lock"}:
        (folder / ".lock").unlink(missing_ok=True)
        folder.rmdir()


def _ingest_locked(settings: Settings, index: IndexDir, old: Manifest, corpus_dirs: list[Path],
                   progress: bool) -> IngestReport:
    found = scan(corpus_dirs)
    report = IngestReport(skipped=found.skipped)
    shape = index_shape(settings)
    if old.generation:
        report.rebuilt = shape_change(old.shape, shape)
        if report.rebuilt:  # nothing of the old passages is kept; the generation count goes on
            old = replace(old, files={})
    entries, to_load = _plan(settings, old, found.files, report)
    model_key, note = _usable_model(settings)
    report.model_note = note
    if _nothing_changed(report, old, model_key):
        return _unchanged(report, old)

    clock = _Stopwatch(report.timings)
    records = _kept_records(index, old, entries)
    records.extend(_read_files(settings, to_load, entries, report, progress))
    if _nothing_changed(report, old, model_key):  # every new file was a failed upload
        return _unchanged(report, old)
    records.sort(key=lambda r: (r.corpus, r.source, r.position))
    clock.lap("read")

    manifest = Manifest(index_id=old.index_id, corpus_dirs=[str(d) for d in corpus_dirs],
                        files=entries, skipped=report.skipped, model=None,
                        analyzer=ANALYZER_VERSION, shape=shape)
    store = _embed(settings, index, manifest, records, model_key, progress, report, clock)
    generation = index.new_generation(old.generation)
    index.write_chunks(generation, records)
    LexicalIndex.build([r.index_text for r in records]).save(generation / "lexical")
    manifest.generation = generation.name
    index.commit(manifest)
    clock.lap("lexical")
    if store is not None:  # only now may vectors of removed passages go
        store.delete(store.all_ids() - {r.id for r in records})
    report.retrieval = "hybrid" if manifest.model else "lexical"
    _fill_totals(report, entries)
    return report


def _nothing_changed(report: IngestReport, old: Manifest, model_key: str | None) -> bool:
    return (not (report.added or report.updated or report.removed) and bool(old.generation)
            and model_key in (None, f"{old.model}|{old.model_version}"))


def _unchanged(report: IngestReport, old: Manifest) -> IngestReport:
    """The index stays exactly as it is: nothing is written."""
    report.retrieval = "hybrid" if old.model else "lexical"
    _fill_totals(report, old.files)
    return report


def _read_files(settings: Settings, to_load: list[FoundFile], entries: dict[str, FileEntry],
                report: IngestReport, progress: bool) -> list[ChunkRecord]:
    """Read the files in sandboxed workers; a file that fails in any way gets its reason."""
    limits = ReadLimits(max_text_chars=settings.max_text_chars, max_pdf_pages=settings.max_pdf_pages)
    requests = [ReadRequest(f, limits, settings.chunk_target_words, settings.chunk_max_words)
                for f in to_load]
    sandbox = Sandbox(settings.ingest_workers,
                      Budget(settings.file_timeout_s, settings.file_memory_mb))
    records: list[ChunkRecord] = []
    with tqdm(total=len(requests), desc="Dokumente lesen", unit="Datei",
              disable=not progress) as bar:
        for request, outcome in sandbox.map(JOB, requests):
            entry = entries[request.file.key]
            report.slowest_file = max(report.slowest_file, round(outcome.seconds, 2))
            if outcome.error:
                entry.error = outcome.error
                log.info("%s: %s", request.file.source, outcome.error)  # the summary names it
                _quarantine_upload(settings, request.file, entries, report)
            else:
                entry.chunk_ids = [r.id for r in outcome.value]
                records.extend(outcome.value)
            bar.update()
    return records


def _quarantine_upload(settings: Settings, found: FoundFile, entries: dict[str, FileEntry],
                       report: IngestReport) -> None:
    """A failed file of the upload folder is moved aside (the app put it there, so the app
    cleans up); the user's own corpus folders are never touched."""
    if not inside(found.path, settings.upload_dir):
        return
    entry = entries.pop(found.key)
    quarantine(found.path, entry.error, settings.quarantine_dir)
    report.quarantined[entry.source] = entry.error
    for listing in (report.added, report.updated):
        if entry.source in listing:
            listing.remove(entry.source)


def _previous_manifest(index: IndexDir) -> Manifest:
    """The manifest to build on; an index from an incompatible version is rebuilt from scratch."""
    if not index.exists():
        return Manifest()
    try:
        return index.read_manifest()
    except IndexIncompatible as err:
        log.warning("%s", err)
        return Manifest(corpus_dirs=index.recorded_corpus())


def _plan(settings: Settings, old: Manifest, found: list[FoundFile],
          report: IngestReport) -> tuple[dict[str, FileEntry], list[FoundFile]]:
    """Which files are unchanged (cheap stat check first, then the hash) and which need reading."""
    entries: dict[str, FileEntry] = {}
    to_load: list[FoundFile] = []
    limit = int(settings.max_file_mb * 1024 * 1024)
    for f in found:
        try:
            stat = f.path.stat()
        except OSError:  # gone since the scan: as if it had never been there
            continue
        previous = old.files.get(f.key)
        sidecar = _sidecar_hash(f.path)
        same_sidecar = previous is not None and previous.sidecar == sidecar
        if previous and same_sidecar and \
                (previous.size, previous.mtime_ns) == (stat.st_size, stat.st_mtime_ns):
            entries[f.key] = previous
            report.unchanged.append(f.source)
            continue
        entry = FileEntry(f.source, f.corpus, "", stat.st_size, stat.st_mtime_ns, sidecar=sidecar)
        entries[f.key] = entry
        if stat.st_size == 0:
            entry.error = "Die Datei ist leer."
        elif stat.st_size > limit:
            entry.error = (f"Die Datei ist größer als {settings.max_file_mb:g} MB – "
                           "Grenze mit KIM_MAX_FILE_MB anheben oder die Datei teilen.")
        else:
            try:
                entry.sha256 = _sha256(f.path)
            except OSError as err:
                entry.error = f"Die Datei ist nicht lesbar ({err.strerror}) – Rechte prüfen."
        if previous and same_sidecar and entry.sha256 and entry.sha256 == previous.sha256:
            previous.mtime_ns = stat.st_mtime_ns
            entries[f.key] = previous
            report.unchanged.append(f.source)
            continue
        (report.updated if previous else report.added).append(f.source)
        if not entry.error:
            to_load.append(f)
    report.removed = sorted(old.files[k].source for k in old.files.keys() - entries.keys())
    return entries, to_load


def _usable_model(settings: Settings) -> tuple[str | None, str]:
    """The configured model as "name|version" if it is available here (a fast check), else the
    reason."""
    if not settings.dense_enabled:
        return None, "Dichte Suche ist abgeschaltet (KIM_EMBED_MODEL=none)."
    try:
        version = check_model(settings.embed_model)
    except ModelUnavailable as err:
        return None, f"{err} Es wird nur lexikalisch gesucht."
    return f"{settings.embed_model}|{version}", ""


def _kept_records(index: IndexDir, old: Manifest, entries: dict[str, FileEntry]) -> list[ChunkRecord]:
    if not old.generation:
        return []
    keep = {cid for key, e in entries.items() if old.files.get(key) is e for cid in e.chunk_ids}
    return [r for r in index.read_chunks(old.generation) if r.id in keep]


def _embed(settings: Settings, index: IndexDir, manifest: Manifest, records: list[ChunkRecord],
           model_key: str | None, progress: bool, report: IngestReport,
           clock: "_Stopwatch") -> VectorStore | None:
    """Add vectors for passages that have none yet; on any model trouble stay lexical."""
    if model_key is None:
        return None
    try:
        embedder = load_embedder(settings.embed_model, settings.embed_batch_size,
                                 settings.embed_threads)
    except ModelUnavailable as err:
        report.model_note = f"{err} Es wird nur lexikalisch gesucht."
        return None
    clock.lap("model_load")
    store = open_index_store(settings, index.chroma_path, manifest.index_id, embedder)
    missing = set(store.missing([r.id for r in records]))
    todo = [r for r in records if r.id in missing]
    if todo:
        vectors = embedder.embed_passages([r.embed_text for r in todo], progress=progress)
        store.upsert([r.id for r in todo], vectors, [r.text for r in todo],
                     [r.metadata() for r in todo])
    manifest.model, manifest.model_version = embedder.name, embedder.version
    clock.lap("vectors")
    return store


class _Stopwatch:
    """Adds the seconds since the previous lap to ``timings[name]``."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(self.timings.get(name, 0.0) + now - self.last, 3)
        self.last = now


def _fill_totals(report: IngestReport, entries: dict[str, FileEntry]) -> None:
    report.failed = {e.source: e.error for e in entries.values() if e.error}
    report.documents = sum(1 for e in entries.values() if not e.error)
    report.passages = sum(len(e.chunk_ids) for e in entries.values())


def _sidecar_hash(path: Path) -> str:
    sidecar = sidecar_of(path)
    try:
        return hashlib.sha256(sidecar.read_bytes()).hexdigest()[:16] if sidecar else ""
    except OSError:
        return ""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
