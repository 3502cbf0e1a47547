"""One file to passages: load, normalise, read metadata, chunk, and tokenise once as a trial.

This is the job the sandbox runs per file (``JOB``), so everything that can fail on a file's
content fails here, inside the worker, and becomes that file's reason.
"""

import json
from dataclasses import asdict, dataclass

from assistant.german.analysis import GermanAnalyzer
from assistant.ingest.chunking import chunk_pages
from assistant.ingest.loaders import ReadLimits, load_document
from assistant.ingest.metadata import extract_metadata
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
    meta = extract_metadata(doc.text, printable(found.path.stem), doc.fields,
                            sidecar_of(found.path), file_title=doc.title or "")
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

