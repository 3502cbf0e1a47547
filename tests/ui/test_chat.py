"""End to end in chromium: ask, read the answer and its sources, filter, follow up, take it away."""

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.ui.conftest import ChatPage, RunningApp, start_app, stop_app

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]


@pytest.fixture(scope="module")
def app(seeds_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The app with no index yet: it builds one from the seeds and the shipped corpus first."""
    proc, running = start_app(tmp_path_factory.mktemp("chat"), [seeds_dir, REPO / "corpus"])
    yield running
    stop_app(proc)


@pytest.fixture
def chat(app: RunningApp, browser: object) -> Iterator[ChatPage]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE",  # type: ignore[attr-defined]
                                  accept_downloads=True)
    page = context.new_page()
    page.goto(app.url)
    yield ChatPage(page)
    context.close()


def gold(qid: str) -> dict:
    for line in (REPO / "evals" / "seeds.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if item["id"] == qid:
            return item
    raise KeyError(qid)


def test_first_start_built_the_index_with_a_progress_bar(app: RunningApp) -> None:
    log = app.log.read_text(encoding="utf-8")
    assert "Noch kein Index" in log and "Dokumente lesen" in log and "100%" in log
    assert (app.index_dir / "manifest.json").is_file()


def test_seed_question_answer_cites_the_right_source(chat: ChatPage, app: RunningApp) -> None:
    item = gold("s44")  # who signed the Kleve inquiry
    chat.ask(item["question"])
    answer = chat.last_answer()
    assert "[1]" in answer
    for group in item["answer_contains"]:
        assert any(alt in answer for alt in group), (group, answer)
    sources = chat.last_sources()
    assert "Quellen" in sources.inner_text() and "Kreis Kleve" in sources.inner_text()
    assert sources.locator("mark").count() >= 1  # the cited sentence is highlighted
    href = sources.get_by_role("link", name="Dokument öffnen").first.get_attribute("href")
    assert href and href.startswith("/dokument/")
    with urllib.request.urlopen(app.url + href.split("#")[0]) as response:
        document = response.read().decode("utf-8")
    assert item["answer_contains"][0][0] in document  # the link opens the whole source


def test_filter_restricts_the_sources(chat: ChatPage) -> None:
    question = "Welche Fragen stellt die Fraktion zum Case-Management?"
    chat.choose("Kommune / Gremium", "Kreis: Kreis Kleve")  # grouped: Land, Kreise, Städte
    chat.page.get_by_label("Texte des Landes einbeziehen").uncheck()
    chat.ask(question)
    sources = chat.last_sources().inner_text()
    bodies = [line for line in sources.splitlines() if "·" in line]
    assert bodies and all(line.startswith("Kreis Kleve") for line in bodies), sources
    chat.page.get_by_role("button", name="Filter zurücksetzen").click()
    chat.choose("Jahr bis", "2021")
    chat.ask("Welche Fragen stellt die Fraktion zum Kommunalen Integrationsmanagement?")
    dates = [line for line in chat.last_sources().inner_text().splitlines() if "·" in line]
    assert dates and all(".2021" in line or ".2020" in line for line in dates), dates


def test_our_town_is_the_municipality_chosen_in_the_chat(chat: ChatPage) -> None:
    chat.choose("Unsere Kommune", "Kreis Kleve")
    chat.ask("Wer hat die Anfrage in unserem Kreis unterzeichnet?")
    assert chat.last_answer().startswith("Andreas Mayer")
    chat.choose("Unsere Kommune", "– keine –")
    # (worded differently: ask() waits for an answer to a new question)
    chat.ask("Wer hat die Anfrage in unserem Kreis unterschrieben?")
    assert chat.last_answer().startswith("Kreis Kleve: Andreas Mayer")  # whose sentence it is


def test_follow_up_carries_the_subject(chat: ChatPage) -> None:
    chat.ask("Welche Fragen stellen die Fraktionen in Mülheim zum Steuerungsgremium?")
    chat.ask("Und im Kreis Kleve?")
    answer = chat.last_answer()
    assert "Gesucht wurde" in answer and "Kleve" in answer
    assert "Kreis Kleve" in chat.last_sources().inner_text()
    chat.page.get_by_role("button", name="Neues Gespräch").click()
    chat.page.wait_for_function("() => !document.querySelector('#gespraech [data-testid=\"bot\"]')")
    chat.ask("Und im Kreis Kleve?")  # a new conversation has nothing to follow up on
    assert "Gesucht wurde" not in chat.last_answer()


def test_an_answer_names_the_thesaurus_word_it_rests_on(chat: ChatPage) -> None:
    chat.ask("Wie viel Geld bekam der Kreis Heinsberg 2021?")
    answer = chat.last_answer()
    assert "330.000" in answer and "statt „Geld“ „Fördermittel“ (Thesaurus)" in answer


def test_abstention_shows_the_closest_passages(chat: ChatPage) -> None:
    chat.ask("Wie hoch ist der Eintrittspreis im Zoo von Münster?")
    assert "keine Angabe" in chat.last_answer()
    assert "Nächstliegende Passagen" in chat.last_sources().inner_text()


def test_bad_question_gets_a_german_message(chat: ChatPage) -> None:
    box = chat.page.get_by_label("Ihre Frage")
    box.fill("?!?")
    box.press("Enter")
    assert "keine Wörter" in chat.warning()
    assert box.input_value() == "?!?"  # nothing lost


def test_copy_text_and_markdown_export(chat: ChatPage) -> None:
    chat.ask("Wer ist Mitglied der Lenkungsgruppe?")
    copied = chat.page.locator("#kopieren textarea").input_value()
    assert copied.startswith("Frage: Wer ist Mitglied der Lenkungsgruppe?")
    assert "Quellen:" in copied and "[1]" in copied
    chat.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    chat.page.get_by_role("button", name="Antwort mit Quellen kopieren").click()
    assert chat.page.evaluate("navigator.clipboard.readText()") == copied
    with chat.page.expect_download() as download:
        chat.page.get_by_role("button", name="Gespräch als Markdown herunterladen").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("# KIM-Assistent – Gespräch vom")
    assert "## Frage 1: Wer ist Mitglied der Lenkungsgruppe?" in exported and "### Quellen" in exported


def _source_titles(chat: ChatPage) -> list[str]:
    """The titles of the source cards under the last answer ("[1] Titel" → "Titel")."""
    return [re.sub(r"^\[\d+\]\s*", "", line) for line in chat.last_sources().inner_text().splitlines()
            if re.match(r"^\[\d+\]\s", line)]


def test_a_question_can_be_kept_to_chosen_documents_or_leave_one_out(chat: ChatPage) -> None:
    question = "Welche Fragen stellt die Fraktion zum Case-Management?"
    chat.ask(question)
    first = _source_titles(chat)[0]
    page = chat.page
    page.get_by_text("Dokumente eingrenzen").click()

    def pick(label: str) -> None:
        page.get_by_label(label).click()
        page.get_by_role("option", name=re.compile("^" + re.escape(first))).first.click()
        page.keyboard.press("Escape")

    pick("Ohne diese Dokumente")
    chat.ask(question + " ")  # the same question again, with the document left out
    assert first not in _source_titles(chat)
    page.get_by_role("button", name="Filter zurücksetzen").click()
    pick("Nur in diesen Dokumenten")
    chat.ask("Was fragt die Fraktion?")
    titles = _source_titles(chat)
    assert titles and set(titles) == {first}, titles
