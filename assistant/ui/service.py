"""What the chat needs from the index, thread-safe: answers, status, the document list, uploads.

One process serves the index (embedded Chroma is not process-safe). Questions run concurrently on
the current `Assistant`; an upload indexes under a lock and then swaps in a freshly opened one.
"""

import hashlib
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.access.audit import AuditLog
from assistant.access.roles import ROLES, sees, visible_to
from assistant.answer.models import Answer
from assistant.config import Settings
from assistant.conversation import resolve
from assistant.drafting.draft import ASKING_TYPES, Draft, Progress, draft_answer
from assistant.drafting.inquiry import Inquiry, read_inquiry
from assistant.engine import Assistant, Status, parse_filters
from assistant.errors import IndexIncompatible, IndexNotFound, KimError
from assistant.german.places import is_state_level, level_of
from assistant.indexdir import IndexDir
from assistant.ingest.corpus import corpus_folders
from assistant.ingest.pipeline import IngestReport, ingest
from assistant.ingest.sandbox import Budget
from assistant.ingest.scan import sidecar_of
from assistant.llm.answer import LlmAnswerer, answer_mode, open_answerer
from assistant.llm.client import NOT_CONFIGURED, LlmUnavailable, ReachabilityProbe
from assistant.records import ChunkRecord
from assistant.ui.render import Turn
from assistant.ui.saved import SavedStore
from assistant.ui.uploads import accept_upload, check_upload

log = logging.getLogger(__name__)
# The types as people in a council look for them (the index keeps the short names).
TYPE_LABELS = {"Vorlage": "Antwort/Bericht der Verwaltung (Vorlage)",
               "Anfrage": "Anfrage (Fragen an die Verwaltung)",
               "Antrag": "Antrag (Beschlussvorschlag)", "Niederschrift": "Niederschrift (Protokoll)"}


@dataclass
class Document:
    doc_id: str
    title: str
    body: str
    date: str
    doc_type: str
    visibility: str
    passages: int
    source: str
    path: Path
    root: Path  # its corpus folder: the document route serves nothing outside it


@dataclass
class Scope:
    """Which documents a chat question may draw on, beyond the filters."""
    with_state: bool = True  # a municipality filter keeps the state's texts (they hold for it)
    only: list[str] = field(default_factory=list)  # these files only (``source``)
    without: list[str] = field(default_factory=list)  # never these files


@dataclass
class UploadResult:
    accepted: list[str]
    rejected: dict[str, str]  # file name → German reason
    report: IngestReport | None


class ChatService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._write_lock = threading.Lock()
        self._assistant = Assistant.open(settings)
        self._documents = self._read_documents()
        self.feedback = AuditLog(settings.feedback_file)
        self.saved = SavedStore(settings.saved_dir, settings.saved_days)
        self.llm: LlmAnswerer | None = None
        self.llm_problem = ""  # why the configured LLM cannot be used, in German
        if settings.llm_enabled:
            try:
                self.llm = open_answerer(settings)
            except LlmUnavailable as err:
                self.llm_problem = str(err)
                log.warning("%s", err)

    @classmethod
    def start(cls, settings: Settings, progress: bool = True) -> "ChatService":
        """Open the index; build it from the corpus first when there is none (or an outdated one)."""
        index = IndexDir(settings.index_dir)
        # Refuses --corpus folders that would drop documents, before anything is built.
        folders = corpus_folders(settings, index.recorded_corpus())
        try:
            index.read_manifest()
        except (IndexNotFound, IndexIncompatible) as err:
            log.info("%s", err)
            why = "Noch kein Index" if isinstance(err, IndexNotFound) else "Der Index ist veraltet"
            names = ", ".join(str(d) for d in folders)
            print(f"{why} in „{settings.index_dir}“ – er wird jetzt aus {names} aufgebaut …",
                  flush=True)
            ingest(settings, progress=progress)
        service = cls(settings)
        service.warm_up()
        return service

    def warm_up(self) -> None:
        """Load what the first answer needs (sentence tables, place patterns) before anyone asks."""
        started = time.perf_counter()
        self.assistant.ask("Was ist das Kommunale Integrationsmanagement?")
        log.info("Aufwärmen: %.1f s", time.perf_counter() - started)

    @property
    def assistant(self) -> Assistant:
        return self._assistant  # read once per request: a swap never changes it mid-answer

    def ask(self, question: str, previous: str | None, filters: dict[str, Any],
            home: str | None = None, role: str = "oeffentlich", mode: str | None = None) -> Answer:
        """Answer ``question`` from what ``role`` may see; a follow-up ("Und in Kleve?") is
        completed from ``previous``; ``home`` is the chat's "Unsere Kommune" (None: KIM_KOMMUNE);
        ``mode`` "extractive" or "llm" (None: llm when one is configured)."""
        *_, answer = self.answer_stream(question, previous, filters, home, role, mode, stream=False)
        assert isinstance(answer, Answer)
        return answer

    def answer_stream(self, question: str, previous: str | None, filters: dict[str, Any],
                      home: str | None = None, role: str = "oeffentlich", mode: str | None = None,
                      stream: bool = True, scope: Scope | None = None) -> Iterator[str | Answer]:
        """As ``ask``; in LLM mode the raw text as it grows comes first, the checked answer last."""
        assistant = self.assistant
        question = resolve(assistant.check_question(question), previous)
        chosen, program = self._scoped(parse_filters(filters), scope or Scope())
        options: dict[str, Any] = {"filters": chosen, "exclude": program, "home": home,
                                   "role": role}
        if answer_mode(self.settings, mode) == "extractive":
            yield assistant.ask(question, **options)
        elif self.llm is None:
            raise LlmUnavailable(self.llm_problem or NOT_CONFIGURED)
        else:
            yield from self.llm.stream(assistant, question, stream=stream, **options)

    def _scoped(self, filters: dict[str, Any], scope: Scope
                ) -> tuple[dict[str, Any], dict[str, Any]]:
        """(the user's filters, the program's): "Kreis Kleve" becomes Kleve or any state body;
        the file choices become allow- and deny-lists."""
        program: dict[str, Any] = {}
        if scope.only:
            program["source_in"] = list(scope.only)
        if scope.without:
            program["source_not"] = list(scope.without)
        body = filters.get("body")
        if not scope.with_state or not body or is_state_level(body):
            return filters, program
        state = sorted({d.body for d in self._documents if is_state_level(d.body)})
        rest = {k: v for k, v in filters.items() if k != "body"}
        return rest, {**program, "body_in": [body, *state]}

    def llm_status(self) -> str:
        """One line for the status: which LLM answers and whether it is reachable ("" if none)."""
        if not self.settings.llm_enabled:
            return ""
        if self.llm is None:
            return f"Sprachmodell nicht nutzbar: {self.llm_problem}"
        return ReachabilityProbe.shared(self.settings).check().text

    def status(self, role: str = "admin") -> Status:
        """The index as ``role`` sees it: counts of its documents only, and no names of files
        that failed unless it sees everything."""
        status = self.assistant.status()
        if visible_to(role) is None:
            return status
        documents = self.documents(role)
        return replace(status, documents=len(documents), failed={}, skipped={},
                       passages=sum(d.passages for d in documents))

    def documents(self, role: str = "oeffentlich") -> list[Document]:
        return [d for d in self._documents if sees(role, d.visibility)]

    def document(self, doc_id: str, role: str = "oeffentlich") -> Document | None:
        return next((d for d in self.documents(role) if d.doc_id == doc_id), None)

    def document_passages(self, doc_id: str, role: str = "oeffentlich"
                          ) -> tuple[Document, list[ChunkRecord]] | None:
        """A document ``role`` may see, with its passages in reading order."""
        document = self.document(doc_id, role)
        if document is None:
            return None
        records = [r for r in self.assistant.records if _doc_id(r.corpus, r.source) == doc_id]
        return document, sorted(records, key=lambda r: r.position)

    def freeze(self, turn: Turn) -> str:
        """Keep ``turn`` as it is now (``/antwort/<id>``), for the roles that may see every
        document it draws on."""
        doc_ids = {_doc_id(p.corpus, p.source) for p in [*turn.answer.passages,
                                                        *turn.answer.citations]}
        roles = [role for role in ROLES
                 if all(self.document(doc_id, role) is not None for doc_id in doc_ids)]
        return self.saved.freeze(turn, self.assistant.manifest.built_at, roles)

    def doc_id_of(self, corpus: str, source: str) -> str:
        return _doc_id(corpus, source)

    def filter_choices(self, role: str = "oeffentlich") -> dict[str, list[Any]]:
        records = [r for r in self.assistant.records if sees(role, r.visibility)]
        bodies = sorted({r.body for r in records if r.body})
        order = ("Land", "Kreis", "Stadt / Gemeinde")
        types = sorted({r.doc_type for r in records if r.doc_type})
        return {
            "doc_type": types,
            "doc_type_labeled": [(TYPE_LABELS.get(t, t), t) for t in types],
            "body": bodies,
            # (label, value) for the chat's list: the state first, then Kreise, then towns.
            "body_grouped": [(f"{level_of(b)}: {b}", b)
                             for b in sorted(bodies, key=lambda b: (order.index(level_of(b)), b))],
            "year": sorted({r.year for r in records if r.year}),
            "documents": [(f"{d.title} ({d.source})", d.source) for d in self.documents(role)],
        }

    def inquiry_documents(self, role: str = "oeffentlich") -> list[Document]:
        """Indexed inquiries and motions, for drafting their answer."""
        return [d for d in self.documents(role) if d.doc_type in ASKING_TYPES]

    def read_inquiry(self, path: Path, name: str) -> Inquiry:
        """An uploaded inquiry: checked like any upload, read in the sandbox, not indexed."""
        check_upload(path, self.settings, name)
        return read_inquiry(path, name, Budget(self.settings.file_timeout_s,
                                               self.settings.file_memory_mb))

    def draft(self, inquiry: Inquiry, home: str, progress: Progress | None = None,
              role: str = "oeffentlich") -> Draft:
        return draft_answer(self.assistant, inquiry, home, progress, role)

    def upload(self, files: list[Path], progress: bool = True) -> UploadResult:
        """Check, store and index uploaded files. A file counts as accepted only once it is
        searchable; one the ingest cannot read is moved to quarantine and named with its reason."""
        with self._write_lock:
            indexed = self.assistant.manifest.files.values()
            # Hashed at ingest; the same content is refused, also twice in one upload.
            known = {e.sha256: e.source for e in indexed if e.sha256 and e.chunk_ids}
            stored: dict[Path, str] = {}  # stored path → the name the user uploaded
            rejected: dict[str, str] = {}
            for file in files:
                outcome = accept_upload(file, self.settings, known)
                if outcome.stored is None:
                    rejected[file.name] = outcome.error
                else:
                    stored[outcome.stored] = file.name
            if not stored:
                return UploadResult([], rejected, None)
            try:
                report = ingest(self.settings, progress=progress)
            except KimError:  # e.g. `kim ingest` is running: take the files back, change nothing
                for path in stored:
                    path.unlink(missing_ok=True)
                raise
            self._assistant = Assistant.open(self.settings)
            self._documents = self._read_documents()
            searchable = {d.path.resolve() for d in self._documents}
            accepted = []
            for path, name in stored.items():
                if path.resolve() in searchable:
                    accepted.append(name)
                else:
                    rejected[name] = _why_not_indexed(path, report)
            return UploadResult(accepted, rejected, report)

    def removable(self) -> list[Document]:
        """Documents uploaded in the chat; files in a corpus folder are managed there."""
        uploads = self.settings.upload_dir.resolve()
        return [d for d in self.documents("admin") if d.root.resolve() == uploads]

    def remove(self, doc_id: str, progress: bool = True) -> Document:
        """Take an uploaded document out of the index (incrementally). The file is not deleted
        but moved aside (``removed_dir``), so that nothing is lost by a wrong click."""
        with self._write_lock:
            document = next((d for d in self.removable() if d.doc_id == doc_id), None)
            if document is None:
                raise KimError("Dieses Dokument ist nicht (mehr) im Index oder liegt in einem "
                               "Korpusordner – dort löschen und `kim ingest` ausführen.")
            moved = _move_aside(document.path, self.settings.removed_dir)
            try:
                ingest(self.settings, progress=progress)
            except KimError:  # e.g. `kim ingest` is running: put everything back
                for original, aside in moved:
                    aside.replace(original)
                raise
            self._assistant = Assistant.open(self.settings)
            self._documents = self._read_documents()
            return document

    def _read_documents(self) -> list[Document]:
        manifest = self.assistant.manifest
        first: dict[tuple[str, str], ChunkRecord] = {}
        for record in self.assistant.records:
            first.setdefault((record.corpus, record.source), record)
        documents = []
        for key, entry in manifest.files.items():
            if entry.error or (entry.corpus, entry.source) not in first:
                continue
            record = first[(entry.corpus, entry.source)]
            root, inner = key.split("::", 1)  # the path exactly as on disk
            documents.append(Document(
                doc_id=_doc_id(entry.corpus, entry.source), title=record.title, body=record.body,
                date=record.date, doc_type=record.doc_type, visibility=record.visibility,
                passages=len(entry.chunk_ids),
                source=entry.source, path=Path(root) / inner, root=Path(root)))
        return sorted(documents, key=lambda d: (d.date or "0", d.title), reverse=True)


def _why_not_indexed(path: Path, report: IngestReport) -> str:
    relative = path.name
    reason = report.quarantined.get(relative) or report.failed.get(relative)
    if reason:
        return f"{reason} (Die Datei wurde nicht indexiert und zur Prüfung beiseitegelegt.)"
    return "Die Datei wurde gespeichert, ist aber nicht durchsuchbar – bitte `kim status` prüfen."


def _move_aside(path: Path, folder: Path) -> list[tuple[Path, Path]]:
    """Move a document and its metadata sidecar into ``folder`` (a time stamp keeps two
    removals of the same name apart); the pairs (original, moved)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    moved = []
    for original in [path, sidecar_of(path)]:
        if original is not None and original.exists():
            aside = folder / f"{stamp}_{original.name}"
            original.replace(aside)
            moved.append((original, aside))
    return moved


def _doc_id(corpus: str, source: str) -> str:
    return hashlib.sha1(f"{corpus}/{source}".encode()).hexdigest()[:16]
