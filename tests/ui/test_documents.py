"""The „Dokumente“ view in chromium: the list, a good upload that becomes searchable, bad uploads."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import REPO
from tests.files import write_docx, write_encrypted_pdf
from tests.ui.conftest import ChatPage, RunningApp, start_app, stop_app

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    proc, running = start_app(tmp_path_factory.mktemp("docs"), [REPO / "corpus"])
    yield running
    stop_app(proc)


@pytest.fixture
def chat(app: RunningApp, browser: object) -> Iterator[ChatPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(app.url)
    yield ChatPage(page)
    context.close()


def open_documents(chat: ChatPage) -> None:
    chat.page.get_by_role("tab", name="Dokumente").click()
    chat.page.locator("#dokumente").wait_for()


def upload(chat: ChatPage, *files: Path) -> str:
    chat.page.locator("#hochladen input[type=file]").set_input_files([str(f) for f in files])
    chat.page.get_by_role("button", name="Hochladen und indexieren").click()
    message = chat.page.locator("#hochladen-meldung")
    message.get_by_text("aufgenommen").first.wait_for(timeout=120_000)
    return message.inner_text()


def status_counts(chat: ChatPage) -> str:
    """The status line once no update is pending (Gradio shows a running timer, "0.3s", while
    one is on its way)."""
    chat.page.wait_for_function(
        "() => !/^\\s*\\d+(\\.\\d+)?s/.test(document.querySelector('#status')?.innerText || '')",
        timeout=10_000)
    return chat.page.locator("#status").inner_text()


def document_count(status: str) -> int:
    match = re.search(r"(\d+) Dokumente", status)
    assert match, status
    return int(match.group(1))


def test_documents_view_lists_the_corpus(chat: ChatPage) -> None:
    open_documents(chat)
    table = chat.page.locator("#dokumente").inner_text()
    assert "Kommunales Integrationsmanagement" in table and "Land Nordrhein-Westfalen" in table


def test_uploaded_docx_is_indexed_and_answers(chat: ChatPage, tmp_path: Path) -> None:
    doc = write_docx(tmp_path / "Lotsenprojekt Musterstadt.docx", "Lotsenprojekt Musterstadt", [
        "Die Stadt Musterstadt hat im Jahr 2025 für das Lotsenprojekt insgesamt 17 "
        "Integrationslotsinnen eingestellt.",
        "Die Lotsinnen begleiten Neuzugewanderte zu Behörden und Beratungsstellen."])
    open_documents(chat)
    before = status_counts(chat)
    message = upload(chat, doc)
    assert "Aufgenommen und indexiert" in message and "Lotsenprojekt Musterstadt.docx" in message
    assert "Lotsenprojekt Musterstadt.docx" in chat.page.locator("#dokumente").inner_text()
    assert status_counts(chat) != before  # the status line counts the new document
    chat.page.reload()  # a new visitor sees the grown index, too
    expect(chat.page.locator("#status")).to_contain_text(f"{document_count(before) + 1} Dokumente")
    chat.page.get_by_role("tab", name="Chat").click()
    chat.ask("Wie viele Integrationslotsinnen hat Musterstadt eingestellt?")
    assert "17" in chat.last_answer()
    assert "Lotsenprojekt Musterstadt" in chat.last_sources().inner_text()


def test_bad_uploads_get_a_message_and_change_nothing(chat: ChatPage, tmp_path: Path,
                                                      app: RunningApp) -> None:
    broken = tmp_path / "kaputt.pdf"
    broken.write_bytes(os.urandom(2048))
    locked = write_encrypted_pdf(tmp_path / "geschuetzt.pdf", "Geheime Vorlage zum KIM")
    disguised = tmp_path / "vorlage.docx"
    disguised.write_bytes(b"%PDF-1.4 nicht wirklich ein Word-Dokument")
    open_documents(chat)
    before_status, before_table = status_counts(chat), chat.page.locator("#dokumente").inner_text()
    before_index = (app.index_dir / "manifest.json").read_bytes()
    message = upload(chat, broken, locked, disguised)
    assert "„kaputt.pdf“ wurde nicht aufgenommen" in message and "keine PDF" in message
    assert "„geschuetzt.pdf“ wurde nicht aufgenommen" in message and "passwortgeschützt" in message
    assert "„vorlage.docx“ wurde nicht aufgenommen" in message and "eine PDF" in message
    assert "Der Index ist unverändert" in message
    assert status_counts(chat) == before_status
    assert chat.page.locator("#dokumente").inner_text() == before_table
    assert (app.index_dir / "manifest.json").read_bytes() == before_index
    stored = {p.name for p in app.upload_dir.glob("*")} if app.upload_dir.exists() else set()
    assert not stored & {"kaputt.pdf", "geschuetzt.pdf", "vorlage.docx"}


def test_an_upload_is_removed_after_a_confirmation(chat: ChatPage, tmp_path: Path,
                                                   app: RunningApp) -> None:
    note = tmp_path / "Sprachcafe Beispielhausen.txt"
    note.write_text("Sprachcafé Beispielhausen\n\nDas Sprachcafé in Beispielhausen trifft sich "
                    "jeden Dienstag; im Jahr 2025 kamen 23 Teilnehmende regelmäßig.\n",
                    encoding="utf-8")
    open_documents(chat)
    before = status_counts(chat)
    assert "Aufgenommen und indexiert" in upload(chat, note)
    chat.choose("Zu entfernendes Dokument", "Sprachcafé Beispielhausen (Sprachcafe Beispielhausen.txt)")
    page = chat.page
    page.get_by_role("button", name="Entfernen …").click()
    question = page.locator("#entfernen-frage")
    expect(question).to_contain_text("aus dem Index nehmen?")
    page.get_by_role("button", name="Abbrechen").click()  # a wrong click changes nothing
    expect(page.locator("#entfernen-meldung")).to_contain_text("Nichts entfernt")
    assert (app.upload_dir / note.name).exists()
    page.get_by_role("button", name="Entfernen …").click()
    page.get_by_role("button", name="Ja, aus dem Index nehmen").click()
    expect(page.locator("#entfernen-meldung")).to_contain_text("ist aus dem Index genommen",
                                                               timeout=120_000)
    assert note.name not in page.locator("#dokumente").inner_text()
    assert document_count(status_counts(chat)) == document_count(before)
    assert not (app.upload_dir / note.name).exists()
    kept = list((app.upload_dir.parent / "uploads-entfernt").glob(f"*_{note.name}"))
    assert len(kept) == 1  # moved aside, not deleted
    page.get_by_role("tab", name="Chat").click()
    chat.ask("Wie viele Teilnehmende kamen 2025 ins Sprachcafé in Beispielhausen?")
    assert "Sprachcafe Beispielhausen.txt" not in chat.page.locator("#gespraech").inner_text()
