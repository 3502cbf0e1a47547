"""The configured LLM as a LlamaIndex class, and whether its server answers.

The model object is built here and passed to whoever needs it; LlamaIndex's global ``Settings``
is never touched, so the embedding side and the eval baselines stay as they are.
"""

import json
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, ClassVar

from assistant.config import Settings
from assistant.errors import KimError

log = logging.getLogger(__name__)
DEFAULT_URLS = {"ollama": "http://127.0.0.1:11434", "openai": "http://127.0.0.1:8000/v1"}
PROVIDER_NAMES = {"ollama": "Ollama", "openai": "OpenAI-kompatibler Server"}
NOT_CONFIGURED = ("Kein Sprachmodell eingerichtet – KIM_LLM_PROVIDER (ollama oder openai) und "
                  "KIM_LLM_MODEL setzen, siehe README „Sprachmodell (optional)“.")


class LlmUnavailable(KimError):
    """The LLM could not be asked (not configured, package missing, server down)."""


def base_url(settings: Settings) -> str:
    return (settings.llm_base_url or DEFAULT_URLS.get(settings.llm_provider, "")).rstrip("/")


def api_key(settings: Settings) -> str:
    """The key from ``KIM_LLM_API_KEY``, else the first line of ``KIM_LLM_API_KEY_FILE``."""
    key = settings.llm_api_key.get_secret_value().strip()
    if key or settings.llm_api_key_file is None:
        return key
    try:
        lines = settings.llm_api_key_file.read_text(encoding="utf-8").splitlines()
    except OSError as err:
        raise LlmUnavailable(f"Die Schlüsseldatei „{settings.llm_api_key_file}“ ist nicht lesbar "
                             f"({err.strerror}) – KIM_LLM_API_KEY_FILE prüfen.") from err
    return lines[0].strip() if lines else ""


def make_llm(settings: Settings) -> Any:
    """The LlamaIndex LLM for ``settings`` (temperature 0, no retries: a failure falls back to
    the extractive answer at once instead of waiting three timeouts)."""
    if not settings.llm_enabled:
        raise LlmUnavailable(NOT_CONFIGURED)
    if not settings.llm_model:
        raise LlmUnavailable("KIM_LLM_MODEL fehlt – den Modellnamen des Servers angeben, "
                             "z. B. KIM_LLM_MODEL=llama3.1:8b.")
    try:
        if settings.llm_provider == "ollama":
            from llama_index.llms.ollama import Ollama

            return Ollama(model=settings.llm_model, base_url=base_url(settings), temperature=0.0,
                          request_timeout=settings.llm_timeout, context_window=8192,
                          additional_kwargs={"num_predict": settings.llm_max_tokens},
                          headers=_bearer(api_key(settings)))
        from llama_index.llms.openai_like import OpenAILike

        return OpenAILike(model=settings.llm_model, api_base=base_url(settings),
                          api_key=api_key(settings) or "keiner", temperature=0.0,
                          timeout=settings.llm_timeout, max_retries=0, is_chat_model=True,
                          max_tokens=settings.llm_max_tokens, context_window=8192)
    except ImportError as err:
        raise LlmUnavailable(f"Das Paket für {PROVIDER_NAMES[settings.llm_provider]} fehlt "
                             f"({err.name}) – `pip install -e .` erneut ausführen.") from err


def _bearer(key: str) -> dict[str, str] | None:
    return {"Authorization": f"Bearer {key}"} if key else None


@dataclass
class Reachability:
    ok: bool
    text: str  # one German line for the status


class ReachabilityProbe:
    """Whether the server answers, asked at most every ``ttl`` seconds (the status line is drawn
    on every page load; a dead server must not slow each one down)."""

    def __init__(self, settings: Settings, ttl: float = 30.0, timeout: float = 2.0) -> None:
        self.settings = settings
        self.ttl = ttl
        self.timeout = timeout
        self._last: tuple[float, Reachability] | None = None

    _shared: ClassVar[dict[str, "ReachabilityProbe"]] = {}

    @classmethod
    def shared(cls, settings: Settings) -> "ReachabilityProbe":
        """One probe per server for the whole process, so its answer is cached across pages."""
        key = f"{settings.llm_provider} {base_url(settings)} {settings.llm_model}"
        return cls._shared.setdefault(key, cls(settings))

    def check(self) -> Reachability:
        if self._last and time.monotonic() - self._last[0] < self.ttl:
            return self._last[1]
        result = self._probe()
        self._last = (time.monotonic(), result)
        return result

    def _probe(self) -> Reachability:
        settings = self.settings
        name = f"{settings.llm_model} ({PROVIDER_NAMES[settings.llm_provider]})"
        path = "/api/tags" if settings.llm_provider == "ollama" else "/models"
        request = urllib.request.Request(base_url(settings) + path)
        key = api_key(settings)
        if key:
            request.add_header("Authorization", f"Bearer {key}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                json.loads(response.read(1_000_000) or b"{}")
        except urllib.error.HTTPError as err:
            return Reachability(False, f"Sprachmodell {name}: Server antwortet mit Fehler "
                                       f"{err.code} – Antworten wörtlich aus den Dokumenten")
        except (OSError, ValueError) as err:
            log.info("Sprachmodell nicht erreichbar: %s", err)
            return Reachability(False, f"Sprachmodell {name}: nicht erreichbar unter "
                                       f"{base_url(settings)} – Antworten wörtlich aus den Dokumenten")
        return Reachability(True, f"Sprachmodell {name}: erreichbar")
