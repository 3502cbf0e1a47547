"""The web surface's gatekeeper, in front of everything Gradio serves.

Every request: a known Host (else 400, against DNS rebinding), a same-origin browser for anything
that changes state (else 403), a signed-in user unless the path is the sign-in itself (else the
sign-in page or 401), and for uploads a role that may upload, a size cap and a rate limit.
"""

import json
import logging
from collections.abc import Awaitable, Callable, Mapping, MutableMapping
from typing import Any
from urllib.parse import quote, urlsplit

from starlette.requests import cookie_parser

from assistant.access.audit import AuditLog
from assistant.access.gate import Gate, Identity
from assistant.access.limits import RateLimit
from assistant.access.roles import can_upload
from assistant.config import Settings
from assistant.errors import KimError

log = logging.getLogger(__name__)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]

OPEN_PATHS = {"/anmelden", "/abmelden", "/favicon.ico"}
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
UPLOAD_FILES_PER_REQUEST = 10  # the request cap is this many files of KIM_MAX_FILE_MB


class NotSignedIn(KimError):
    pass


class WebAccess:
    """Gate, audit log and rate limits of one running chat."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.gate = Gate(settings)
        self.audit = AuditLog(settings.audit_file)
        self.questions = RateLimit(settings.questions_per_minute, 60)
        self.uploads = RateLimit(settings.uploads_per_hour, 3600)
        self.failed_sign_ins = RateLimit(10, 900)  # per name and address

    @property
    def upload_cap(self) -> int:
        return int(self.settings.max_file_mb * UPLOAD_FILES_PER_REQUEST * 1024 * 1024)

    def identify(self, request: Any) -> Identity:
        """The user behind a Starlette request, or a ``gr.Request`` (which wraps one)."""
        headers, cookies, client = _parts(request)
        identity = self.gate.identify(headers, cookies, client)
        if identity is None:
            raise NotSignedIn("Bitte zuerst anmelden – die Sitzung ist abgelaufen oder fehlt. "
                              "Seite neu laden.")
        return identity

    def check_question_rate(self, identity: Identity, request: Any) -> None:
        # Anonymous visitors share a name, not a limit: each address counts for itself.
        key = identity.name if identity.via != "anonym" else f"anonym@{_parts(request)[2]}"
        if not self.questions.allow(key):
            raise RateLimited(f"Zu viele Fragen in kurzer Zeit ({self.questions.wait_text()}) – "
                              "bitte einen Moment warten.")


def _parts(request: Any) -> tuple[dict[str, str], dict[str, str], str | None]:
    """Headers (lower-case names), cookies and client address of a Starlette request or of a
    ``gr.Request`` (which wraps one); nothing when there is no HTTP request behind it."""
    raw = getattr(request, "request", None) or request
    try:
        headers = {k.lower(): v for k, v in raw.headers.items()}
        cookies = dict(raw.cookies)
        client = raw.client.host if raw.client else None
    except (AttributeError, TypeError):
        return {}, {}, None
    return headers, cookies, client


class RateLimited(KimError):
    pass


class GuardMiddleware:
    """Pure ASGI (Gradio's event streams pass untouched); added with ``app.add_middleware``."""

    def __init__(self, app: Any, access: WebAccess) -> None:
        self.app = app
        self.access = access

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in {"http", "websocket"}:
            return await self.app(scope, receive, send)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = _refusal(scope, headers, self.access)
        if refusal is None:
            if _is_upload(scope):
                send = self._german_upload_errors(send)
            elif scope["type"] == "http" and scope["method"] == "GET" and scope["path"] == "/":
                send = _german_page(send)
            return await self.app(scope, receive, send)
        status, message, location = refusal
        if scope["type"] == "websocket":
            return await send({"type": "websocket.close", "code": 1008})
        await _respond(send, status, message, location, _wants_html(headers))


    def _german_upload_errors(self, send: Send) -> Send:
        """Gradio answers a refused upload in English plain text; users get it in German."""
        refused: dict[str, int] = {}

        async def german_send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] >= 400:
                refused["status"] = message["status"]
                return
            if refused and message["type"] == "http.response.body":
                if message.get("more_body"):
                    return
                limit = self.access.settings.max_file_mb
                text = (f"Eine Datei ist größer als {limit:g} MB – bitte teilen oder die Grenze "
                        "KIM_MAX_FILE_MB anheben." if refused["status"] == 413 else
                        "Die Datei konnte nicht übertragen werden – bitte erneut versuchen.")
                await _respond(send, refused["status"], text, "", False)
                return
            await send(message)
        return german_send


# Gradio words its own controls ("Drop File Here") in the browser's language, read when its
# scripts start; this runs first, so everyone gets the German the rest of the product speaks.
_GERMAN_BROWSER = (b'<script>for (const [name, value] of [["language", "de-DE"], '
                   b'["languages", ["de-DE", "de"]]]) Object.defineProperty(navigator, name, '
                   b'{get: () => value});</script>')


def _german_page(send: Send) -> Send:
    """The page in German before any script runs: lang="de" (screen readers pick their rules by
    it) and the browser language Gradio sees. The start is held back until the body is known,
    since its length changes."""
    held: dict[str, Any] = {}

    async def german_send(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            held["start"] = message
            return
        if "start" in held and message["type"] == "http.response.body":
            start = held.pop("start")
            body = message.get("body", b"")
            if not message.get("more_body") and b'lang="en"' in body:
                body = body.replace(b'lang="en"', b'lang="de"', 1).replace(
                    b"<head>", b"<head>" + _GERMAN_BROWSER, 1)
                headers = [(k, v) for k, v in start["headers"] if k.lower() != b"content-length"]
                start = {**start, "headers": [*headers, (b"content-length", str(len(body)).encode())]}
                message = {**message, "body": body}
            await send(start)
        await send(message)
    return german_send


def _is_upload(scope: Scope) -> bool:
    return scope.get("method") == "POST" and scope["path"].rstrip("/").endswith("/upload")


def _refusal(scope: Scope, headers: Mapping[str, str], access: WebAccess
             ) -> tuple[int, str, str] | None:
    """(status, German message, redirect target) when the request must not pass."""
    if not access.gate.host_allowed(headers.get("host")):
        log.warning("Anfrage mit unbekanntem Host %r abgewiesen", headers.get("host"))
        return 400, ("Unbekannter Hostname – diese Adresse ist für den KIM-Assistenten nicht "
                     "freigegeben (KIM_ALLOWED_HOSTS)."), ""
    method, path = scope.get("method", "GET"), scope["path"]
    upload = _is_upload(scope)
    if method not in _SAFE_METHODS and not _same_origin(headers, access, strict=upload):
        return 403, ("Anfrage von einer fremden Seite abgewiesen – bitte den KIM-Assistenten "
                     "direkt aufrufen."), ""
    if path in OPEN_PATHS:
        return None
    client = scope.get("client")
    cookies = cookie_parser(headers.get("cookie", ""))
    identity = access.gate.identify(headers, cookies, client[0] if client else None)
    if identity is None:
        target = path + (f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else "")
        return 401, "Bitte anmelden.", f"/anmelden?weiter={quote(target)}"
    if upload:
        return _upload_refusal(headers, identity, access)
    return None


def _upload_refusal(headers: Mapping[str, str], identity: Identity, access: WebAccess
                    ) -> tuple[int, str, str] | None:
    if not can_upload(identity.role):
        access.audit.record("abgewiesen", identity.name, rolle=identity.role, was="Hochladen")
        return 403, "Hochladen ist der Verwaltung vorbehalten.", ""
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        length = 0
    if length > access.upload_cap:
        return 413, (f"Die Sendung ist zu groß ({length / 2**20:.0f} MB, höchstens "
                     f"{access.upload_cap / 2**20:.0f} MB) – bitte weniger oder kleinere Dateien "
                     "auf einmal hochladen."), ""
    if not access.uploads.allow(identity.name):
        return 429, (f"Zu viele Uploads ({access.uploads.wait_text()}) – bitte später "
                     "weitermachen."), ""
    return None


def _same_origin(headers: Mapping[str, str], access: WebAccess, strict: bool) -> bool:
    """A browser names the page that sent a request (Origin, else Referer); it must be ours.
    Clients that name none are scripts, not a foreign page – except for uploads (``strict``)."""
    sender = headers.get("origin") or headers.get("referer") or ""
    if not sender or sender == "null":
        return not strict and sender != "null"
    netloc = urlsplit(sender).netloc.lower()
    host = headers.get("host", "").lower()
    configured = {h.lower() for h in access.settings.allowed_hosts}
    return netloc == host or (urlsplit(sender).hostname or "") in configured


def _wants_html(headers: Mapping[str, str]) -> bool:
    return "text/html" in headers.get("accept", "")


async def _respond(send: Send, status: int, message: str, location: str, html_page: bool) -> None:
    if location and html_page:
        await _send(send, 303, b"", "text/plain; charset=utf-8", [(b"location", location.encode())])
        return
    body = json.dumps({"fehler": message, "status": status}, ensure_ascii=False).encode()
    await _send(send, status, body, "application/json; charset=utf-8", [])


async def _send(send: Send, status: int, body: bytes, media: str,
                extra: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media.encode()),
                            (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})
