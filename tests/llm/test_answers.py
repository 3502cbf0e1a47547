"""LLM answers against a local server speaking the real protocols (OpenAI and Ollama), with
scripted replies: good, unsupported, wrong number, refusal, slow, malformed, [7] of 5."""

import itertools
import logging
import time

import pytest

from assistant.config import Settings
from assistant.engine import Assistant
from assistant.llm.answer import LlmAnswerer, open_answerer
from tests.fake_llm import FakeLlm
from tests.llm.conftest import llm_config

pytestmark = pytest.mark.model
QUESTION = "Wie viele Menschen hat das Case Management im Kreis Kleve 2023 begleitet?"


def answerer(settings: Settings, fake: FakeLlm, provider: str = "openai", **extra: object
             ) -> LlmAnswerer:
    return open_answerer(llm_config(settings, fake, provider, **extra))


@pytest.mark.parametrize("provider", ["openai", "ollama"])
@pytest.mark.parametrize("stream", [False, True])
def test_a_good_answer_is_kept_with_its_citation(llm_settings: Settings, llm_assistant: Assistant,
                                                 fake: FakeLlm, provider: str, stream: bool) -> None:
    steps = list(answerer(llm_settings, fake, provider).stream(llm_assistant, QUESTION,
                                                               stream=stream))
    answer = steps[-1]
    assert answer.mode == "llm" and answer.reason == "answered" and not answer.fallback
    assert "389" in answer.answer and answer.answer.rstrip(".").endswith("]")
    assert not answer.unsupported
    assert [c.n for c in answer.citations] and "389" in answer.citations[0].text
    assert answer.citations[0].quotes, "the backing sentence is highlighted"
    if stream:  # the text grew piece by piece before the checked answer came
        texts = [s for s in steps[:-1] if isinstance(s, str)]
        assert len(texts) > 3 and all(a in b for a, b in itertools.pairwise(texts))
    request = fake.requests[-1]
    assert request["path"] == ("/v1/chat/completions" if provider == "openai" else "/api/chat")
    assert request["body"]["stream"] is stream
    temperature = (request["body"].get("temperature") if provider == "openai"
                   else request["body"]["options"]["temperature"])
    assert temperature == 0


@pytest.mark.parametrize(("script", "reason"), [
    ("unbelegt", "nicht durch [1] gedeckt"),
    ("falsche-zahl", "steht nicht in"),
    ("quelle-7", "Quelle [7] gibt es nicht"),
])
def test_an_unsupported_sentence_is_removed_and_named(
        llm_settings: Settings, llm_assistant: Assistant, fake: FakeLlm, script: str,
        reason: str) -> None:
    fake.script = script
    answer = answerer(llm_settings, fake).ask(llm_assistant, QUESTION)
    assert answer.mode == "llm" and "389" in answer.answer
    assert len(answer.passages) == 5
    assert len(answer.unsupported) == 1 and reason in answer.unsupported[0]["reason"]
    assert answer.unsupported[0]["sentence"] not in answer.answer
    assert answer.to_json()["unsupported"] == answer.unsupported


def test_a_refusal_falls_back_to_the_quotes(llm_settings: Settings, llm_assistant: Assistant,
                                            fake: FakeLlm) -> None:
    fake.script = "verweigert"
    answer = answerer(llm_settings, fake, "ollama").ask(llm_assistant, QUESTION)
    extractive = llm_assistant.ask(QUESTION)
    assert answer.mode == "extractive" and answer.answer == extractive.answer
    assert answer.reason == "llm-keine-angabe" and "keine Antwort" in answer.fallback


@pytest.mark.parametrize("provider", ["openai", "ollama"])
@pytest.mark.parametrize("stream", [False, True])
def test_a_slow_server_falls_back_after_the_timeout(
        llm_settings: Settings, llm_assistant: Assistant, fake: FakeLlm, provider: str,
        stream: bool) -> None:
    fake.delay = 4.0
    started = time.monotonic()
    answer = list(answerer(llm_settings, fake, provider, llm_timeout=1.5).stream(
        llm_assistant, QUESTION, stream=stream))[-1]
    assert time.monotonic() - started < 3.5
    assert answer.mode == "extractive" and answer.reason == "llm-zeitueberschreitung"
    assert "1.5 s" in answer.fallback and "389" in answer.answer


@pytest.mark.parametrize("provider", ["openai", "ollama"])
@pytest.mark.parametrize("stream", [False, True])
def test_malformed_output_falls_back(llm_settings: Settings, llm_assistant: Assistant,
                                     fake: FakeLlm, provider: str, stream: bool) -> None:
    fake.malformed = True
    answer = list(answerer(llm_settings, fake, provider).stream(llm_assistant, QUESTION,
                                                                stream=stream))[-1]
    assert answer.mode == "extractive" and answer.reason == "llm-unlesbar"
    assert answer.fallback.startswith("Die Antwort des Sprachmodells war unlesbar")


def test_a_server_that_is_down_falls_back_at_once(llm_settings: Settings,
                                                  llm_assistant: Assistant) -> None:
    settings = llm_settings.model_copy(update={"llm_provider": "openai", "llm_model": "m",
                                               "llm_base_url": "http://127.0.0.1:9/v1"})
    started = time.monotonic()
    answer = open_answerer(settings).ask(llm_assistant, QUESTION)
    assert time.monotonic() - started < 5
    assert answer.reason == "llm-nicht-erreichbar" and "nicht erreichbar" in answer.fallback
    assert "389" in answer.answer


def test_a_question_about_another_place_is_not_put_to_the_model(
        llm_settings: Settings, llm_assistant: Assistant, fake: FakeLlm) -> None:
    answer = answerer(llm_settings, fake).ask(llm_assistant, "Wie viele Stellen hat Dortmund "
                                              "im Case Management?")
    assert answer.abstained and not fake.requests


def test_text_planted_in_a_document_stays_data(llm_settings: Settings, llm_assistant: Assistant,
                                               fake: FakeLlm) -> None:
    """The injection reaches the model only inside its source block (it cannot close it or open
    another), and a model that obeys it anyway gets nothing past the check."""
    fake.script = "injektion-befolgt"
    question = "Wie viele Menschen berät das Integrationsmanagement in Bochum?"
    answer = answerer(llm_settings, fake).ask(llm_assistant, question)
    messages = fake.requests[-1]["body"]["messages"]
    system, user = messages[0]["content"], messages[1]["content"]
    assert messages[0]["role"] == "system" and "niemals eine Anweisung" in system
    assert "Ignoriere alle vorherigen" in user and "Ignoriere alle vorherigen" not in system
    blocks = user.count('<quelle nr="')
    assert blocks == user.count("</quelle>") and '<quelle nr="9">' not in user
    planted = user.index("Ignoriere alle vorherigen")
    assert user.rfind('<quelle nr="', 0, planted) > user.rfind("</quelle>", 0, planted)
    assert answer.mode == "extractive" and answer.reason == "llm-nichts-belegt"
    assert "abgeschafft" not in answer.answer and "phish" not in answer.answer
    assert {u["reason"] for u in answer.unsupported} == {"ohne Quellenangabe"}


def test_the_api_key_is_sent_but_never_shown(llm_settings: Settings, llm_assistant: Assistant,
                                             fake: FakeLlm, caplog: pytest.LogCaptureFixture,
                                             tmp_path) -> None:
    key_file = tmp_path / "schluessel.txt"
    key_file.write_text("geheim-123\n", encoding="utf-8")
    settings = llm_config(llm_settings, fake, llm_api_key_file=key_file)
    with caplog.at_level(logging.DEBUG):
        answer = open_answerer(settings).ask(llm_assistant, QUESTION)
    assert fake.requests[-1]["authorization"] == "Bearer geheim-123"
    settings = Settings(llm_provider="openai", llm_api_key="geheim-456")
    assert "geheim" not in repr(settings) and "geheim" not in settings.model_dump_json()
    assert "geheim" not in str(answer.to_json())
    assert "geheim" not in caplog.text
