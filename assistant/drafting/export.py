"""The draft as a Word document (python-docx) and as Markdown.

Question numbers are written as text ("Zu Frage 12"), never as automatic list numbering: Word
and Markdown renumber lists, and an answer to question 12 must stay the answer to question 12.
"""

import re
from datetime import date
from io import BytesIO
from pathlib import Path

from assistant.drafting.draft import GAP, STATUS_LABELS, Draft, DraftItem, Source
from assistant.drafting.similar import Similar
from assistant.german.dates import german_date

NOTE = ("Entwurf, erstellt mit dem KIM-Assistenten aus den indexierten Unterlagen – vor dem "
        "Versand prüfen. Zahlen in eckigen Klammern verweisen auf das Quellenverzeichnis.")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|])")
_MD_LIST_START = re.compile(r"^(\s*)(\d+)\.(\s)", re.MULTILINE)
_MD_BULLET_START = re.compile(r"^(\s*)([-+])(\s)", re.MULTILINE)
_CITE_MARK = re.compile(r"\\\[(\d+)\\\]")


def source_line(source: Source) -> str:
    parts = [source.title or source.source, source.body, german_date(source.date) if source.date
             else "", f"Vorlage {source.reference}" if source.reference else "",
             f"S. {source.page}", f"{source.corpus}/{source.source}"]
    return " – ".join(p for p in parts if p)


SIMILAR_HEADING = "Frühere und ähnliche Antworten (eigene und anderer Kommunen):"


def similar_line(similar: Similar) -> str:
    """"Kreis Wesel (02.05.2024, Vorlage 11/0873) auf „Wie lange …?“: Im Kreis Wesel warten …"."""
    facts = ", ".join(p for p in (german_date(similar.date) if similar.date else "",
                                  f"Vorlage {similar.reference}" if similar.reference else "") if p)
    where = f"{similar.body}{f' ({facts})' if facts else ''}"
    if similar.own:
        where = f"Eigene frühere Antwort – {where}"
    text = f"{where} auf „{' '.join(similar.question.split())}“: {' '.join(similar.answer.split())}"
    return text + "".join(f" ({label})" for label in similar.related)


def to_markdown(draft: Draft) -> str:
    inquiry = draft.inquiry
    lines = [f"# {markdown_text(inquiry.reference_line)}", ""]
    if inquiry.title:
        lines += [f"**Betreff:** {markdown_text(inquiry.title)}", ""]
    lines += [f"*{markdown_text(NOTE)}*", ""]
    for item in draft.items:
        lines += _item_markdown(item)
    if draft.sources:
        lines += ["## Quellen", ""]
        lines += [f"\\[{s.n}\\] {markdown_text(source_line(s))}  " for s in draft.sources]
    return "\n".join(lines).rstrip() + "\n"


def _item_markdown(item: DraftItem) -> list[str]:
    lines = [f"## Zu Frage {item.n} ({STATUS_LABELS[item.status]})", "", f"> {markdown_text(item.text)}", ""]
    answer = _CITE_MARK.sub(r"[\1]", markdown_text(item.answer)).replace("\n", "  \n")
    lines += [f"**{answer}**" if item.status == "open" else answer, ""]
    if item.missing:
        lines += ["**Offen – bitte ergänzen:** " + markdown_text(" ".join(item.missing)), ""]
    if item.closest:
        lines += ["Nächstliegende Passagen:", ""]
        lines += ["- " + markdown_text(f"{p.title} ({p.body}, S. {p.page}): „{_excerpt(p.text)}“")
                  for p in item.closest]
        lines.append("")
    if item.similar:
        lines += [SIMILAR_HEADING, ""]
        lines += [f"- {markdown_text(similar_line(s))}"
                  for s in item.similar]
        lines.append("")
    return lines


def markdown_text(text: str) -> str:
    """Text as Markdown shows it: no markup, and no line a renderer could renumber."""
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LIST_START.sub(r"\1\2\\.\3", text)
    return _MD_BULLET_START.sub(r"\1\\\2\3", text)


def _excerpt(text: str, limit: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + " …"


def to_docx(draft: Draft) -> bytes:
    from docx import Document
    from docx.enum.text import WD_COLOR_INDEX
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = draft.inquiry.reference_line
    doc.add_heading(draft.inquiry.reference_line, level=1)
    if draft.inquiry.title:
        doc.add_paragraph().add_run(f"Betreff: {draft.inquiry.title}").bold = True
    note = doc.add_paragraph().add_run(f"{NOTE} Stand: {date.today().strftime('%d.%m.%Y')}.")
    note.italic, note.font.size = True, Pt(9)
    for item in draft.items:
        doc.add_heading(f"Zu Frage {item.n} ({STATUS_LABELS[item.status]})", level=2)
        doc.add_paragraph(item.text, style="Quote")
        for line in item.answer.split("\n"):
            run = doc.add_paragraph().add_run(line.strip())
            if item.status == "open":
                run.bold, run.font.highlight_color = True, WD_COLOR_INDEX.YELLOW
        if item.missing:
            run = doc.add_paragraph().add_run("Offen – bitte ergänzen: " + " ".join(item.missing))
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        _docx_list(doc, "Nächstliegende Passagen:", [
            f"{p.title} ({p.body}, S. {p.page}): „{_excerpt(p.text)}“" for p in item.closest])
        _docx_list(doc, SIMILAR_HEADING, [
            similar_line(s) for s in item.similar])
    if draft.sources:
        doc.add_heading("Quellen", level=1)
        for source in draft.sources:
            doc.add_paragraph(f"[{source.n}] {source_line(source)}")
    buffer = BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _docx_list(doc: object, title: str, lines: list[str]) -> None:
    if not lines:
        return
    doc.add_paragraph().add_run(title).italic = True  # type: ignore[attr-defined]
    for line in lines:
        doc.add_paragraph(line, style="List Bullet")  # type: ignore[attr-defined]


def write_exports(draft: Draft, docx: Path | None = None, markdown: Path | None = None) -> None:
    if docx is not None:
        docx.write_bytes(to_docx(draft))
    if markdown is not None:
        markdown.write_text(to_markdown(draft), encoding="utf-8")


__all__ = ["GAP", "source_line", "to_docx", "to_markdown", "write_exports"]
