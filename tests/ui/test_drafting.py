"""„Anfrage beantworten“ in chromium: upload the Kleve inquiry (seed 004), see its 15 questions
with their original numbers, draft, download the DOCX and check its structure with python-docx."""

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_COLOR_INDEX
from playwright.sync_api import expect

from tests.conftest import REPO, SEEDS
from tests.ui.conftest import ChatPage, RunningApp, start_app, stop_app

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]
KLEVE = next(SEEDS.glob("004_*.txt"))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    proc, running = start_app(tmp_path_factory.mktemp("draft"), [REPO / "corpus"])
    yield running
    stop_app(proc)


@pytest.fixture
def page(app: RunningApp, browser: object) -> Iterator[ChatPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE",  # type: ignore[attr-defined]
                                  accept_downloads=True)
    tab = context.new_page()
    tab.goto(app.url)
    tab.get_by_role("tab", name="Anfrage beantworten").click()
    yield ChatPage(tab)
    context.close()


def _rows(page: ChatPage, table: str) -> int:
    """Data rows as the grid announces them (aria-rowcount counts the header row too)."""
    return int(page.page.locator(f"#{table} [role=grid]").get_attribute("aria-rowcount") or 1) - 1


def _numbers(page: ChatPage, table: str) -> list[str]:
    cells = page.page.locator(f"#{table} [role=gridcell][data-col='0']")
    return [c.strip() for c in cells.all_inner_texts()]


def test_the_kleve_inquiry_becomes_a_word_draft_in_four_actions(page: ChatPage, tmp_path: Path) -> None:
    tab = page.page
    # 1: upload, 2: read, 3: draft, 4: download – the user actions from the inquiry to Word.
    tab.locator("#anfrage-datei input[type=file]").set_input_files(str(KLEVE))
    tab.locator("#anfrage-lesen").click()
    expect(tab.locator("#anfrage-kopf")).to_contain_text("Kreis Kleve", timeout=60_000)
    expect(tab.locator("#anfrage-fragen [role=grid]")).to_have_attribute("aria-rowcount", "16")
    assert _numbers(page, "anfrage-fragen") == [str(n) for n in range(1, 16)]

    tab.locator("#entwurf-knopf").click()
    download_button = tab.locator("#entwurf-docx")
    expect(download_button).to_be_enabled(timeout=120_000)
    # The numbering never changes on display: "12" stays 12 in the draft table and the preview.
    assert _numbers(page, "entwurf-tabelle") == [str(n) for n in range(1, 16)]
    headings = tab.locator("#entwurf-vorschau h4").all_inner_texts()
    assert [h.split(" (")[0] for h in headings[:15]] == [f"Zu Frage {n}" for n in range(1, 16)]
    # Each source in the preview opens its document.
    links = [a.get_attribute("href") or "" for a in tab.locator("#entwurf-vorschau a").all()]
    assert links and all(href.startswith("/dokument/") for href in links)
    assert tab.request.get(tab.url.rstrip("/") + links[0].split("#")[0]).status == 200
    if os.environ.get("KIM_SCREENSHOT_DIR"):
        tab.screenshot(path=str(Path(os.environ["KIM_SCREENSHOT_DIR"]) / "entwurf.png"),
                       full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 1900})
    with tab.expect_download() as info:
        download_button.click()
    target = tmp_path / "entwurf.docx"
    info.value.save_as(target)
    _check_docx(target)

    # The draft is edited in the table; the next download carries the edit.
    cell = tab.locator("#entwurf-tabelle [data-testid='cell-0-2']")
    cell.dblclick()
    editor = tab.locator("#entwurf-tabelle textarea, #entwurf-tabelle input[type=text]").first
    editor.fill("Das KI soll die Integrationsziele des Kreishaushalts erreichen (ergänzt).")
    editor.press("Enter")
    expect(tab.locator("#entwurf-vorschau")).to_contain_text("(ergänzt)", timeout=30_000)
    with tab.expect_download() as info:
        download_button.click()
    edited = tmp_path / "bearbeitet.docx"
    info.value.save_as(edited)
    assert any(p.text.endswith("(ergänzt).") for p in Document(str(edited)).paragraphs)


def _check_docx(path: Path) -> None:
    doc = Document(str(path))
    paragraphs = doc.paragraphs
    assert paragraphs[0].style.name == "Heading 1"
    assert paragraphs[0].text.startswith("Anfrage der Fraktion Bündnis 90/Die Grünen vom 23.11.2023")
    sections = [p for p in paragraphs if p.style.name == "Heading 2"]
    assert [s.text.split(" (")[0] for s in sections] == [f"Zu Frage {n}" for n in range(1, 16)]
    assert all(s.text.endswith(("(beantwortet)", "(teilweise)", "(offen)")) for s in sections)
    questions = [p.text for p in paragraphs if p.style.name == "Quote"]
    assert len(questions) == 15 and questions[13].startswith("Menschen in Landeseinrichtungen")
    # Every open question is marked for the reader; every cited number is in the source list.
    for i, p in enumerate(paragraphs):
        if p.style.name == "Heading 2" and p.text.endswith("(offen)"):
            gap = paragraphs[i + 2]
            assert gap.text.startswith("Keine Angabe in den Unterlagen")
            assert gap.runs[0].font.highlight_color == WD_COLOR_INDEX.YELLOW
    body = "\n".join(p.text for p in paragraphs)
    assert "Quellen" in [p.text for p in paragraphs if p.style.name == "Heading 1"]
    cited = {int(n) for n in re.findall(r"\[(\d+)\]", body.split("\nQuellen\n")[0])}
    listed = {int(p.text[1:p.text.index("]")]) for p in paragraphs if p.text.startswith("[")}
    assert cited <= listed
    # No answer quotes the inquiry's own questions back (the note on a partial answer names the
    # part still open, in the question's words: that is no answer).
    answers = [p.text for p in paragraphs if p.style.name == "Normal"
               and not p.text.startswith("Offen – bitte ergänzen")]
    assert not any(q[:60] in a for q in questions for a in answers)


def test_a_broken_upload_gets_a_german_message(page: ChatPage, tmp_path: Path) -> None:
    broken = tmp_path / "anfrage.pdf"
    broken.write_bytes(b"%PDF-1.4\n" + os.urandom(2000))
    tab = page.page
    tab.locator("#anfrage-datei input[type=file]").set_input_files(str(broken))
    tab.locator("#anfrage-lesen").click()
    assert "konnte nicht gelesen werden" in page.warning()
    assert _rows(page, "anfrage-fragen") <= 1  # Gradio's empty table shows one blank row
    expect(tab.locator("#anfrage-kopf")).not_to_contain_text("Fragen:")
