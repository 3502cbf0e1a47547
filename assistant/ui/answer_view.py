"""``/antwort/<id>``: one answer frozen with its sources, to pass on or to file.

The page shows the answer as it was given (question, answer, the quoted passages) and the state of
the index it came from; it runs no script. It opens for the roles that could see all of its
sources, and for nobody else the same "not found" as for an unknown address.
"""

import html

import fastapi
from fastapi.responses import HTMLResponse

from assistant.ui.document_view import PAGE_CSS
from assistant.ui.guard import WebAccess
from assistant.ui.render import (
    closest,
    describe,
    excerpt,
    german_timestamp,
    highlight,
    sources_title,
    stand_in_note,
)
from assistant.ui.saved import Frozen
from assistant.ui.service import ChatService

_NOTE = ("Diese Antwort ist eingefroren: so, wie der Assistent sie am {created} gegeben hat, "
         "aus dem Index vom {index}. Spätere Änderungen an den Dokumenten ändern sie nicht.")


def add_answer_view(app: fastapi.FastAPI, service: ChatService, access: WebAccess) -> None:
    @app.get("/antwort/{answer_id}")
    def frozen_answer(answer_id: str, request: fastapi.Request) -> HTMLResponse:
        identity = access.identify(request)
        frozen = service.saved.frozen(answer_id)
        if frozen is None or identity.role not in frozen.roles:
            raise fastapi.HTTPException(404, "Antwort nicht gefunden – bitte den Link prüfen; "
                                             "gespeicherte Antworten werden nach "
                                             f"{service.settings.saved_days} Tagen gelöscht.")
        return HTMLResponse(answer_html(frozen), headers={
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})


def answer_html(frozen: Frozen) -> str:
    turn, answer = frozen.turn, frozen.turn.answer
    passages = closest(answer) if answer.abstained else answer.citations
    sources = []
    for p in passages:
        page = f" · S. {p.page}" if p.page and p.source.lower().endswith(".pdf") else ""
        sources.append(
            f'<section class="zitiert"><p class="kopf"><strong>[{p.n}] '
            f"{html.escape(p.title or p.source)}</strong><br>{html.escape(describe(p))}{page} · "
            f"Datei {html.escape(p.source)}"
            + "".join(f"<br>↳ {html.escape(label)}" for label in p.related)
            + f"</p>{highlight(excerpt(p.text, p.quotes), p.quotes)}"
            "</section>")
    searched = (f'<p class="hinweis">Gesucht wurde: „{html.escape(turn.searched)}“</p>'
                if turn.searched != turn.question else "")
    stand_ins = (f'<p class="hinweis">{html.escape(stand_in_note(answer))}</p>'
                 if answer.stand_ins else "")
    note = _NOTE.format(created=german_timestamp(frozen.created),
                        index=german_timestamp(frozen.index))
    return f"""<!doctype html>
<html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Antwort: {html.escape(turn.question)} – KIM-Assistent</title><style>{PAGE_CSS}</style></head>
<body><header><p class="hinweis">KIM-Assistent · <a href="/">zum Chat</a></p>
<h1>{html.escape(turn.question)}</h1>{searched}</header>
<main><p id="antwort">{html.escape(answer.answer).replace(chr(10), "<br>")}</p>{stand_ins}
<h2>{html.escape(sources_title(answer))}</h2>{"".join(sources)}
<p class="hinweis" id="eingefroren">{html.escape(note)}</p></main></body></html>"""
