"""The routes beside Gradio: sign-in, the document view, the JSON API, and errors in German."""

import html
import logging
import mimetypes
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fastapi
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.access.gate import COOKIE
from assistant.answer.models import ANSWER_MODES, Answer
from assistant.errors import InvalidFilter, InvalidQuestion, KimError
from assistant.llm.client import LlmUnavailable
from assistant.ui.answer_view import add_answer_view
from assistant.ui.document_view import add_document_view
from assistant.ui.guard import NotSignedIn, RateLimited, WebAccess
from assistant.ui.service import ChatService, Scope

log = logging.getLogger(__name__)

# Types a browser shows itself; everything else is offered as a download.
_INLINE = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8",
           ".md": "text/plain; charset=utf-8", ".html": "text/html; charset=utf-8",
           ".htm": "text/html; charset=utf-8"}
_STATUS_TEXT = {400: "Ungültige Anfrage.", 401: "Bitte anmelden.", 403: "Nicht erlaubt.",
                404: "Nicht gefunden – bitte die Adresse prüfen.",
                405: "Diese Methode ist hier nicht erlaubt.", 413: "Die Sendung ist zu groß.",
                429: "Zu viele Anfragen – bitte kurz warten."}
_SIGN_IN_PAGE = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Anmelden – KIM-Assistent</title>
<style>body{{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}}
label{{display:block;margin-top:1rem}}input{{width:100%;font-size:1rem;padding:.4rem}}
button{{margin-top:1.2rem;font-size:1rem;padding:.5rem 1.2rem}}.fehler{{color:#b00020}}</style>
</head><body><h1>KIM-Assistent</h1><p>Bitte melden Sie sich an.</p>{message}
<form method="post" action="/anmelden">
<input type="hidden" name="weiter" value="{target}">
<label for="name">Benutzername</label><input id="name" name="name" autocomplete="username" required>
<label for="passwort">Passwort</label>
<input id="passwort" name="passwort" type="password" autocomplete="current-password" required>
<button type="submit">Anmelden</button></form></body></html>"""


def add_routes(app: fastapi.FastAPI, service: ChatService, access: WebAccess) -> None:
    _sign_in_routes(app, access)
    german_errors(app)
    add_document_view(app, service, access)
    add_answer_view(app, service, access)

    @app.get("/dokument/{doc_id}")
    def open_document(doc_id: str, request: fastapi.Request) -> FileResponse:
        # Only files the index knows are served – never a path taken from the request – and
        # only to a role that may see them (the same 404 either way: no hint that it exists).
        identity = access.identify(request)
        document = service.document(doc_id, identity.role)
        if document is None or not _servable(document.path, document.root):
            raise fastapi.HTTPException(404, "Dokument nicht gefunden – vielleicht wurde es "
                                             "inzwischen aus dem Korpus entfernt.")
        access.audit.record("dokument", identity.name, rolle=identity.role, datei=document.source)
        suffix = document.path.suffix.lower()
        media = _INLINE.get(suffix) or mimetypes.guess_type(document.path.name)[0]
        disposition = "inline" if suffix in _INLINE else "attachment"
        # An uploaded HTML page must not run scripts in the chat's origin (it could upload files).
        headers = {"Content-Security-Policy": "sandbox"} if "html" in (media or "") else None
        return FileResponse(document.path, media_type=media or "application/octet-stream",
                            content_disposition_type=disposition, filename=document.path.name,
                            headers=headers)

    @app.post("/api/frage")
    async def ask(request: fastapi.Request) -> JSONResponse:
        """{"frage": …, "vorherige": …, "filter": {…}, "kommune": …} → the answer as in
        `kim ask --json`; errors as {"fehler": …, "status": …}."""
        try:
            body = await request.json()
        except ValueError:
            return _error(400, 'Bitte JSON senden, z. B. {"frage": "Was ist KIM?"}.')
        if not isinstance(body, dict) or not isinstance(body.get("frage"), str):
            return _error(400, 'Das Feld „frage“ (Text) fehlt, z. B. {"frage": "Was ist KIM?"}.')
        if not all(isinstance(body.get(k) or "", str) for k in ("vorherige", "kommune", "modus")):
            return _error(400, "„vorherige“, „kommune“ und „modus“ bitte als Text angeben.")
        try:
            # In a worker thread: answering must not stop the server from serving others.
            answer = await run_in_threadpool(ask_as, service, access, request, body["frage"],
                                             body.get("vorherige") or None,
                                             body.get("filter") or {}, body.get("kommune"),
                                             body.get("modus") or None)
            return JSONResponse(answer.to_json())
        except NotSignedIn as err:
            return _error(401, str(err))
        except RateLimited as err:
            return _error(429, str(err))
        except (InvalidQuestion, InvalidFilter, LlmUnavailable) as err:
            return _error(400, str(err))


def ask_as(service: ChatService, access: WebAccess, request: Any, question: str,
           previous: str | None, filters: Any, home: str | None = None,
           mode: str | None = None) -> Answer:
    """One question as the request's user: rate-limited, filtered by role, audited."""
    *_, answer = stream_as(service, access, request, question, previous, filters, home, mode,
                           stream=False)
    assert isinstance(answer, Answer)
    return answer


def stream_as(service: ChatService, access: WebAccess, request: Any, question: str,
              previous: str | None, filters: Any, home: str | None = None,
              mode: str | None = None, stream: bool = True, scope: Scope | None = None
              ) -> Iterator[str | Answer]:
    """As ``ask_as``; in LLM mode the growing raw text first, the checked answer last."""
    identity = access.identify(request)
    access.check_question_rate(identity, request)
    if not isinstance(filters, dict):
        raise InvalidFilter("„filter“ bitte als Objekt angeben, z. B. {\"jahr\": 2024}.")
    if mode not in (None, *ANSWER_MODES):
        raise InvalidFilter(f"„modus“ bitte als {' oder '.join(ANSWER_MODES)} angeben.")
    for item in service.answer_stream(question, previous, filters, home, identity.role, mode,
                                      stream, scope):
        yield item
    assert isinstance(item, Answer)
    access.audit.record("frage", identity.name, rolle=identity.role, frage=item.question,
                        quellen=sorted({c.source for c in item.citations}),
                        enthalten=item.abstained, modus=item.mode)


def _sign_in_routes(app: fastapi.FastAPI, access: WebAccess) -> None:
    @app.get("/anmelden")
    def sign_in_page(weiter: str = "/") -> HTMLResponse:
        return _page(_safe_target(weiter))

    @app.post("/anmelden", response_model=None)
    async def sign_in(request: fastapi.Request) -> Response:
        as_json = "json" in request.headers.get("content-type", "")
        try:
            data = await request.json() if as_json else dict(await request.form())
        except ValueError:
            return _error(400, 'Bitte {"name": …, "passwort": …} als JSON oder das Formular senden.')
        if not isinstance(data, dict):
            return _error(400, 'Bitte {"name": …, "passwort": …} senden.')
        name, password = str(data.get("name", "")), str(data.get("passwort", ""))
        target = _safe_target(str(data.get("weiter", "/")))
        address = request.client.host if request.client else "?"
        if not access.failed_sign_ins.allow(f"{name.lower()}|{address}"):
            message = "Zu viele Fehlversuche – bitte in 15 Minuten erneut versuchen."
            return _error(429, message) if as_json else _page(target, message, 429)
        # scrypt takes about 50 ms on purpose: off the event loop, so nobody else waits for it.
        user = await run_in_threadpool(access.gate.users.authenticate, name, password)
        if user is None:
            access.audit.record("anmeldung_fehlgeschlagen", name[:64], adresse=address)
            message = "Benutzername oder Passwort ist falsch."
            return _error(401, message) if as_json else _page(target, message, 401)
        access.failed_sign_ins.forget(f"{name.lower()}|{address}")
        access.audit.record("anmeldung", user.name, rolle=user.role, adresse=address)
        response: Response = (JSONResponse({"name": user.name, "rolle": user.role}) if as_json
                              else RedirectResponse(target, status_code=303))
        response.set_cookie(COOKIE, access.gate.session_cookie(user), httponly=True,
                            samesite="lax", secure=request.url.scheme == "https",
                            max_age=int(access.settings.session_hours * 3600))
        return response

    @app.get("/abmelden")
    def sign_out() -> RedirectResponse:
        response = RedirectResponse("/anmelden", status_code=303)
        response.delete_cookie(COOKIE)
        return response


def _page(target: str, message: str = "", status: int = 200) -> HTMLResponse:
    note = f'<p class="fehler" role="alert">{html.escape(message)}</p>' if message else ""
    return HTMLResponse(_SIGN_IN_PAGE.format(message=note, target=html.escape(target)),
                        status_code=status)


def _safe_target(target: str) -> str:
    """Only a path on this server: "//evil.example" or "https://…" would send users away."""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else "/"


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"fehler": message, "status": status}, status_code=status)


def german_errors(app: fastapi.FastAPI, ours: bool = True) -> None:
    """Errors as {"fehler": German text, "status": n} – also for Gradio's own routes (its app
    is mounted inside ours and handles its errors itself; a refused upload it answers as plain
    text, which the gatekeeper turns into German)."""

    async def http_error(_request: fastapi.Request, exc: StarletteHTTPException) -> JSONResponse:
        # Our own details are German; Gradio's and Starlette's ("Not Found") are English.
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else ""
        return _error(exc.status_code, detail or _STATUS_TEXT.get(exc.status_code, "Fehler."))

    app.add_exception_handler(StarletteHTTPException, http_error)  # type: ignore[arg-type]
    if ours:  # Gradio's client reads its own validation errors
        _validation_errors(app)


def _validation_errors(app: fastapi.FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid(_request: fastapi.Request, _exc: RequestValidationError) -> JSONResponse:
        return _error(400, "Die Anfrage ist unvollständig oder hat das falsche Format.")

    @app.exception_handler(KimError)
    async def kim_error(_request: fastapi.Request, exc: KimError) -> JSONResponse:
        return _error(401 if isinstance(exc, NotSignedIn) else 400, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(_request: fastapi.Request, exc: Exception) -> JSONResponse:
        log.error("Unerwarteter Fehler", exc_info=exc)
        return _error(500, "Interner Fehler – bitte noch einmal versuchen; bleibt er, steht der "
                           "Grund im Protokoll des Servers.")


def _servable(path: Path, root: Path) -> bool:
    """A regular file that is, after following links, still inside its corpus folder."""
    try:
        return path.is_file() and path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False
