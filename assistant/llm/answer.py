"""LLM answers: the extractive answer's passages, a grounded prompt, and only the sentences the
cited passages support.

The extractive answer is always computed first. It supplies the passages, its abstention checks
(a question about another place, year or document is not put to the model at all), and the
answer shown whenever the model's cannot be used: timeout, connection or HTTP error, unreadable
output, a refusal, or nothing supported left. Then ``fallback`` says why in one German line.
"""

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from assistant.answer.models import Answer, Passage
from assistant.answer.semantic import SentenceMeaning
from assistant.config import Settings
from assistant.engine import Assistant
from assistant.german.text import split_sentences
from assistant.llm.client import make_llm
from assistant.llm.prompt import build_messages
from assistant.llm.verify import VERIFY_POLICY, Verdict, Verifier, VerifyPolicy

log = logging.getLogger(__name__)
EXTRACTIVE = "die Antwort zitiert die Dokumente wörtlich"
# Abstentions that mean the passages are about something else: the model is not asked, since a
# fluent sentence about the wrong municipality or year is worse than no answer.
SCOPE_REASONS = {"unknown_topic", "no_passages", "other_place", "other_year", "missing_number",
                 "other_party", "other_committee", "other_document"}


class LlmFailed(Exception):
    def __init__(self, code: str, notice: str) -> None:
        super().__init__(notice)
        self.code = code
        self.notice = notice


def open_answerer(settings: Settings) -> "LlmAnswerer":
    """The configured LLM, ready to answer; ``LlmUnavailable`` says what is missing."""
    return LlmAnswerer(make_llm(settings), settings.llm_timeout)


def answer_mode(settings: Settings, chosen: str | None) -> str:
    """``chosen`` ("extractive" or "llm"), else "llm" when an LLM is configured."""
    return chosen or ("llm" if settings.llm_enabled else "extractive")


class LlmAnswerer:
    """Answers with ``llm`` (a LlamaIndex LLM) from whatever assistant is current."""

    def __init__(self, llm: Any, timeout: float, policy: VerifyPolicy = VERIFY_POLICY) -> None:
        self.llm = llm
        self.timeout = timeout
        self.policy = policy
        self._verifiers: dict[int, Verifier] = {}  # per embedder: its sentence vectors are cached

    def ask(self, assistant: Assistant, question: str, **options: Any) -> Answer:
        """The verified answer (no streaming)."""
        *_, answer = self.stream(assistant, question, stream=False, **options)
        assert isinstance(answer, Answer)
        return answer

    def stream(self, assistant: Assistant, question: str, stream: bool = True, **options: Any
               ) -> Iterator[str | Answer]:
        """The raw text as it grows, then the verified ``Answer``. ``options`` as for
        ``Assistant.ask`` (top_k, filters, home, role, qid, exclude)."""
        base = assistant.ask(question, **options)
        if base.abstained and base.reason in SCOPE_REASONS:
            yield replace(base, mode="llm")
            return
        started = time.perf_counter()
        text = ""
        try:
            for text in self._generate(build_messages(base.question, base.passages), stream):
                yield text
        except LlmFailed as failed:
            log.warning("Sprachmodell: %s", failed.notice)
            yield _fall_back(base, failed.code, failed.notice)
            return
        generated = time.perf_counter()
        verdict = self._verifier(assistant).verify(text, base.passages, base.question)
        answer = _compose(base, verdict, text)
        answer.timings_ms["llm"] = round((generated - started) * 1000, 2)
        answer.timings_ms["verify"] = round((time.perf_counter() - generated) * 1000, 2)
        yield answer

    def _generate(self, messages: list[tuple[str, str]], stream: bool) -> Iterator[str]:
        """The answer text so far, growing; every failure of the model becomes ``LlmFailed``."""
        from llama_index.core.base.llms.types import ChatMessage  # only when an LLM answers

        chat = [ChatMessage(role=role, content=content) for role, content in messages]
        deadline = time.monotonic() + self.timeout
        text = ""
        try:
            if not stream:
                yield _content(self.llm.chat(chat))
                return
            for chunk in self.llm.stream_chat(chat):
                text += chunk.delta or ""
                if time.monotonic() > deadline:
                    raise TimeoutError
                yield text
        except LlmFailed:
            raise
        except Exception as err:
            raise _classify(err, self.timeout) from err

    def _verifier(self, assistant: Assistant) -> Verifier:
        retriever = assistant.retriever
        embedder = retriever.embedder if retriever.mode != "lexical" else None
        key = id(embedder)
        if key not in self._verifiers:
            meaning = SentenceMeaning(embedder) if embedder is not None else None
            self._verifiers = {key: Verifier(meaning, retriever.lexical.analyzer, self.policy)}
        return self._verifiers[key]


def _content(response: Any) -> str:
    content = response.message.content
    if not isinstance(content, str):
        raise LlmFailed("llm-unlesbar", f"Die Antwort des Sprachmodells war unlesbar – {EXTRACTIVE}.")
    return content


def _classify(err: Exception, timeout: float) -> LlmFailed:
    """What went wrong, as a code for machines and one German line for people."""
    names = " ".join(t.__name__ for t in type(err).__mro__)
    status = getattr(err, "status_code", None) or getattr(getattr(err, "response", None),
                                                          "status_code", None)
    if isinstance(err, TimeoutError) or "Timeout" in names:
        return LlmFailed("llm-zeitueberschreitung", f"Das Sprachmodell hat nicht innerhalb von "
                         f"{timeout:g} s geantwortet – {EXTRACTIVE}.")
    if "Connect" in names or isinstance(err, ConnectionError):
        return LlmFailed("llm-nicht-erreichbar", f"Das Sprachmodell ist nicht erreichbar – "
                         f"{EXTRACTIVE}.")
    if isinstance(status, int):
        return LlmFailed("llm-serverfehler", f"Der Sprachmodell-Server meldet einen Fehler "
                         f"(HTTP {status}) – {EXTRACTIVE}.")
    log.info("Sprachmodell-Antwort unlesbar: %r", err)
    return LlmFailed("llm-unlesbar", f"Die Antwort des Sprachmodells war unlesbar – {EXTRACTIVE}.")


def _compose(base: Answer, verdict: Verdict, text: str) -> Answer:
    unsupported = [u.to_json() for u in verdict.unsupported]
    if not text.strip():
        return _fall_back(base, "llm-unlesbar",
                          f"Das Sprachmodell hat eine leere Antwort gegeben – {EXTRACTIVE}.")
    if verdict.refused:
        return _fall_back(base, "llm-keine-angabe", "Das Sprachmodell fand in den Quellen keine "
                          f"Antwort – {EXTRACTIVE}.", unsupported)
    if not verdict.kept:
        return _fall_back(base, "llm-nichts-belegt", "Kein Satz der Sprachmodell-Antwort war durch "
                          f"seine Quellen belegt – {EXTRACTIVE}.", unsupported)
    by_n = {p.n: p for p in base.passages}
    sentences = [f"{c.text} {''.join(f'[{n}]' for n in c.cited)}" for c in verdict.kept]
    cited = sorted({n for c in verdict.kept for n in c.cited})
    citations = [_with_quotes(by_n[n], verdict.quotes.get(n, [])) for n in cited]
    return replace(base, answer=" ".join(sentences), abstained=False, mode="llm",
                   reason="answered", citations=citations, unsupported=unsupported,
                   timings_ms=dict(base.timings_ms), stand_ins={})


def _with_quotes(passage: Passage, backing: list[str]) -> Passage:
    # A backing span may join two sentences; highlight each that the passage holds.
    quotes = [s for span in backing for s in _parts(span, passage.text)]
    return replace(passage, quotes=list(dict.fromkeys(quotes)))


def _parts(span: str, text: str) -> list[str]:
    if span in text:
        return [span]
    return [s for s in split_sentences(span) if s in text]


def _fall_back(base: Answer, code: str, notice: str,
               unsupported: list[dict[str, str]] | None = None) -> Answer:
    """The extractive answer; ``reason`` names the fallback unless the answer abstains (then the
    extractive check that withheld it stays the reason)."""
    reason = base.reason if base.abstained else code
    return replace(base, mode="extractive", reason=reason, fallback=notice,
                   unsupported=unsupported or [], timings_ms=dict(base.timings_ms))
