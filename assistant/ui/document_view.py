"""A document as readable text: its passages as the index holds them, the cited passage marked and
scrolled to, the quoted sentence highlighted.

For TXT, Markdown, HTML and Word files "Dokument öffnen" and a click on [n] come here instead of
to the raw file (which starts with front matter or markup, in a monospace font, at the top). A PDF
keeps its own viewer at the cited page. The page runs no script at all.
"""

import html
from urllib.parse import urlencode

import fastapi
from fastapi.responses import HTMLResponse

from assistant.answer.models import Passage
from assistant.records import ChunkRecord
from assistant.ui.guard import WebAccess
from assistant.ui.render import describe, highlight, quote_span
from assistant.ui.service import ChatService, Document

PAGE_CSS = """
body { font: 1.05rem/1.6 system-ui, sans-serif; color: #1a1a1a; max-width: 48rem; margin: 0 auto;
       padding: 1rem; }
header { border-bottom: 1px solid #ccc; margin-bottom: 1rem; }
h1 { font-size: 1.4rem; margin: 0.2em 0; }
section { padding: 0.6em 0.8em; margin: 0.4em 0; border-left: 4px solid transparent; }
section.zitiert { border-left-color: #4b5563; background: #f3f4f6; scroll-margin-top: 1rem; }
mark { background: #fff3a3; padding: 0 2px; }
.hinweis { color: #4b5563; font-size: 0.95rem; }
.kopf { color: #4b5563; font-size: 0.85rem; margin: 0 0 0.3em; }
"""


def uses_text_view(source: str) -> bool:
    """Everything but a PDF is read better as text than as the raw file."""
    return not source.lower().endswith(".pdf")


def text_view_link(doc_id: str, passage: Passage) -> str:
    """The view at ``passage``, its first quoted sentence given by position: no document text
    travels in the address (nor into logs, nor looks like a link to wherever it names)."""
    query = {"stelle": passage.chunk_id}
    span = quote_span(passage.quotes[0], passage.text) if passage.quotes else None
    if span:
        query.update(von=str(span[0]), bis=str(span[1]))
    return f"/dokument/{doc_id}/text?{urlencode(query)}#stelle"



def add_document_view(app: fastapi.FastAPI, service: ChatService, access: WebAccess) -> None:
    @app.get("/dokument/{doc_id}/text")
    def document_text(doc_id: str, request: fastapi.Request, stelle: str = "", von: int = 0,
                      bis: int = 0) -> HTMLResponse:
        identity = access.identify(request)
        found = service.document_passages(doc_id, identity.role)
        if found is None:  # the same 404 for "not there" and "not yours"
            raise fastapi.HTTPException(404, "Dokument nicht gefunden – vielleicht wurde es "
                                             "inzwischen aus dem Korpus entfernt.")
        document, records = found
        access.audit.record("dokument", identity.name, rolle=identity.role, datei=document.source)
        page = view_html(doc_id, document, records, stelle, von, bis)
        return HTMLResponse(page, headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


def view_html(doc_id: str, document: Document, records: list[ChunkRecord], cited: str,
              start: int = 0, end: int = 0) -> str:
    sections = []
    for number, record in enumerate(records, start=1):
        # Each passage headed by its number and size: how the index cut the document.
        head = (f'<p class="kopf">Passage {number} von {len(records)} · '
                f"{len(record.text.split())} Wörter</p>")
        if record.id == cited:
            quote = record.text[start:end] if 0 <= start < end <= len(record.text) else ""
            sections.append(f'<section id="stelle" class="zitiert">{head}'
                            f"{highlight(record.text, [quote] if quote else [])}</section>")
        else:
            sections.append(f"<section>{head}{highlight(record.text, [])}</section>")
    about = describe(Passage(n=0, chunk_id="", source=document.source, title=document.title,
                             page=0, text="", score=0, body=document.body, date=document.date,
                             doc_type=document.doc_type))
    title = html.escape(document.title or document.source)
    return f"""<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} – KIM-Assistent</title><style>{PAGE_CSS}</style></head>
<body><header><h1>{title}</h1><p>{html.escape(about)}</p>
<p class="hinweis">Der Text, wie der Assistent ihn gelesen hat; die zitierte Stelle ist grau
hinterlegt, der zitierte Satz gelb. ·
<a href="/dokument/{html.escape(doc_id)}">Originaldatei ({html.escape(document.source)})</a></p>
</header><main>{"".join(sections)}</main></body></html>"""
