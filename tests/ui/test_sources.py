"""Checking a claim in one click, in chromium: [n] opens its source at the cited sentence, a text
file opens as readable text at its passage, council links keep their underscores, numbered
questions keep their numbers."""

from collections.abc import Iterator

import pytest

from tests.ui.conftest import ChatPage, RunningApp, start_app, stop_app

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow]
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


def test_the_source_card_keeps_numbers_and_link_underscores(chat: ChatPage) -> None:
    chat.ask(QUESTION)
    card = chat.last_sources().inner_text()
    assert "vo0050.php?__kvonr=10382" in card and "to0050.php?__ktonr=16082" in card
    assert "12. Wie viele Menschen" in card and "13. Wie viele" not in card
    assert "S. 1" not in card and "Mitteilungsvorlage XI/2024/0187" in card
