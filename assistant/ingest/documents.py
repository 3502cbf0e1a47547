"""One file to passages: load, normalise, read metadata, chunk, and tokenise once as a trial.

This is the job the sandbox runs per file (``JOB``), so everything that can fail on a file's
content fails here, inside the worker, and becomes that file's reason.
"""

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.german.analysis import GermanAnalyzer
from assistant.ingest.chunking import chunk_pages
from assistant.ingest.loaders import ReadLimits, load_document
from assistant.ingest.metadata import extract_metadata, read_sidecar
from assistant.ingest.scan import FoundFile, printable, sidecar_of
from assistant.records import ChunkRecord, chunk_id

JOB = "assistant.ingest.documents:read_file"


@dataclass(frozen=True)
class ReadRequest:
    file: FoundFile
    limits: ReadLimits
    target_words: int
    max_words: int


def read_file(request: ReadRequest) -> list[ChunkRecord]:
    found = request.file
    doc = load_document(found.path, request.limits)
    sidecar = sidecar_of(found.path)
    meta = extract_metadata(doc.text, doc.title or printable(found.path.stem), doc.fields,
                            sidecar)
    # The title the file itself carries (a Word title, an HTML <title>) beats one guessed from
    # the text, but not one a sidecar states (e.g. the paper's name from the council system).
    if doc.title and "title" not in doc.fields and not _states_title(sidecar):
        meta.title = doc.title
    chunks = chunk_pages(doc.pages, request.target_words, request.max_words)
    records = [
        ChunkRecord(
            id=chunk_id(found.key, c.position, c.text), text=c.text, source=found.source,
            corpus=found.corpus, title=meta.title, date=meta.date, year=meta.year, body=meta.body,
            doc_type=meta.doc_type, reference=meta.reference, visibility=meta.visibility,
            page=c.page, char_start=c.char_start, char_end=c.char_end, position=c.position,
            page_marks=c.page_marks,
        )
        for c in chunks
    ]
    analyzer = GermanAnalyzer()  # the index's analyzer adds only bounded compound splitting
    for record in records:
        analyzer.tokens(record.index_text)
        json.dumps(asdict(record), ensure_ascii=False).encode("utf-8")  # as the index writes it
    return records


def _states_title(sidecar: Path | None) -> bool:
    return sidecar is not None and bool({"title", "titel"} & read_sidecar(sidecar).keys())
