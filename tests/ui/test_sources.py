"""Checking a claim in one click and taking the answer away, in chromium at 1280 and 390 px: [n]
opens its source at the cited sentence, a text file opens as readable text at its passage,
council links keep their underscores, numbered questions keep their numbers, the page is German,
and copying works (or says what to do) on a plain-http intranet address."""

import json
import os
import re
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import KIM, REPO
from tests.ui.conftest import ChatPage, RunningApp, start_app, stop_app

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]
INTRANET = "kim.intranet.example"
QUESTION = "Wie viele Menschen hat das Case Management im Kreis Kleve 2023 begleitet?"
BOILERPLATE = ("Die Verwaltung nimmt zu der Anfrage wie folgt Stellung. Grundlage sind die "
               "Förderbescheide der Bezirksregierung Arnsberg und die Berichte der Träger. ")
ANSWER = """Kreis Kleve – Der Landrat
Fachbereich 5 – Kommunales Integrationszentrum
Mitteilungsvorlage XI/2024/0187 – öffentlich
Ausschuss für Ordnung, Integration und Gleichstellung, Sitzung am 12.03.2024
Betreff: Beantwortung der Anfrage der Fraktion BÜNDNIS 90/DIE GRÜNEN vom 14.02.2024
Sachbearbeitung: Frau Beispiel, Telefon 02821 85-000, Aktenzeichen 50.1-2024/17

Sachverhalt:
{boilerplate}
Zu den Fragen im Einzelnen:
11. Wie viele Stellen sind im Baustein 2 besetzt?
Zum Stichtag 01.03.2024 sind im Baustein 2 insgesamt 9,5 Vollzeitstellen besetzt.
12. Wie viele Menschen hat das Case Management 2023 begleitet?
Das Case Management hat im Jahr 2023 insgesamt 389 Menschen begleitet.
Die Niederschrift steht unter https://ratsinfo.kreis-kleve.example/bi/vo0050.php?__kvonr=10382 und
die Tagesordnung unter https://ratsinfo.kreis-kleve.example/bi/to0050.php?__ktonr=16082 bereit.
"""


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    root = tmp_path_factory.mktemp("quellen")
    corpus = root / "corpus"
    corpus.mkdir()
    text = ANSWER.format(boilerplate=BOILERPLATE * 40)
    (corpus / "2024-03-05_kleve_mitteilungsvorlage_kim.txt").write_text(text, encoding="utf-8")
    proc, running = start_app(root, [corpus], KIM_EMBED_MODEL="none")
    yield running
    stop_app(proc)


@pytest.fixture(params=[1280, 390], ids=["laptop", "telefon"])
def chat(request: pytest.FixtureRequest, app: RunningApp, browser: object) -> Iterator[ChatPage]:
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 500 else 800},  # type: ignore[attr-defined]
                                  locale="de-DE", is_mobile=width < 500)
    page = context.new_page()
    page.goto(app.url)
    yield ChatPage(page)
    context.close()


def test_a_citation_opens_its_source_at_the_marked_sentence(chat: ChatPage) -> None:
    chat.ask(QUESTION)
    answer = chat.page.locator('#gespraech [data-testid="bot"]').nth(-2)
    citation = answer.get_by_role("link", name="[1]")
    with chat.page.context.expect_page() as opened:
        citation.first.click()
    source = opened.value
    source.wait_for_load_state()
    assert "/text?" in source.url and source.url.endswith("#stelle")
    assert source.locator("html").get_attribute("lang") == "de"
    marked = source.locator("#stelle mark")
    assert "389 Menschen begleitet" in marked.inner_text()
    # The sentence sits far below the letterhead; the page opens scrolled to it.
    assert source.evaluate("window.scrollY") > 500
    top = source.evaluate("document.querySelector('#stelle mark').getBoundingClientRect().top")
    assert 0 <= top < source.viewport_size["height"], "the marked sentence is on screen"
    assert "---" not in source.locator("main").inner_text()  # no front matter, no raw markup
    # The view doubles as the chunk preview: every passage headed by its number and size.
    heads = source.locator("section .kopf").all_inner_texts()
    assert len(heads) > 1 and heads[0].startswith(f"Passage 1 von {len(heads)} · ")


def test_the_source_card_keeps_numbers_and_link_underscores(chat: ChatPage) -> None:
    chat.ask(QUESTION)
    card = chat.last_sources().inner_text()
    assert "vo0050.php?__kvonr=10382" in card and "to0050.php?__ktonr=16082" in card
    assert "12. Wie viele Menschen" in card and "13. Wie viele" not in card
    assert "S. 1" not in card and "Mitteilungsvorlage XI/2024/0187" in card


def test_the_page_is_german_before_and_after_its_scripts(app: RunningApp, browser: Any) -> None:
    with urllib.request.urlopen(app.url + "/") as response:
        page = response.read().decode("utf-8")
    assert re.search(r'<html\s+lang="de"', page), page[:200]  # before any script runs
    # A browser set to English still gets Gradio's own controls in German.
    context = browser.new_context(locale="en-US")
    english = context.new_page()
    english.goto(app.url)
    english.get_by_role("tab", name="Dokumente").click()
    upload = english.locator("#hochladen")
    upload.wait_for()
    text = upload.inner_text()
    assert "Datei hier ablegen" in text and "Drop File Here" not in text, text
    context.close()


@pytest.fixture(scope="module")
def intranet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningApp]:
    """The app on 127.0.0.2 over plain http: for the browser not a secure context, like an
    intranet name (no Clipboard API there)."""
    root = tmp_path_factory.mktemp("intranet")
    corpus = root / "corpus"
    corpus.mkdir()
    text = ANSWER.format(boilerplate=BOILERPLATE)
    (corpus / "2024-03-05_kleve_mitteilungsvorlage_kim.txt").write_text(text, encoding="utf-8")
    proc, running = start_app(root, [corpus], host="127.0.0.2", KIM_EMBED_MODEL="none",
                              KIM_ALLOW_ANONYMOUS="1",
                              KIM_ALLOWED_HOSTS=json.dumps(["127.0.0.2", INTRANET]))
    yield running
    stop_app(proc)


def test_copy_works_or_says_what_to_do_on_an_intranet_address(
        intranet: RunningApp, browser: Any, chromium_path: str) -> None:
    # Chromium trusts every 127.x address as secure; an intranet name is not.
    office = browser.browser_type.launch(executable_path=chromium_path, headless=True, args=[
        "--no-sandbox", "--disable-gpu", f"--host-resolver-rules=MAP {INTRANET} 127.0.0.2"])
    try:
        _copy_on_the_intranet(office, intranet.url.replace("127.0.0.2", INTRANET))
    finally:
        office.close()


def _copy_on_the_intranet(office: Any, url: str) -> None:
    page = office.new_page(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page.goto(url)
    chat = ChatPage(page)
    assert page.evaluate("window.isSecureContext") is False
    assert page.evaluate("navigator.clipboard === undefined")
    chat.ask(QUESTION)
    page.get_by_role("button", name="Antwort mit Quellen kopieren").click()
    status = page.locator("#kopieren-meldung")
    page.wait_for_function("() => document.querySelector('#kopieren-meldung').textContent.trim()")
    assert status.inner_text() in (
        "✓ Kopiert – mit Strg+V einfügen.",
        "Der Browser erlaubt hier kein Kopieren – bitte den Text oben markieren und mit Strg+C "
        "kopieren, oder „Gespräch als Markdown herunterladen“ nutzen.")


def test_feedback_is_stored_and_exported(chat: ChatPage, app: RunningApp) -> None:
    chat.ask(QUESTION)
    answer = chat.page.locator('#gespraech [data-testid="bot"]').nth(-2)
    answer.hover()
    answer_buttons = chat.page.locator("#gespraech button[aria-label]")
    labels = answer_buttons.evaluate_all("bs => bs.map(b => b.getAttribute('aria-label'))")
    like = chat.page.locator("#gespraech").get_by_role("button", name=re.compile(
        r"^(Like|Gefällt mir|Mag ich)$", re.IGNORECASE)).first
    assert like.count(), labels
    like.click()
    chat.page.locator("#rueckmeldung-meldung").get_by_text("Ihre Bewertung ist gespeichert").wait_for()
    chat.page.get_by_label("Kommentar zur letzten Antwort (freiwillig)").fill(
        "Die Zahl stimmt, bitte auch 2022 zeigen.")
    chat.page.get_by_role("button", name="Kommentar senden").click()
    chat.page.locator("#rueckmeldung-meldung").get_by_text("Ihr Kommentar ist gespeichert").wait_for()
    stored = app.index_dir.parent / "zugang" / "rueckmeldungen.jsonl"
    done = subprocess.run([*KIM, "feedback", "--json"], cwd=REPO, capture_output=True, text=True,
                          env={**os.environ, "KIM_FEEDBACK_FILE": str(stored)}, check=True)
    entries = [json.loads(line) for line in done.stdout.splitlines()]
    rated, commented = entries[-2], entries[-1]
    assert rated["hilfreich"] is True and "389" in rated["antwort"] and rated["frage"] == QUESTION
    assert commented["hilfreich"] is None
    assert commented["kommentar"] == "Die Zahl stimmt, bitte auch 2022 zeigen."
    assert oct(stored.stat().st_mode & 0o777) == "0o600"


def test_the_question_field_is_on_the_first_screen(chat: ChatPage, screenshot_dir: Path) -> None:
    box = chat.page.get_by_label("Ihre Frage")
    box.wait_for()
    # What the page load fills in (who is signed in, the status) first, then measure.
    chat.page.wait_for_function("() => document.querySelector('#angemeldet')?.innerText.trim()")
    chat.page.wait_for_timeout(500)
    chat.settle()
    bottom = box.evaluate("e => e.getBoundingClientRect().bottom")
    print(f"field bottom {bottom:.0f} px of {chat.page.viewport_size['height']}")
    if chat.page.viewport_size["width"] < 500:
        chat.page.screenshot(path=str(screenshot_dir / "telefon.png"))
    assert bottom <= chat.page.viewport_size["height"], f"field ends at {bottom:.0f} px"


def test_the_documents_tab_shows_how_a_document_was_cut(chat: ChatPage) -> None:
    chat.open_tab("Dokumente")
    link = chat.page.locator("#dokumente").get_by_role("link", name="Text und Passagen").first
    link.wait_for(state="attached", timeout=30_000)  # the rows arrive with the page load
    href = link.get_attribute("href")
    assert href and href.startswith("/dokument/") and href.endswith("/text")


def test_the_conversation_survives_a_reload_and_a_new_visit(chat: ChatPage) -> None:
    chat.ask(QUESTION)
    answer = chat.last_answer()
    assert "389" in answer
    page = chat.page
    page.wait_for_function("() => new URL(location.href).searchParams.has('gespraech')")
    page.reload()
    page.get_by_label("Ihre Frage").wait_for()
    restored = page.locator('#gespraech [data-testid="bot"]').first
    restored.wait_for(timeout=20_000)
    assert chat.last_answer() == answer
    assert "wiederhergestellt" in page.locator("#gespraech-adresse").inner_text()
    # A follow-up goes on from the kept question ("Gesucht wurde: …").
    chat.ask("Und 2022?")
    assert "Gesucht wurde" in chat.last_answer()
    # The next visit to the bare address brings it back from the browser's storage.
    page.goto(page.url.split("?")[0])
    page.locator('#gespraech [data-testid="bot"]').first.wait_for(timeout=20_000)
    assert len(page.locator('#gespraech [data-testid="user"]').all()) == 2
    # "Neues Gespräch" forgets it: a reload then starts empty.
    page.get_by_role("button", name="Neues Gespräch").click()
    page.wait_for_function("() => !new URL(location.href).searchParams.has('gespraech')")
    page.reload()
    page.get_by_label("Ihre Frage").wait_for()
    page.wait_for_timeout(1500)
    assert page.locator('#gespraech [data-testid="bot"]').count() == 0


def test_an_answer_frozen_to_share_keeps_its_sources(chat: ChatPage) -> None:
    chat.ask(QUESTION)
    link = chat.page.locator("#gespraech-adresse").get_by_role("link", name="Link zu dieser Antwort")
    with chat.page.context.expect_page() as opened:
        link.click()
    frozen = opened.value
    frozen.wait_for_load_state()
    assert re.search(r"/antwort/[\w-]{22}$", frozen.url)
    assert frozen.locator("h1").inner_text() == QUESTION
    assert "389 Menschen" in frozen.locator("#antwort").inner_text()
    assert "389 Menschen begleitet" in frozen.locator("mark").first.inner_text()
    assert "Mitteilungsvorlage XI/2024/0187" in frozen.locator("main").inner_text()
    assert "eingefroren" in frozen.locator("#eingefroren").inner_text()
    # An unknown or forged address: the same German "not found", no file read outside the store.
    for forged in ("AAAAAAAAAAAAAAAAAAAAAA", "..%2F..%2Fbenutzer"):
        response = frozen.request.get(frozen.url.rsplit("/", 1)[0] + "/" + forged)
        assert response.status == 404 and "nicht gefunden" in response.text().lower()
