"""The Gradio chat: question, answer with [n], a „Quellen“ block per answer, filters, documents."""

import tempfile
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answer.models import Passage
from assistant.errors import KimError
from assistant.ui import render
from assistant.ui.draft_tab import draft_tab
from assistant.ui.render import Turn
from assistant.ui.service import ChatService
from assistant.ui.uploads import ACCEPTED

ALL = "Alle"
NO_HOME = "– keine –"  # no home municipality: "unsere Stadt" is answered per municipality
DOC_COLUMNS = ["Titel", "Kommune / Gremium", "Datum", "Typ", "Passagen", "Datei"]
EXAMPLES = ["Wer ist Mitglied der Lenkungsgruppe?",
            "Wie viel Geld stand 2022 im Landeshaushalt für KIM bereit?",
            "Welche Bausteine hat KIM?",
            "Welche Fragen stellen die Grünen im Kreis Kleve?"]
COPY_JS = "(text) => { if (text) navigator.clipboard.writeText(text); }"
CSS = """
#status { font-size: 0.95rem; }
mark { background: #fff3a3; color: #1a1a1a; padding: 0 2px; }
blockquote { border-left: 4px solid #4b5563; margin: 0.3em 0 0.8em; padding-left: 0.8em; }
/* Gradio dims "thought" blocks; sources are evidence and must stay fully readable. */
#gespraech .thought-group .message-content { opacity: 1; }
"""


def build_app(service: ChatService) -> gr.Blocks:
    with gr.Blocks(title="KIM-Assistent", analytics_enabled=False) as demo:
        gr.Markdown("# KIM-Assistent\nFragen zum Kommunalen Integrationsmanagement (KIM) in NRW – "
                    "beantwortet aus den vorliegenden Dokumenten, jede Aussage mit Quelle.")
        status = gr.Markdown(render.status_markdown(service.status()), elem_id="status")
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chat = _chat_tab(service, turns)
            with gr.Tab("Anfrage beantworten", id="anfrage"):
                drafting = draft_tab(service, service.filter_choices()["body"])
            with gr.Tab("Dokumente", id="dokumente"):
                table = _documents_tab(service, status, chat["filters"])
        # Every page load shows the index as it is now (uploads change it while the app runs).
        demo.load(lambda: _index_view(service), None, [status, table, *chat["filters"]],
                  api_visibility="private")
        demo.load(drafting["refresh"], None, drafting["indexed"], api_visibility="private")
        gr.api(_api_ask(service), api_name="frage")
    demo.queue(default_concurrency_limit=4)
    return demo


def _chat_tab(service: ChatService, turns: gr.State) -> dict[str, Any]:
    choices = service.filter_choices()
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chatbot = gr.Chatbot(label="Gespräch", elem_id="gespraech", height=560,
                                 buttons=["copy", "copy_all"], group_consecutive_messages=False,
                                 placeholder="Stellen Sie unten eine Frage. Jede Aussage der Antwort "
                                             "trägt eine Nummer [n], die auf ihre Quelle zeigt.")
            question = gr.Textbox(label="Ihre Frage", elem_id="frage",
                                  max_length=service.settings.max_question_chars,
                                  placeholder="z. B. Wer ist Mitglied der Lenkungsgruppe?",
                                  submit_btn="Fragen", lines=1)
            gr.Examples(EXAMPLES, inputs=question, label="Beispiele")
        with gr.Column(scale=1, min_width=260):
            gr.Markdown("### Filter")
            doc_type = gr.Dropdown([ALL, *choices["doc_type"]], value=ALL, label="Dokumenttyp",
                                   elem_id="filter-typ")
            body = gr.Dropdown([ALL, *choices["body"]], value=ALL, label="Kommune / Gremium",
                               elem_id="filter-kommune")
            years = [ALL, *map(str, choices["year"])]
            with gr.Row():
                year_from = gr.Dropdown(years, value=ALL, label="Jahr von", elem_id="filter-von",
                                        min_width=100)
                year_to = gr.Dropdown(years, value=ALL, label="Jahr bis", elem_id="filter-bis",
                                      min_width=100)
            reset = gr.Button("Filter zurücksetzen", size="sm")
            home = gr.Dropdown([NO_HOME, *choices["body"]], label="Unsere Kommune",
                               value=service.settings.kommune or NO_HOME, allow_custom_value=True,
                               info="Für Fragen wie „Wie viel Geld bekommt unsere Stadt?“",
                               elem_id="heimatkommune")
            gr.Markdown("### Mitnehmen")
            # Gradio's own copy icon would sit inside the <label> and steal it from the text
            # field (screen readers then announce an unlabelled field): a separate button instead.
            copy_text = gr.Textbox(label="Letzte Antwort mit Quellen (als Text)", lines=6,
                                   max_lines=12, interactive=False, elem_id="kopieren")
            copy = gr.Button("Antwort mit Quellen kopieren", elem_id="kopieren-knopf")
            export = gr.DownloadButton("Gespräch als Markdown herunterladen", value=None,
                                       elem_id="export", interactive=False)
            new_chat = gr.Button("Neues Gespräch", elem_id="neu")
    filters = [doc_type, body, year_from, year_to]
    respond = _respond(service)
    question.submit(respond, [question, turns, home, *filters],
                    [chatbot, turns, question, copy_text, export], api_visibility="private")
    reset.click(lambda: [ALL] * 4, None, filters, api_visibility="private")
    copy.click(None, copy_text, None, js=COPY_JS)
    def forget() -> tuple[Any, ...]:
        return [], [], "", gr.DownloadButton(value=None, interactive=False)

    new_chat.click(forget, None, [chatbot, turns, copy_text, export], api_visibility="private")
    # The chat's own bin icon empties the display; the memory for follow-ups must go with it.
    chatbot.clear(forget, None, [chatbot, turns, copy_text, export], api_visibility="private")
    return {"filters": filters}


def _respond(service: ChatService) -> Any:
    def respond(question: str, turns: list[Turn], home: str, doc_type: str, body: str,
                year_from: str, year_to: str) -> tuple[Any, ...]:
        previous = turns[-1].searched if turns else None
        try:
            answer = service.ask(question, previous, _filters(doc_type, body, year_from, year_to),
                                 "" if home == NO_HOME else home)
        except KimError as err:
            gr.Warning(str(err))
            return gr.skip(), gr.skip(), question, gr.skip(), gr.skip()
        turns = [*turns, Turn(question, answer)]
        return (_messages(service, turns), turns, "", render.plain_text(turns[-1]),
                gr.DownloadButton(value=_export_file(turns), interactive=True))
    return respond


def _filters(doc_type: str, body: str, year_from: str, year_to: str) -> dict[str, Any]:
    chosen = {"doc_type": doc_type, "body": body, "year_from": year_from, "year_to": year_to}
    return {key: value for key, value in chosen.items() if value and value != ALL}


def _messages(service: ChatService, turns: list[Turn]) -> list[gr.ChatMessage]:
    def link(p: Passage) -> str:
        anchor = f"#page={p.page}" if p.page and p.source.lower().endswith(".pdf") else ""
        return f"/dokument/{service.doc_id_of(p.corpus, p.source)}{anchor}"

    messages = []
    for turn in turns:
        messages.append(gr.ChatMessage(role="user", content=turn.question))
        messages.append(gr.ChatMessage(role="assistant", content=render.answer_markdown(turn)))
        sources = render.sources_markdown(turn.answer, link)
        if sources:
            messages.append(gr.ChatMessage(role="assistant", content=sources, metadata={
                "title": render.sources_title(turn.answer)}))
    return messages


def _export_file(turns: list[Turn]) -> str:
    folder = Path(tempfile.mkdtemp(prefix="kim-export-"))
    path = folder / "kim-gespraech.md"
    path.write_text(render.conversation_markdown(turns), encoding="utf-8")
    return str(path)


def _documents_tab(service: ChatService, status: gr.Markdown,
                   filters: list[gr.Dropdown]) -> gr.Dataframe:
    gr.Markdown("Diese Dokumente durchsucht der Assistent. Neue Dokumente (PDF, DOCX, TXT, HTML) "
                "können hier hinzugefügt werden; sie werden geprüft und sofort indexiert.")
    table = gr.Dataframe(_document_rows(service), headers=DOC_COLUMNS, interactive=False,
                         label="Indexierte Dokumente", elem_id="dokumente", wrap=True)
    files = gr.File(label="Dokumente hochladen", file_count="multiple", type="filepath",
                    file_types=sorted(ACCEPTED), elem_id="hochladen")
    upload = gr.Button("Hochladen und indexieren", variant="primary", elem_id="hochladen-knopf")
    message = gr.Markdown(elem_id="hochladen-meldung")

    def on_upload(paths: list[str] | None,
                  progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (Gradio's way)
                  ) -> tuple[Any, ...]:
        if not paths:
            return ("Bitte zuerst eine Datei auswählen.", gr.skip(), *[gr.skip()] * (2 + len(filters)))
        progress(0, desc="Dateien prüfen …")
        try:
            result = service.upload([Path(p) for p in paths])
        except KimError as err:
            return (f"❌ Nichts aufgenommen: {err}", gr.skip(), *_index_view(service))
        return (render.upload_message(result), None, *_index_view(service))

    upload.click(on_upload, files, [message, files, status, table, *filters], concurrency_limit=1,
                 api_visibility="private")
    return table


def _index_view(service: ChatService) -> tuple[Any, ...]:
    """Status line, document rows and the filter choices of the index as it is now."""
    choices = service.filter_choices()
    years = [ALL, *map(str, choices["year"])]
    return (render.status_markdown(service.status()), _document_rows(service),
            gr.Dropdown(choices=[ALL, *choices["doc_type"]]), gr.Dropdown(choices=[ALL, *choices["body"]]),
            gr.Dropdown(choices=years), gr.Dropdown(choices=years))


def _document_rows(service: ChatService) -> list[list[Any]]:
    return [[d.title, d.body, render.german_date(d.date), d.doc_type, d.passages, d.source]
            for d in service.documents()]


def _api_ask(service: ChatService) -> Any:
    def frage(question: str, previous: str = "", filters: dict | None = None) -> dict:
        """Eine Frage beantworten; Ergebnis wie `kim ask --json`."""
        return dict(service.ask(question, previous or None, filters or {}).to_json())
    return frage
