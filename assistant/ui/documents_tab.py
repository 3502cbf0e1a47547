"""The „Dokumente“ tab: what the assistant searches, and for the administration uploading and
removing documents (each checked, indexed incrementally, and shown at once)."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.access.roles import can_upload
from assistant.errors import KimError
from assistant.ui import render
from assistant.ui.guard import WebAccess
from assistant.ui.service import ChatService
from assistant.ui.uploads import ACCEPTED

# "Ansehen": the document as the index cut it, passage by passage (the chunk preview).
DOC_COLUMNS = ["Titel", "Kommune / Gremium", "Datum", "Typ", "Passagen", "Datei", "Ansehen"]
IndexView = Callable[[gr.Request], tuple[Any, ...]]


def documents_tab(service: ChatService, access: WebAccess, status: list[gr.Markdown],
                  filters: list[gr.Dropdown], index_view: IndexView) -> dict[str, Any]:
    """``index_view`` gives the status, the rows, the removable documents and the filter
    choices anew (after an upload or a removal everything shows the new index)."""
    gr.Markdown("Diese Dokumente durchsucht der Assistent für Sie (so weit Ihre Rolle sie sehen "
                "darf). Die Verwaltung kann hier neue Dokumente (PDF, DOCX, TXT, HTML) hinzufügen; "
                "sie werden geprüft und sofort indexiert.")
    table = gr.Dataframe(document_rows(service, "oeffentlich"), headers=DOC_COLUMNS,
                         interactive=False, label="Indexierte Dokumente", elem_id="dokumente",
                         wrap=True, datatype=["str", "str", "str", "str", "number", "str",
                                              "markdown"])
    # Shown on load to roles that may upload; the gatekeeper refuses the others' uploads anyway.
    files = gr.File(label="Dokumente hochladen", file_count="multiple", type="filepath",
                    file_types=sorted(ACCEPTED), elem_id="hochladen", visible=False)
    upload = gr.Button("Hochladen und indexieren", variant="primary", elem_id="hochladen-knopf",
                       visible=False)
    message = gr.Markdown(elem_id="hochladen-meldung")
    with gr.Column(visible=False) as removal:
        gr.Markdown("#### Hochgeladenes Dokument entfernen")
        to_remove = gr.Dropdown([], value=None, label="Zu entfernendes Dokument",
                                elem_id="entfernen-auswahl",
                                info="Dokumente aus einem Korpusordner werden dort verwaltet.")
        ask = gr.Button("Entfernen …", elem_id="entfernen-knopf", size="sm")
        with gr.Column(visible=False) as confirm:
            question = gr.Markdown(elem_id="entfernen-frage")
            with gr.Row():
                yes = gr.Button("Ja, aus dem Index nehmen", variant="stop", elem_id="entfernen-ja")
                no = gr.Button("Abbrechen", elem_id="entfernen-nein")
        removed = gr.Markdown(elem_id="entfernen-meldung")
    refreshed = [*status, table, to_remove, *filters]

    def on_upload(paths: list[str] | None, request: gr.Request,
                  progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (Gradio's way)
                  ) -> tuple[Any, ...]:
        if not paths:
            return ("Bitte zuerst eine Datei auswählen.", gr.skip(), *[gr.skip()] * len(refreshed))
        try:
            identity = access.identify(request)
            if not can_upload(identity.role):
                raise KimError("Hochladen ist der Verwaltung vorbehalten.")
            progress(0, desc="Dateien prüfen …")
            result = service.upload([Path(p) for p in paths])
        except KimError as err:
            return (f"❌ Nichts aufgenommen: {err}", None, *index_view(request))
        finally:
            # Gradio's temporary copies go in any case: accepted files now live in the upload
            # folder, and refused ones (a 70 MB file, say) must not stay on disk.
            discard_uploads(paths)
        access.audit.record("hochladen", identity.name, rolle=identity.role,
                            aufgenommen=result.accepted, abgelehnt=result.rejected)
        return (render.upload_message(result), None, *index_view(request))

    upload.click(on_upload, files, [message, files, *refreshed], concurrency_limit=1,
                 api_visibility="private")
    ask.click(_ask_first(service), to_remove, [confirm, question, removed],
              api_visibility="private")
    no.click(lambda: (gr.Column(visible=False), "Nichts entfernt."), None, [confirm, removed],
             api_visibility="private")
    yes.click(_remover(service, access, index_view), to_remove, [confirm, removed, *refreshed],
              concurrency_limit=1, api_visibility="private")
    return {"refresh": [table, to_remove], "upload": [files, upload, removal]}


def _ask_first(service: ChatService) -> Any:
    def ask(doc_id: str | None) -> tuple[Any, ...]:
        """A removal is confirmed first, naming what goes and where the file ends up."""
        document = next((d for d in service.removable() if d.doc_id == doc_id), None)
        if document is None:
            return gr.Column(visible=False), "", "Bitte zuerst ein Dokument auswählen."
        folder = service.settings.removed_dir.name
        return (gr.Column(visible=True),
                f"„{document.title}“ ({document.source}, {document.passages} Passagen) aus dem "
                f"Index nehmen? Der Assistent zitiert es danach nicht mehr. Die Datei wird nicht "
                f"gelöscht, sondern in den Ordner „{folder}“ verschoben.", "")
    return ask


def _remover(service: ChatService, access: WebAccess, index_view: IndexView) -> Any:
    def remove(doc_id: str | None, request: gr.Request,
               progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (Gradio's way)
               ) -> tuple[Any, ...]:
        hidden = gr.Column(visible=False)
        try:
            identity = access.identify(request)
            if not can_upload(identity.role):
                raise KimError("Entfernen ist der Verwaltung vorbehalten.")
            progress(0, desc="Index wird aktualisiert …")
            document = service.remove(doc_id or "")
        except KimError as err:
            return (hidden, f"❌ Nichts entfernt: {err}", *index_view(request))
        access.audit.record("entfernen", identity.name, rolle=identity.role, datei=document.source)
        return (hidden, f"✓ „{document.title}“ ist aus dem Index genommen ({document.passages} "
                        f"Passagen). Die Datei liegt jetzt in „{service.settings.removed_dir}“.",
                *index_view(request))
    return remove


def removal_choices(service: ChatService, role: str) -> list[tuple[str, str]]:
    """Uploaded documents, offered only to roles that may remove them (the list would
    otherwise name non-public files to everyone)."""
    if not can_upload(role):
        return []
    return [(f"{d.title} ({d.source})", d.doc_id) for d in service.removable()]


def role_of(access: WebAccess, request: gr.Request) -> str:
    try:
        return access.identify(request).role
    except KimError:
        return "oeffentlich"  # what everyone may see; the gatekeeper stops strangers before


def discard_uploads(paths: list[str]) -> None:
    """Delete the temporary copies Gradio keeps of uploaded files (a refused 70 MB file would
    otherwise stay on disk)."""
    for path in paths:
        Path(path).unlink(missing_ok=True)


def document_rows(service: ChatService, role: str) -> list[list[Any]]:
    return [[d.title, d.body, render.german_date(d.date), d.doc_type, d.passages, d.source,
             f"[Text und Passagen](/dokument/{d.doc_id}/text)"]
            for d in service.documents(role)]
