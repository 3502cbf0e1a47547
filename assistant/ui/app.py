"""The Gradio chat: question, answer with [n], a „Quellen“ block per answer, filters, documents."""

import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.access.roles import can_draft, can_upload
from assistant.answer.models import Answer, Passage
from assistant.errors import KimError
from assistant.feedback import record_feedback
from assistant.ui import render
from assistant.ui.document_view import text_view_link, uses_text_view
from assistant.ui.documents_tab import document_rows, documents_tab, removal_choices, role_of
from assistant.ui.draft_tab import draft_tab
from assistant.ui.guard import WebAccess
from assistant.ui.page import COPY_JS
from assistant.ui.render import Turn
from assistant.ui.routes import ask_as, stream_as
from assistant.ui.service import ChatService, Scope

log = logging.getLogger(__name__)
ALL = "Alle"
MODES = [("Sprachmodell (jeder Satz geprüft)", "llm"), ("Wörtliche Zitate", "extractive")]
NO_HOME = "– keine –"  # no home municipality: "unsere Stadt" is answered per municipality
EXAMPLES = ["Wer ist Mitglied der Lenkungsgruppe?",
            "Wie viel Geld stand 2022 im Landeshaushalt für KIM bereit?",
            "Welche Bausteine hat KIM?",
            "Welche Fragen stellen die Grünen im Kreis Kleve?"]
def build_app(service: ChatService, access: WebAccess) -> gr.Blocks:
    """What is built here is the same for everyone (public documents only); each page load then
    fills in what the signed-in role may see and do."""
    with gr.Blocks(title="KIM-Assistent", analytics_enabled=False) as demo:
        gr.Markdown("# KIM-Assistent\nFragen zum Kommunalen Integrationsmanagement (KIM) in NRW – "
                    "beantwortet aus den vorliegenden Dokumenten, jede Aussage mit Quelle.")
        who = gr.HTML(elem_id="angemeldet")
        status = gr.Markdown(render.status_line(service.status("oeffentlich")), elem_id="status")
        # The details in plain words go under "Info" at the foot of the page: the question field
        # keeps its place on the first screen.
        info = gr.Markdown(render.status_details(service.status("oeffentlich")),
                           elem_id="status-info", render=False)
        turns = gr.State([])
        with gr.Tabs():
            with gr.Tab("Chat", id="chat"):
                chat = _chat_tab(service, access, turns)
            with gr.Tab("Anfrage beantworten", id="anfrage", visible=False) as drafting_tab:
                drafting = draft_tab(service, access, service.filter_choices()["body"])
            with gr.Tab("Dokumente", id="dokumente"):
                documents = documents_tab(service, access, [status, info], chat["filters"],
                                          _index_view(service, access))
        with gr.Accordion("Info: wie der Assistent sucht", open=False, elem_id="info"):
            info.render()
        # Every page load shows the index as it is now (uploads change it while the app runs),
        # as far as the user's role may see it.
        demo.load(_index_view(service, access), None,
                  [status, info, *documents["refresh"], *chat["filters"]],
                  api_visibility="private")
        demo.load(_restore(service, access), None, chat["kept"], api_visibility="private")
        demo.load(_role_view(access), None,
                  [who, drafting_tab, *documents["upload"]], api_visibility="private")
        demo.load(drafting["refresh"], None, drafting["indexed"], api_visibility="private")
        gr.api(_api_ask(service, access), api_name="frage")
    demo.queue(default_concurrency_limit=4)
    return demo


def _chat_tab(service: ChatService, access: WebAccess, turns: gr.State) -> dict[str, Any]:
    choices = service.filter_choices()
    with gr.Row(equal_height=False):
        with gr.Column(scale=3, min_width=320):
            chatbot = gr.Chatbot(label="Gespräch", elem_id="gespraech", height=560,
                                 buttons=["copy", "copy_all"], group_consecutive_messages=False,
                                 feedback_options=("Like", "Dislike"),
                                 placeholder="Stellen Sie unten eine Frage. Jede Aussage der Antwort "
                                             "trägt eine Nummer [n], die auf ihre Quelle zeigt.")
            question = gr.Textbox(label="Ihre Frage", elem_id="frage",
                                  max_length=service.settings.max_question_chars,
                                  placeholder="z. B. Wer ist Mitglied der Lenkungsgruppe?",
                                  submit_btn="Fragen", lines=1)
            with gr.Row():
                # Only with an LLM configured; otherwise every answer is made of quotes.
                mode = gr.Radio(MODES, label="Antwort", elem_id="antwortart",
                                value="llm" if service.settings.llm_enabled else "extractive",
                                visible=service.settings.llm_enabled)
                stop = gr.Button("Antwort abbrechen", elem_id="abbrechen", variant="stop",
                                 visible=False, size="sm")
            gr.Examples(EXAMPLES, inputs=question, label="Beispiele")
        with gr.Column(scale=1, min_width=260):
            gr.Markdown("### Filter")
            doc_type = gr.Dropdown([(ALL, ALL), *choices["doc_type_labeled"]], value=ALL,
                                   label="Dokumenttyp", elem_id="filter-typ")
            body = gr.Dropdown([(ALL, ALL), *choices["body_grouped"]], value=ALL,
                               label="Kommune / Gremium", elem_id="filter-kommune")
            with_state = gr.Checkbox(True, label="Texte des Landes einbeziehen",
                                     elem_id="filter-land",
                                     info="Landestexte (Handlungskonzept, Erlasse) gelten auch für "
                                          "die gewählte Kommune.")
            years = [ALL, *map(str, choices["year"])]
            with gr.Row():
                year_from = gr.Dropdown(years, value=ALL, label="Jahr von", elem_id="filter-von",
                                        min_width=100)
                year_to = gr.Dropdown(years, value=ALL, label="Jahr bis", elem_id="filter-bis",
                                      min_width=100)
            with gr.Accordion("Dokumente eingrenzen", open=False, elem_id="eingrenzen"):
                only = gr.Dropdown(choices["documents"], multiselect=True, value=[],
                                   label="Nur in diesen Dokumenten", elem_id="nur-dokumente")
                without = gr.Dropdown(choices["documents"], multiselect=True, value=[],
                                      label="Ohne diese Dokumente", elem_id="ohne-dokumente")
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
            gr.HTML('<p id="kopieren-meldung" role="status" aria-live="polite"></p>')
            export = gr.DownloadButton("Gespräch als Markdown herunterladen", value=None,
                                       elem_id="export", interactive=False)
            new_chat = gr.Button("Neues Gespräch", elem_id="neu")
            kept_link = gr.HTML(elem_id="gespraech-adresse")
            gr.Markdown("### Rückmeldung")
            comment = gr.Textbox(label="Kommentar zur letzten Antwort (freiwillig)", lines=2,
                                 max_length=2000, elem_id="kommentar",
                                 info="Mit 👍 / 👎 unter einer Antwort bewerten Sie sie; ein "
                                      "Kommentar geht mit „Kommentar senden“ an die Betreuer.")
            send_comment = gr.Button("Kommentar senden", elem_id="kommentar-knopf", size="sm")
            thanks = gr.Markdown(elem_id="rueckmeldung-meldung")
    filters = [doc_type, body, year_from, year_to]
    asked = gr.State("")  # the question being answered, given back when the answer is stopped
    kept = gr.State("")  # the id the conversation is kept under ("" until the first answer)

    def begin(text: str, chosen: str) -> tuple[Any, ...]:
        return text, gr.Button(visible=chosen == "llm")

    started = question.submit(begin, [question, mode], [asked, stop], queue=False,
                              api_visibility="private")
    answering = started.then(_respond(service, access),
                             [question, turns, kept, home, mode, with_state, only, without,
                              *filters],
                             [chatbot, turns, question, copy_text, export, kept, kept_link],
                             api_visibility="private")
    answering.then(lambda: gr.Button(visible=False), None, stop, queue=False,
                   api_visibility="private")

    def stopped(turns: list[Turn], text: str) -> tuple[Any, ...]:
        note = gr.ChatMessage(role="assistant", content="*Antwort abgebrochen – nichts davon "
                              "übernommen. Die Frage steht wieder im Eingabefeld.*")
        shown = [*_messages(service, turns), gr.ChatMessage(role="user", content=text), note]
        return shown, text, gr.Button(visible=False)

    stop.click(stopped, [turns, asked], [chatbot, question, stop], cancels=[answering],
               queue=False, api_visibility="private")
    reset.click(lambda: [ALL] * 4 + [True, [], []], None, [*filters, with_state, only, without],
                api_visibility="private")
    copy.click(None, copy_text, None, js=COPY_JS)
    def forget() -> tuple[Any, ...]:
        return ([], [], "", gr.DownloadButton(value=None, interactive=False), "",
                render.kept_html("", ""))

    forgotten = [chatbot, turns, copy_text, export, kept, kept_link]
    new_chat.click(forget, None, forgotten, api_visibility="private")
    chatbot.like(_rated(service, access), turns, thanks, api_visibility="private")
    send_comment.click(_commented(service, access), [turns, comment], [thanks, comment],
                       api_visibility="private")
    # The chat's own bin icon empties the display; the memory for follow-ups must go with it.
    chatbot.clear(forget, None, forgotten, api_visibility="private")
    # What the page load refreshes for the user's role: the filter choices and the files; and
    # the conversation it brings back.
    return {"filters": [*filters, only, without], "kept": forgotten}


def _respond(service: ChatService, access: WebAccess) -> Any:
    def respond(question: str, turns: list[Turn], kept: str, home: str, mode: str, with_state: bool,
                only: list[str], without: list[str], doc_type: str, body: str, year_from: str,
                year_to: str, request: gr.Request) -> Iterator[tuple[Any, ...]]:
        """In LLM mode the text appears as it is written; the checked answer then replaces it."""
        previous = turns[-1].searched if turns else None
        answer: Answer | None = None
        try:
            for item in stream_as(service, access, request, question, previous,
                                  _filters(doc_type, body, year_from, year_to),
                                  "" if home == NO_HOME else home, mode,
                                  scope=Scope(with_state, only or [], without or [])):
                if isinstance(item, Answer):
                    answer = item
                else:
                    pending = [gr.ChatMessage(role="user", content=question),
                               gr.ChatMessage(role="assistant", content=render.pending_markdown(item))]
                    yield (_messages(service, turns) + pending, gr.skip(), "", *[gr.skip()] * 4)
        except KimError as err:
            gr.Warning(str(err))
            yield _messages(service, turns), gr.skip(), question, *[gr.skip()] * 4
            return
        assert answer is not None
        turns = [*turns, Turn(question, answer)]
        kept, frozen = _keep(service, access, request, kept, turns)
        yield (_messages(service, turns), turns, "", render.plain_text(turns[-1]),
               gr.DownloadButton(value=_export_file(turns), interactive=True), kept,
               render.kept_html(kept, frozen))
    return respond


def _keep(service: ChatService, access: WebAccess, request: gr.Request, kept: str,
          turns: list[Turn]) -> tuple[str, str]:
    """Store the conversation for its user (it survives a reload) and freeze its last answer to
    share; the conversation's id and the frozen answer's."""
    identity = access.identify(request)
    kept = kept or service.saved.new_id()
    try:
        service.saved.save_conversation(kept, identity.name, identity.role, turns)
        return kept, service.freeze(turns[-1])
    except OSError as err:  # a full disk costs the history, not the answer
        log.warning("Gespräch nicht gespeichert: %s", err)
        gr.Warning("Das Gespräch konnte nicht gespeichert werden – nach einem Neuladen ist es "
                   "weg. Bitte die Verwaltung informieren (Speicherplatz?).")
        return "", ""


def _restore(service: ChatService, access: WebAccess) -> Any:
    def restore(request: gr.Request) -> tuple[Any, ...]:
        """The conversation the page address names (?gespraech=…), if it is the user's."""
        wanted = request.query_params.get("gespraech", "")
        if not wanted:
            return (*[gr.skip()] * 5, render.kept_html("", ""))
        try:
            identity = access.identify(request)
        except KimError:
            return (*[gr.skip()] * 5, render.kept_html("", ""))
        turns = service.saved.load_conversation(wanted, identity.name, identity.role)
        if not turns:
            return (*[gr.skip()] * 5, render.kept_html("", "", lost=True))
        return (_messages(service, turns), turns, render.plain_text(turns[-1]),
                gr.DownloadButton(value=_export_file(turns), interactive=True), wanted,
                render.kept_html(wanted, ""))
    return restore


def _rated(service: ChatService, access: WebAccess) -> Any:
    def rated(turns: list[Turn], data: gr.LikeData, request: gr.Request) -> str:
        """👍 / 👎 on an answer (or its sources): stored for the maintainers."""
        turn = _turn_of_message(turns, data.index)
        if turn is None:
            return ""
        identity = access.identify(request)
        record_feedback(service.feedback, identity.name, identity.role, turn.answer,
                        helpful=data.liked is True)
        return "Danke – Ihre Bewertung ist gespeichert."
    return rated


def _commented(service: ChatService, access: WebAccess) -> Any:
    def commented(turns: list[Turn], comment: str, request: gr.Request) -> tuple[str, str]:
        if not turns:
            return "Bitte zuerst eine Frage stellen – der Kommentar gilt der letzten Antwort.", comment
        if not comment.strip():
            return "Bitte einen Kommentar eingeben.", comment
        identity = access.identify(request)
        record_feedback(service.feedback, identity.name, identity.role, turns[-1].answer,
                        helpful=None, comment=comment)
        return "Danke – Ihr Kommentar ist gespeichert.", ""
    return commented


def _turn_of_message(turns: list[Turn], index: Any) -> Turn | None:
    """The turn a chat message belongs to (each turn shows a question, an answer and, when
    there are any, its sources)."""
    position = index[0] if isinstance(index, (list, tuple)) else index
    seen = 0
    for turn in turns:
        size = 2 + bool(render.shown_sources(turn.answer))
        if position < seen + size:
            return turn
        seen += size
    return None


def _filters(doc_type: str, body: str, year_from: str, year_to: str) -> dict[str, Any]:
    chosen = {"doc_type": doc_type, "body": body, "year_from": year_from, "year_to": year_to}
    return {key: value for key, value in chosen.items() if value and value != ALL}


def _messages(service: ChatService, turns: list[Turn]) -> list[gr.ChatMessage]:
    def link(p: Passage) -> str:
        """A PDF at the cited page; any other file as text, at the cited passage."""
        doc_id = service.doc_id_of(p.corpus, p.source)
        if uses_text_view(p.source):
            return text_view_link(doc_id, p)
        return f"/dokument/{doc_id}" + (f"#page={p.page}" if p.page else "")

    messages = []
    for turn in turns:
        messages.append(gr.ChatMessage(role="user", content=turn.question))
        messages.append(gr.ChatMessage(role="assistant",
                                       content=render.answer_markdown(turn, link)))
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


def _index_view(service: ChatService, access: WebAccess) -> Any:
    def view(request: gr.Request) -> tuple[Any, ...]:
        """Status, document rows, removable documents and filter choices of the index as it
        is now, as far as the user may see it."""
        role = role_of(access, request)
        choices = service.filter_choices(role)
        years = [ALL, *map(str, choices["year"])]
        status = service.status(role)
        return (render.status_line(status), render.status_details(status, service.llm_status()),
                document_rows(service, role),
                gr.Dropdown(choices=removal_choices(service, role), value=None),
                gr.Dropdown(choices=[(ALL, ALL), *choices["doc_type_labeled"]]),
                gr.Dropdown(choices=[(ALL, ALL), *choices["body_grouped"]]),
                gr.Dropdown(choices=years), gr.Dropdown(choices=years),
                gr.Dropdown(choices=choices["documents"]), gr.Dropdown(choices=choices["documents"]))
    return view


def _role_view(access: WebAccess) -> Any:
    def view(request: gr.Request) -> tuple[Any, ...]:
        """Who is signed in, and the parts only some roles may use."""
        try:
            identity = access.identify(request)
        except KimError:
            return (render.identity_html(None), gr.Tab(visible=False), gr.File(visible=False),
                    gr.Button(visible=False), gr.Column(visible=False))
        uploads = can_upload(identity.role)
        return (render.identity_html(identity), gr.Tab(visible=can_draft(identity.role)),
                gr.File(visible=uploads), gr.Button(visible=uploads), gr.Column(visible=uploads))
    return view


def _api_ask(service: ChatService, access: WebAccess) -> Any:
    def frage(question: str, request: gr.Request, previous: str = "",
              filters: dict | None = None) -> dict:
        """Eine Frage beantworten; Ergebnis wie `kim ask --json`."""
        try:
            answer = ask_as(service, access, request, question, previous or None, filters or {})
        except KimError as err:
            raise gr.Error(str(err)) from err
        return dict(answer.to_json())
    return frage
