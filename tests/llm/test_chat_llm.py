"""The chat with an LLM, in chromium: the answer streams in, can be stopped, and is replaced by
its checked version; the status line says whether the LLM is reachable; a dead server falls back."""

from collections.abc import Iterator

import pytest

from assistant.config import Settings
from assistant.llm.client import ReachabilityProbe
from tests.fake_llm import FakeLlm
from tests.llm.conftest import corpus_of
from tests.ui.conftest import ChatPage, RunningApp, start_app, stop_app

pytestmark = [pytest.mark.browser, pytest.mark.server, pytest.mark.slow, pytest.mark.model]
QUESTION = "Wie viele Menschen hat das Case Management im Kreis Kleve 2023 begleitet?"


@pytest.fixture(scope="module")
def server() -> Iterator[FakeLlm]:
    with FakeLlm() as fake:
        yield fake


@pytest.fixture(scope="module")
def app(llm_settings: Settings, server: FakeLlm, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[RunningApp]:
    proc, running = start_app(tmp_path_factory.mktemp("llm-chat"), [corpus_of(llm_settings)],
                              KIM_LLM_PROVIDER="openai", KIM_LLM_BASE_URL=server.openai_url,
                              KIM_LLM_MODEL=server.model, KIM_LLM_TIMEOUT="30")
    yield running
    stop_app(proc)


@pytest.fixture
def chat(app: RunningApp, browser: object, server: FakeLlm) -> Iterator[ChatPage]:
    server.script, server.token_delay, server.delay = "unbelegt", 0.15, 0.0
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(app.url)
    yield ChatPage(page)
    context.close()


def test_the_answer_streams_and_is_replaced_by_its_checked_version(
        chat: ChatPage, screenshot_dir) -> None:
    page = chat.page
    page.get_by_text("Info: wie der Assistent sucht").click()  # the status, in plain words
    page.locator("#status-info").get_by_text(
        "Sprachmodell test-modell (OpenAI-kompatibler Server): erreichbar").wait_for()
    box = page.get_by_label("Ihre Frage")
    box.fill(QUESTION)
    box.press("Enter")
    writing = page.locator("#gespraech").get_by_text("Das Sprachmodell schreibt")
    writing.wait_for(timeout=30_000)
    page.get_by_role("button", name="Antwort abbrechen").wait_for()
    page.wait_for_function("() => document.querySelector('#gespraech').innerText.includes('389')",
                           timeout=30_000)  # a part of the text is on screen, the rest to come
    assert "Mond" not in page.locator("#gespraech").inner_text()
    page.screenshot(path=str(screenshot_dir / "llm-schreibt.png"))
    page.wait_for_function(
        "q => (document.querySelector('#kopieren textarea')?.value || '').startsWith('Frage: ' + q)",
        arg=QUESTION, timeout=60_000)
    answer = chat.last_answer()
    assert "389" in answer and "Formuliert vom Sprachmodell" in answer
    assert "Das Sprachmodell schreibt" not in page.locator("#gespraech").inner_text()
    removed = page.locator("#gespraech del").first
    assert "Mond" in removed.inner_text()
    assert "nicht belegt – entfernt" in answer
    assert "Mond" not in page.locator("#kopieren textarea").input_value()  # not copied along
    page.get_by_role("button", name="Antwort abbrechen").wait_for(state="hidden")
    chat.last_sources()
    page.screenshot(path=str(screenshot_dir / "llm-geprueft.png"))


def test_stop_ends_the_answer_and_gives_the_question_back(chat: ChatPage,
                                                          server: FakeLlm) -> None:
    server.token_delay = 0.4
    page = chat.page
    box = page.get_by_label("Ihre Frage")
    box.fill(QUESTION)
    box.press("Enter")
    page.locator("#gespraech").get_by_text("Das Sprachmodell schreibt").wait_for(timeout=30_000)
    page.get_by_role("button", name="Antwort abbrechen").click()
    page.locator("#gespraech").get_by_text("Antwort abgebrochen").wait_for(timeout=10_000)
    page.wait_for_timeout(1500)  # a running stream would have changed the chat by now
    text = page.locator("#gespraech").inner_text()
    assert "Das Sprachmodell schreibt" not in text and "Formuliert vom Sprachmodell" not in text
    assert box.input_value() == QUESTION


def test_a_dead_server_gives_the_quotes_with_a_notice(chat: ChatPage, server: FakeLlm) -> None:
    server.__exit__()
    chat.ask(QUESTION)
    answer = chat.last_answer()
    assert "Das Sprachmodell ist nicht erreichbar – die Antwort zitiert die Dokumente wörtlich." \
        in answer
    assert "389" in answer and "Formuliert vom Sprachmodell" not in answer


def test_the_status_says_when_the_server_is_down(llm_settings: Settings) -> None:
    settings = llm_settings.model_copy(update={"llm_provider": "ollama", "llm_model": "m",
                                               "llm_base_url": "http://127.0.0.1:9"})
    status = ReachabilityProbe(settings).check()
    assert not status.ok
    assert status.text == ("Sprachmodell m (Ollama): nicht erreichbar unter http://127.0.0.1:9 – "
                           "Antworten wörtlich aus den Dokumenten")


def test_the_http_api_answers_in_either_mode(app: RunningApp) -> None:
    import json
    import urllib.error
    import urllib.request

    def ask(body: dict) -> tuple[int, dict]:
        request = urllib.request.Request(app.url + "/api/frage", json.dumps(body).encode(),
                                         {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    status, answer = ask({"frage": QUESTION, "modus": "extractive"})
    assert status == 200 and answer["mode"] == "extractive"
    status, error = ask({"frage": QUESTION, "modus": "quatsch"})
    assert status == 400 and "„modus“ bitte als extractive oder llm angeben" in error["fehler"]
