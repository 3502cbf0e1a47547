"""Answers, sources, status and exports as text: Markdown for the chat, plain text to copy.

Pure functions of the answer, so they are tested without a browser.
"""

import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from assistant.access.roles import ROLE_NAMES
from assistant.answer.models import Answer, Passage
from assistant.engine import Status
from assistant.german.dates import german_date

if TYPE_CHECKING:
    from assistant.access.gate import Identity
    from assistant.ui.service import UploadResult

DocLink = Callable[[Passage], str]  # the URL that opens a passage's whole document
# A Markdown link or image: [label](address "title").
_MD_LINK = re.compile(r"!?\[([^\]\n]*)\]\(\s*<?([^()\s<>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# What a Markdown renderer would link by itself: web and mail addresses (without final punctuation).
_ADDRESS = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)[^\s<>`\"]+?(?=[.,;:!?)\]]*(?:\s|$))"
                      r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)


_CITATION_MARK = re.compile(r"(?<!\\)\[(\d{1,2})\]")
_LIST_NUMBER = re.compile(r"^(\s*)(\d+)([.)])(?=\s)", re.MULTILINE)


@dataclass
class Turn:
    """One question and its answer, as the conversation keeps them."""

    question: str
    answer: Answer

    @property
    def searched(self) -> str:
        return self.answer.question  # the follow-up completed from the previous question


def answer_markdown(turn: Turn, link: DocLink | None = None) -> str:
    """The answer for the chat; with ``link``, each [n] opens source n at the cited sentence."""
    text = inert_markdown(turn.answer.answer)
    if link is not None:
        text = clickable_citations(text, turn.answer.citations, link)
    if turn.answer.mode == "llm" and not turn.answer.abstained:
        text += "\n\n*Formuliert vom Sprachmodell; jeder Satz ist an seiner Quelle [n] geprüft.*"
    if turn.answer.unsupported:
        text += "\n\n" + removed_markdown(turn.answer)
    if turn.answer.fallback:
        text = f"*ℹ️ {_escape_md(turn.answer.fallback)}*\n\n{text}"
    if turn.searched != turn.question:
        text = f"*Gesucht wurde: „{_escape_md(turn.searched)}“*\n\n{text}"
    if turn.answer.stand_ins:
        text += f"\n\n*{_escape_md(stand_in_note(turn.answer))}*"
    if turn.answer.abstained and turn.answer.passages:
        text += "\n\nDie nächstliegenden Passagen stehen darunter – vielleicht helfen sie weiter."
    return text


def clickable_citations(markdown: str, citations: Sequence[Passage], link: DocLink) -> str:
    """"[2]" → a link to source 2 (its document at the cited sentence), in a new tab."""
    by_n = {p.n: p for p in citations}

    def linked(match: re.Match[str]) -> str:
        passage = by_n.get(int(match.group(1)))
        if passage is None:
            return match.group(0)
        return f"[\\[{passage.n}\\]]({link(passage)} \"Quelle {passage.n} öffnen\")"

    return _CITATION_MARK.sub(linked, markdown)


def removed_markdown(answer: Answer) -> str:
    """The generated sentences no cited passage supports, struck through, each with the reason."""
    def struck(text: str) -> str:
        return "~~" + _escape_md(text).replace("~", "\\~") + "~~"

    return "\n".join(f"- {struck(u['sentence'])} *(nicht belegt – entfernt: "
                     f"{_escape_md(u['reason'])})*" for u in answer.unsupported)


def pending_markdown(text: str) -> str:
    """The LLM's text while it is being written: shown as it comes, marked as not yet checked."""
    return (f"{inert_markdown(text)} ▍\n\n*Das Sprachmodell schreibt … Danach wird jeder Satz an "
            "seiner Quelle geprüft; nicht belegte Sätze werden entfernt.*")


def stand_in_note(answer: Answer) -> str:
    """Which thesaurus words the quotes hold instead of the question's own words."""
    pairs = "; ".join(f"statt „{word}“ „{' / '.join(mates)}“"
                      for word, mates in answer.stand_ins.items())
    return f"In den Quellen steht {pairs} (Thesaurus)."


def sources_title(answer: Answer) -> str:
    if answer.abstained:
        return f"Nächstliegende Passagen ({len(closest(answer))})"
    return f"Quellen ({len(answer.citations)})"


def closest(answer: Answer) -> list[Passage]:
    return answer.passages[:3]


def shown_sources(answer: Answer) -> list[Passage]:
    """The passages shown under an answer: its citations, or the closest ones when it abstains."""
    return closest(answer) if answer.abstained else answer.citations


def sources_markdown(answer: Answer, link: DocLink) -> str:
    return "\n\n".join(_source_block(p, link) for p in shown_sources(answer))


def _source_block(passage: Passage, link: DocLink) -> str:
    # Only a PDF has pages; a TXT, HTML or DOCX file would always say "S. 1".
    paged = passage.page and passage.source.lower().endswith(".pdf")
    page = f" · S. {passage.page}" if paged else ""
    related = "".join(f"<br>↳ {html.escape(label)}" for label in passage.related)
    head = (f"<p><strong>[{passage.n}] {html.escape(passage.title or passage.source)}</strong><br>"
            f"{html.escape(describe(passage))}{page} · "
            f'<a href="{html.escape(link(passage))}" target="_blank" rel="noopener">Dokument öffnen</a>'
            f"{related}</p>")
    text = excerpt(passage.text, passage.quotes)
    return f"{head}\n<blockquote>{highlight(text, passage.quotes)}</blockquote>"


def excerpt(text: str, quotes: Sequence[str], lead: int = 200) -> str:
    """The passage from shortly before its first quoted sentence: a quote deep in a passage would
    otherwise sit below the letterhead, out of sight."""
    starts = [span[0] for span in (quote_span(q, text) for q in quotes) if span]
    if not starts or min(starts) <= lead * 2:
        return text
    cut = min(starts) - lead
    boundary = max(text.rfind("\n", 0, cut), text.rfind(". ", 0, cut))
    if boundary < cut - lead:  # no line or sentence end close by: start at a word
        boundary = text.rfind(" ", 0, cut)
    return "… " + text[boundary + 1:].lstrip()


def quote_span(quote: str, text: str) -> tuple[int, int] | None:
    """Where ``quote`` stands in ``text`` (white space may differ), or None."""
    words = quote.split()
    match = re.search(r"\s+".join(map(re.escape, words)), text) if words else None
    return (match.start(), match.end()) if match else None


def describe(passage: Passage) -> str:
    kind = f"{passage.doc_type} {passage.reference}" if passage.reference else passage.doc_type
    parts = [passage.body, german_date(passage.date), kind]
    return " · ".join(p for p in parts if p) or passage.source


def highlight(text: str, quotes: Sequence[str]) -> str:
    """HTML of ``text`` with each quoted sentence in <mark> (white space may differ)."""
    escaped = html.escape(text)
    for quote in quotes:
        words = [re.escape(html.escape(w)) for w in quote.split()]
        if words:
            escaped = re.sub(r"\s+".join(words), lambda m: f"<mark>{m.group(0)}</mark>", escaped,
                             count=1)
    # Markdown still reads the HTML's text: "?__kvonr=…&__ktonr=" would turn into bold and lose
    # its underscores; a line opening with "12." would be renumbered as a list.
    escaped = escaped.replace("_", "&#95;").replace("*", "&#42;")
    return escaped.replace("\n", "<br>")


def plain_text(turn: Turn) -> str:
    """The answer with its sources, to paste into a reply or an e-mail."""
    answer = turn.answer
    lines = [f"Frage: {turn.question}", "", answer.answer, ""]
    if answer.stand_ins:
        lines += [stand_in_note(answer), ""]
    passages = closest(answer) if answer.abstained else answer.citations
    lines.append("Nächstliegende Passagen:" if answer.abstained else "Quellen:")
    for p in passages:
        page = f", S. {p.page}" if p.page else ""
        lines.append(f"[{p.n}] {p.title or p.source} – {describe(p)}{page} ({p.source})")
        lines += [f"    ({label})" for label in p.related]
        for quote in p.quotes:
            lines.append(f"    „{quote.strip()}“")
    return "\n".join(lines)


def conversation_markdown(turns: Sequence[Turn], when: datetime | None = None) -> str:
    stamp = (when or datetime.now()).strftime("%d.%m.%Y, %H:%M")
    out = [f"# KIM-Assistent – Gespräch vom {stamp}", ""]
    for i, turn in enumerate(turns, 1):
        out += [f"## Frage {i}: {turn.question}", ""]
        if turn.searched != turn.question:
            out += [f"*Gesucht wurde: „{turn.searched}“*", ""]
        out += [inert_markdown(turn.answer.answer), ""]
        if turn.answer.stand_ins:
            out += [f"*{stand_in_note(turn.answer)}*", ""]
        out += ["### " + sources_title(turn.answer), ""]
        passages = closest(turn.answer) if turn.answer.abstained else turn.answer.citations
        for p in passages:
            page = f", S. {p.page}" if p.page else ""
            out.append(f"- **[{p.n}] {p.title or p.source}** – {describe(p)}{page} (`{p.source}`)")
            out += [f"  > {q.strip()}" for q in p.quotes]
        out.append("")
    return "\n".join(out)


def identity_html(identity: "Identity | None") -> str:
    """Who the page serves (None: nobody signed in), and the way out (or in) – in this tab, not
    a new one."""
    sign_in = '<a href="/anmelden" target="_self">Anmelden</a>'
    if identity is None:
        return f"<p>Nicht angemeldet – {sign_in}</p>"
    role = ROLE_NAMES.get(identity.role, identity.role)
    if identity.via == "lokal":
        return "<p>Lokal auf diesem Rechner – alle Dokumente (keine Anmeldung eingerichtet)</p>"
    if identity.via == "anonym":
        return f"<p>Nicht angemeldet – nur öffentliche Dokumente · {sign_in}</p>"
    way_out = ' · <a href="/abmelden" target="_self">Abmelden</a>' if identity.via == "passwort" else ""
    return f"<p>Angemeldet als <strong>{html.escape(identity.name)}</strong> ({role}){way_out}</p>"


def status_line(status: Status) -> str:
    """What heads the page: how much the assistant knows, and since when, in plain words."""
    return (f"Der Assistent durchsucht **{status.documents} Dokumente** "
            f"(Stand: {german_timestamp(status.built_at)}). Details unter „Info“.")


def status_details(status: Status, llm: str = "") -> str:
    """The "Info" element: how questions are searched and answered, and why, in plain words;
    the technical reason last (``llm``: the LLM's status line, when one is configured)."""
    if status.retrieval == "lexical":
        search = ("nur nach Stichwörtern – eine Frage findet vor allem, was mit denselben Wörtern "
                  "im Dokument steht")
    else:
        search = ("nach Stichwörtern und nach Bedeutung – auch anders formulierte Fragen finden "
                  "ihre Stelle")
    lines = [f"**Suche:** {search}.",
             f"**Umfang:** {status.documents} Dokumente, zerlegt in {status.passages} Passagen; "
             f"Index vom {german_timestamp(status.built_at)}.",
             f"**Antworten:** {_escape_md(llm)}" if llm else
             "**Antworten:** wörtliche Zitate aus den Dokumenten, jede mit Quelle [n].",
             "*Technisch:* `" + (status.search + (f" – {status.reason}" if status.reason
                                                   else "")).replace("`", "'") + "`"]
    if status.failed:
        count = len(status.failed)
        files = "1 Datei" if count == 1 else f"{count} Dateien"
        lines.insert(2, f"**Nicht lesbar:** {files} (Gründe: `kim status`).")
    return "  \n".join(lines)


def german_timestamp(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%d.%m.%Y, %H:%M")
    except ValueError:
        return iso or "unbekannt"


def inert_markdown(text: str) -> str:
    """Document text in the assistant's voice: a link planted in a document ("[beim
    Ministerium](http://…)") must not become a clickable link in our answer. Links are shown as
    plain text with their address visible, in a code span, which Markdown never turns into a
    link; everything else is escaped."""
    text = _MD_LINK.sub(lambda m: f"{m.group(1)} ({m.group(2)})", text)
    parts, last = [], 0
    for match in _ADDRESS.finditer(text):
        parts += [_escape_md(text[last:match.start()]), f"`{match.group(0)}`"]
        last = match.end()
    return "".join([*parts, _escape_md(text[last:])])


def _escape_md(text: str) -> str:
    """Keep "[1]" and ordinary punctuation; stop stray Markdown/HTML from changing the layout."""
    # "](" escaped: no inline link can form from what is left, e.g. "[x](javascript:…(1))".
    text = (html.escape(text, quote=False).replace("*", "\\*").replace("_", "\\_")
            .replace("](", "]\\("))
    # "12." or "3)" opening a line would become a list that Markdown renumbers from 1 (or from
    # the first item): in documents built on numbered questions the number must stay.
    return _LIST_NUMBER.sub(lambda m: f"{m.group(1)}{m.group(2)}\\{m.group(3)}", text)


def upload_message(result: "UploadResult") -> str:
    lines = []
    if result.accepted:
        names = ", ".join(f"„{n}“" for n in result.accepted)
        lines.append(f"✅ Aufgenommen und indexiert: {names}.")
        if result.report is not None:
            lines.append(f"Der Index umfasst jetzt {result.report.documents} Dokumente mit "
                         f"{result.report.passages} Passagen.")
    for name, reason in result.rejected.items():
        lines.append(f"❌ „{name}“ wurde nicht aufgenommen: {reason} Der Index ist unverändert.")
    return "\n\n".join(lines)


def kept_html(conversation: str, frozen: str, lost: bool = False) -> str:
    """The marker that tells the page which conversation to keep (``page.KEEP_HEAD``; empty:
    none), and the link to the last answer, frozen to pass on."""
    marker = f'<span data-gespraech="{html.escape(conversation)}" hidden></span>'
    if lost:
        note = "Das gespeicherte Gespräch ist nicht mehr verfügbar – ein neues beginnt."
    elif frozen:
        note = (f'<a href="/antwort/{html.escape(frozen)}" target="_blank" rel="noopener">'
                "Link zu dieser Antwort</a> – eingefroren mit ihren Quellen, zum Weitergeben "
                "oder Ablegen. Das Gespräch bleibt auch nach dem Neuladen der Seite erhalten.")
    elif conversation:
        note = "Gespräch wiederhergestellt – es geht hier weiter."
    else:
        return marker
    return f'{marker}<p class="hinweis">{note}</p>'
