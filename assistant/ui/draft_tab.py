"""The tab „Anfrage beantworten“: read an inquiry, check its questions, draft, edit, export.

Tables show numbers as plain cells, so "12." stays 12 (Markdown would renumber a list); the
preview is escaped HTML for the same reason.
"""

import html
import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.access.gate import Identity
from assistant.access.roles import can_draft
from assistant.drafting.draft import GAP, STATUS_LABELS, Draft, Source
from assistant.drafting.export import markdown_text, similar_line, source_line, to_docx, to_markdown
from assistant.drafting.inquiry import Inquiry, parse_inquiry
from assistant.drafting.questions import InquiryQuestion
from assistant.errors import KimError
from assistant.german.dates import german_date
from assistant.ui.guard import WebAccess
from assistant.ui.service import ChatService
from assistant.ui.uploads import ACCEPTED

QUESTION_COLUMNS = ["Nr.", "Frage"]
ANSWER_COLUMNS = ["Nr.", "Status", "Antwort"]
_STATUS_OF_LABEL = {label: status for status, label in STATUS_LABELS.items()}
FROM_INQUIRY = "– Kommune der Anfrage –"
_SUB_NUMBER = re.compile(r"^(\d+)\s*[a-z]\)?$")


def draft_tab(service: ChatService, access: WebAccess, home_choices: list[str]) -> dict[str, Any]:
    gr.Markdown("Eine Anfrage oder einen Antrag hochladen, einfügen oder aus dem Index wählen. "
                "Der Assistent liest die Fragen mit ihren Nummern, beantwortet jede aus den "
                "Unterlagen – nie aus Anfragen – und erstellt einen Entwurf mit Quellen für Word.")
    with gr.Row(equal_height=False):
        upload = gr.File(label="Anfrage hochladen (PDF, DOCX, TXT, HTML)", type="filepath",
                         file_types=sorted(ACCEPTED), elem_id="anfrage-datei")
        pasted = gr.Textbox(label="… oder den Text einfügen", lines=6, max_lines=12,
                            elem_id="anfrage-text")
        indexed = gr.Dropdown(_indexed_choices(service, "oeffentlich"), value=None,
                              label="… oder aus dem Index", elem_id="anfrage-index")
    read = gr.Button("Anfrage lesen", variant="primary", elem_id="anfrage-lesen")
    header = gr.Markdown(elem_id="anfrage-kopf")
    questions = gr.Dataframe(headers=QUESTION_COLUMNS, datatype=["str", "str"], value=None,
                             interactive=True, wrap=True, elem_id="anfrage-fragen",
                             max_height=2400,  # the whole list at once, no scrolling inside
                             label="Fragen – Text ändern, Zeilen ergänzen; eine geleerte Zeile "
                                   "entfällt (so werden Fragen zusammengeführt)")
    with gr.Row():
        home = gr.Dropdown([FROM_INQUIRY, *home_choices],
                           value=service.settings.kommune or FROM_INQUIRY,
                           label="Antwort für die Kommune", allow_custom_value=True,
                           info="Belegt wird nur mit Unterlagen dieser Kommune",
                           elem_id="entwurf-kommune")
        start = gr.Button("Antworten entwerfen", variant="primary", elem_id="entwurf-knopf")
    answers = gr.Dataframe(headers=ANSWER_COLUMNS, datatype=["str", "str", "str"], value=None,
                           interactive=True, wrap=True, static_columns=[0], max_height=3200,
                           elem_id="entwurf-tabelle",
                           label="Entwurf – Status (beantwortet / teilweise / offen) und Antwort "
                                 "sind bearbeitbar")
    with gr.Row():
        docx = gr.DownloadButton("Als Word (DOCX) herunterladen", value=None, interactive=False,
                                 elem_id="entwurf-docx")
        markdown = gr.DownloadButton("Als Markdown herunterladen", value=None, interactive=False,
                                     elem_id="entwurf-md")
    preview = gr.HTML(elem_id="entwurf-vorschau")
    inquiry_state, draft_state = gr.State(None), gr.State(None)

    def on_read(path: str | None, text: str, doc_id: str | None,
                request: gr.Request) -> tuple[Any, ...]:
        try:
            inquiry = _read(service, path, text, doc_id, _drafter(access, request).role)
        except KimError as err:
            gr.Warning(str(err))
            return gr.skip(), gr.skip(), gr.skip()
        rows = [[q.n, q.text] for q in inquiry.questions]
        return inquiry, _header_markdown(inquiry), rows

    def on_draft(inquiry: Inquiry | None, rows: Any, chosen: str, request: gr.Request,
                 progress: gr.Progress = gr.Progress(),  # noqa: B008 (Gradio's way)
                 ) -> tuple[Any, ...]:
        try:
            identity = _drafter(access, request)
        except KimError as err:
            gr.Warning(str(err))
            return (gr.skip(),) * 5
        if inquiry is None:
            gr.Warning("Bitte zuerst eine Anfrage lesen.")
            return (gr.skip(),) * 5
        inquiry.questions = questions_from_rows(rows)
        if not inquiry.questions:
            gr.Warning("Die Fragenliste ist leer – bitte Fragen eintragen.")
            return (gr.skip(),) * 5

        def step(done: int, total: int, _question: str) -> None:
            progress((done, total), desc=f"Frage {done + 1} von {total} …", unit="Fragen")

        draft = service.draft(inquiry, "" if chosen == FROM_INQUIRY else chosen, step,
                              identity.role)
        access.audit.record("entwurf", identity.name, rolle=identity.role, anfrage=inquiry.title,
                            fragen=len(inquiry.questions))
        return (draft, [[i.n, STATUS_LABELS[i.status], i.answer] for i in draft.items],
                *_outputs(service, draft))

    def on_edit(draft: Draft | None, rows: Any) -> tuple[Any, ...]:
        if draft is None:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip()
        apply_edits(draft, rows)
        return (draft, *_outputs(service, draft))

    read.click(on_read, [upload, pasted, indexed], [inquiry_state, header, questions],
               api_visibility="private")
    start.click(on_draft, [inquiry_state, questions, home],
                [draft_state, answers, docx, markdown, preview], concurrency_limit=1,
                api_visibility="private")
    answers.input(on_edit, [draft_state, answers], [draft_state, docx, markdown, preview],
                  api_visibility="private")
    return {"indexed": indexed, "refresh": _refresh(service, access)}


def _refresh(service: ChatService, access: WebAccess) -> Callable[[gr.Request], Any]:
    def refresh(request: gr.Request) -> Any:
        """The indexed inquiries the user may see (none for a role that does not draft)."""
        try:
            role = _drafter(access, request).role
        except KimError:
            return gr.Dropdown(choices=[])
        return gr.Dropdown(choices=_indexed_choices(service, role))
    return refresh


def _drafter(access: WebAccess, request: gr.Request) -> Identity:
    """The signed-in user, if drafting the administration's answer is their work."""
    identity = access.identify(request)
    if not can_draft(identity.role):
        raise KimError("Antworten entwerfen ist der Verwaltung vorbehalten.")
    return identity


def _indexed_choices(service: ChatService, role: str) -> list[tuple[str, str]]:
    return [(f"{d.title} ({d.body}, {german_date(d.date)})" if d.date else d.title, d.doc_id)
            for d in service.inquiry_documents(role)]


def _read(service: ChatService, path: str | None, text: str, doc_id: str | None,
          role: str) -> Inquiry:
    if path:
        return service.read_inquiry(Path(path), Path(path).name)
    if text and text.strip():
        limit = 200_000
        if len(text) > limit:
            raise KimError(f"Der eingefügte Text ist zu lang ({len(text)} Zeichen, höchstens "
                           f"{limit}) – bitte nur die Anfrage einfügen.")
        return parse_inquiry(text)
    document = service.document(doc_id, role) if doc_id else None
    if document is None:
        raise KimError("Bitte eine Anfrage hochladen, ihren Text einfügen oder eine aus dem "
                       "Index wählen.")
    return service.read_inquiry(document.path, document.source)


def questions_from_rows(rows: Any) -> list[InquiryQuestion]:
    """The edited list: rows without text are dropped; "3a" below "3" is its sub-question."""
    questions: list[InquiryQuestion] = []
    for position, row in enumerate(_row_values(rows), start=1):
        number, text = (str(cell or "").strip() for cell in [*list(row), "", ""][:2])
        if not text:
            continue
        sub = _SUB_NUMBER.match(number)
        parent = sub.group(1) if sub and any(q.n == sub.group(1) for q in questions) else ""
        questions.append(InquiryQuestion(number or str(position), " ".join(text.split()), parent))
    return questions


def apply_edits(draft: Draft, rows: Any) -> None:
    """Status and answer as edited; the numbers are fixed (the column cannot be edited)."""
    for item, row in zip(draft.items, _row_values(rows), strict=False):
        label, answer = str(row[1] or "").strip(), str(row[2] or "").strip()
        item.status = _STATUS_OF_LABEL.get(label.lower(), item.status)
        item.answer = answer or GAP


def _row_values(rows: Any) -> list[list[Any]]:
    """A Dataframe's value as rows (Gradio passes a pandas DataFrame; tests pass lists)."""
    return rows.values.tolist() if hasattr(rows, "values") else list(rows or [])


def _outputs(service: ChatService, draft: Draft) -> tuple[Any, ...]:
    folder = Path(tempfile.mkdtemp(prefix="kim-entwurf-"))
    name = _file_name(draft.inquiry)
    docx_path, md_path = folder / f"{name}.docx", folder / f"{name}.md"
    docx_path.write_bytes(to_docx(draft))
    md_path.write_text(to_markdown(draft), encoding="utf-8")
    return (gr.DownloadButton(value=str(docx_path), interactive=True),
            gr.DownloadButton(value=str(md_path), interactive=True),
            preview_html(draft, lambda source: _document_link(service, source)))


def _file_name(inquiry: Inquiry) -> str:
    day = inquiry.date or "ohne-datum"
    return f"antwort-{inquiry.kind.lower()}-{day}"


def _header_markdown(inquiry: Inquiry) -> str:
    facts = [("Art", inquiry.kind), ("Von", inquiry.party), ("Kommune", inquiry.body),
             ("An", inquiry.addressee), ("Datum", german_date(inquiry.date) if inquiry.date else ""),
             ("Betreff", inquiry.title)]
    lines = [f"- **{label}:** {markdown_text(value)}" for label, value in facts if value]
    count = len(inquiry.questions)
    lines.append(f"- **Fragen:** {count}" + (" – bitte prüfen und ggf. ergänzen" if count else
                                             " – keine gefunden; bitte unten eintragen"))
    if inquiry.reasons:
        lines.append(f"- **Begründung:** {len(inquiry.reasons.split())} Wörter (nicht als Frage "
                     "gewertet)")
    return "\n".join(lines)


def _document_link(service: ChatService, source: Source) -> str:
    anchor = f"#page={source.page}" if source.source.lower().endswith(".pdf") else ""
    return f"/dokument/{service.doc_id_of(source.corpus, source.source)}{anchor}"


def preview_html(draft: Draft, link: Callable[[Source], str]) -> str:
    e = html.escape
    parts = [f"<h3>{e(draft.inquiry.reference_line)}</h3>"]
    if draft.answered_by:
        parts.append(f"<p class='beantwortet'>ℹ️ Zu dieser Anfrage liegt im Index schon eine Antwort "
                     f"vor: {e('; '.join(draft.answered_by))}. Der Entwurf dient zum Abgleich.</p>")
    for item in draft.items:
        parts.append(f"<h4>Zu Frage {e(item.n)} ({STATUS_LABELS[item.status]})</h4>"
                     f"<blockquote>{e(item.text)}</blockquote>")
        answer = e(item.answer).replace("\n", "<br>")
        parts.append(f"<p><mark>{answer}</mark></p>" if item.status == "open" else f"<p>{answer}</p>")
        if item.similar:
            entries = "".join(f"<li>{e(similar_line(s))}</li>"
                              for s in item.similar)
            parts.append(f"<details><summary>Frühere und ähnliche Antworten "
                         f"({len(item.similar)})</summary><ul>{entries}</ul></details>")
    if draft.sources:
        entries = "".join(f"<li>[{s.n}] {e(source_line(s))} – <a href='{e(link(s))}' "
                          f"target='_blank'>Dokument öffnen</a></li>" for s in draft.sources)
        parts.append(f"<h4>Quellen</h4><ul class='entwurf-quellen'>{entries}</ul>")
    return "\n".join(parts)
