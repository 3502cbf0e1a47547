"""`kim serve` / `python app.py`: the chat on 127.0.0.1:7860, behind the gatekeeper (ui/guard.py)."""

import logging
import os
import socket
from typing import TYPE_CHECKING

from assistant.config import Settings
from assistant.errors import KimError
from assistant.ui.guard import GuardMiddleware, WebAccess
from assistant.ui.service import ChatService

if TYPE_CHECKING:  # both load slowly; imported when the server starts
    import fastapi
    import gradio

log = logging.getLogger(__name__)


def create_app(service: ChatService, access: WebAccess | None = None) -> "fastapi.FastAPI":
    import fastapi
    import gradio as gr
    from starlette.routing import Mount

    from assistant.ui.app import build_app
    from assistant.ui.page import CSS, KEEP_HEAD
    from assistant.ui.routes import add_routes, german_errors

    access = access or WebAccess(service.settings)
    app = fastapi.FastAPI(title="KIM-Assistent", docs_url=None, redoc_url=None, openapi_url=None)
    add_routes(app, service, access)
    # The page is German whatever the browser's language (screen readers pick the voice by it).
    # No run history: it would keep answers from non-public documents in a shared browser.
    app = gr.mount_gradio_app(app, build_app(service, access), path="", theme=_theme(), css=CSS,
                              head=KEEP_HEAD,
                              js="() => { document.documentElement.lang = 'de'; }",
                              footer_links=[], show_error=False, run_history=False,
                              max_file_size=int(service.settings.max_file_mb * 1024 * 1024))
    for mounted in app.routes:  # Gradio's own app, mounted at "/"
        if isinstance(mounted, Mount) and mounted.app is not app:
            german_errors(mounted.app, ours=False)  # type: ignore[arg-type]
    app.add_middleware(GuardMiddleware, access=access)
    return app


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
    access = WebAccess(settings)
    warning = access.gate.check_startup()  # refuses an open network address without sign-in
    service = ChatService.start(settings)
    app = create_app(service, access)
    status = service.status()
    print(f"Suche: {status.search}" + (f" – {status.reason}" if status.reason else ""))
    print(f"Zugang: {access.gate.mode()}")
    if warning:
        log.warning("%s", warning)
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
