"""`kim serve` / `python app.py`: the chat on 127.0.0.1:7860, plus a route that opens documents."""

import mimetypes
import os
import socket
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.errors import KimError
from assistant.ui.service import ChatService

if TYPE_CHECKING:  # both load slowly; imported when the server starts
    import fastapi
    import gradio

# Types a browser shows itself; everything else is offered as a download.
_INLINE = {".pdf": "application/pdf", ".txt": "text/plain; charset=utf-8",
           ".md": "text/plain; charset=utf-8", ".html": "text/html; charset=utf-8",
           ".htm": "text/html; charset=utf-8"}


def create_app(service: ChatService) -> "fastapi.FastAPI":
    import fastapi
    import gradio as gr
    from fastapi.responses import FileResponse

    from assistant.ui.app import CSS, build_app

    app = fastapi.FastAPI(title="KIM-Assistent", docs_url=None, redoc_url=None)

    @app.get("/dokument/{doc_id}")
    def open_document(doc_id: str) -> FileResponse:
        # Only files the index knows are served – never a path taken from the request.
        document = service.document(doc_id)
        if document is None or not _servable(document.path, document.root):
            raise fastapi.HTTPException(404, "Dokument nicht gefunden – vielleicht wurde es "
                                             "inzwischen aus dem Korpus entfernt.")
        suffix = document.path.suffix.lower()
        media = _INLINE.get(suffix) or mimetypes.guess_type(document.path.name)[0]
        disposition = "inline" if suffix in _INLINE else "attachment"
        # An uploaded HTML page must not run scripts in the chat's origin (it could upload files).
        headers = {"Content-Security-Policy": "sandbox"} if "html" in (media or "") else None
        return FileResponse(document.path, media_type=media or "application/octet-stream",
                            content_disposition_type=disposition, filename=document.path.name,
                            headers=headers)

    # The page is German whatever the browser's language (screen readers pick the voice by it).
    return gr.mount_gradio_app(app, build_app(service), path="", theme=_theme(), css=CSS,
                               js="() => { document.documentElement.lang = 'de'; }",
                               footer_links=[], show_error=False)


def _servable(path: Path, root: Path) -> bool:
    """A regular file that is, after following links, still inside its corpus folder."""
    try:
        return path.is_file() and path.resolve(strict=True).is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        return False


def _theme() -> "gradio.themes.Base":
    import gradio as gr

    # System fonts: the default theme loads web fonts from Google, which offline offices lack.
    return gr.themes.Default(
        primary_hue="blue", neutral_hue="slate",
        font=["system-ui", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"],
        font_mono=["ui-monospace", "Consolas", "monospace"])


def serve(settings: Settings) -> None:
    import uvicorn

    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    _check_port(settings.host, settings.port)
    service = ChatService.start(settings)
    app = create_app(service)
    status = service.status()
    print(f"Suche: {status.search}" + (f" – {status.reason}" if status.reason else ""))
    print(f"KIM-Assistent läuft: http://{settings.host}:{settings.port}  (Beenden mit Strg+C)",
          flush=True)
    # Open browser tabs keep event streams alive: Strg+C must not wait for them forever.
    uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning",
                timeout_graceful_shutdown=3)


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as err:
            raise KimError(f"Port {port} auf {host} ist belegt oder nicht verfügbar ({err.strerror}) – "
                           f"einen anderen wählen: `kim serve --port {port + 1}` bzw. "
                           f"KIM_PORT={port + 1}.") from err
