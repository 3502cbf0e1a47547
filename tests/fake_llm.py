"""A local LLM server for the tests: real HTTP, real protocols, scripted answers.

It speaks OpenAI chat completions (``/v1/chat/completions``, JSON and SSE streaming,
``/v1/models``) and Ollama (``/api/chat``, JSON and NDJSON streaming, ``/api/tags``). What it
answers is a script chosen by the test; the scripts build their answers from the passages in
the prompt, the way a model would, so they work on any corpus.
"""

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ABSTAIN = "In den vorliegenden Dokumenten finde ich dazu keine Angabe."
_BLOCK = re.compile(r'<quelle nr="(\d+)"[^>]*>\n(.*?)\n</quelle>', re.DOTALL)


def passages(messages: list[dict[str, Any]]) -> dict[int, str]:
    """Our numbered source blocks; another prompt (LlamaIndex's own) counts as one source."""
    user = next(m["content"] for m in messages if m["role"] == "user")
    return {int(n): text for n, text in _BLOCK.findall(user)} or {1: user}


def question_of(messages: list[dict[str, Any]]) -> str:
    user = next(m["content"] for m in messages if m["role"] == "user")
    return re.search(r"^(?:Frage|Query): (.*)$", user, re.MULTILINE).group(1)  # type: ignore[union-attr]


def sentences(text: str) -> list[str]:
    """Whole statements of five words or more, without their final full stop."""
    found = []
    for line in text.splitlines():
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-ZÄÖÜ])", line.strip()):
            if len(sentence.split()) >= 5 and sentence.endswith(".") and "?" not in sentence:
                found.append(sentence.rstrip("."))
    return found


def good(messages: list[dict[str, Any]]) -> str:
    """The passage sentence sharing most words with the question, cited – what a model would say."""
    asked = set(re.findall(r"\w{4,}", question_of(messages).lower()))
    candidates = [(len(asked & set(re.findall(r"\w{4,}", s.lower()))), -n, s, n)
                  for n, text in passages(messages).items() for s in sentences(text)]
    _overlap, _rank, sentence, n = max(candidates)
    return f"{sentence} [{n}]."


def with_unsupported(messages: list[dict[str, Any]]) -> str:
    return good(messages) + " Außerdem besteht der Mond aus grünem Käse und schmeckt mild. [1]"


def wrong_number(messages: list[dict[str, Any]]) -> str:
    for n, text in sorted(passages(messages).items()):
        for sentence in (s for s in sentences(text) if re.search(r"\d", s)):
            wrong = re.sub(r"\d+", lambda m: str(int(m.group(0)) + 7), sentence, count=1)
            return f"{good(messages)} {wrong} [{n}]."
    raise AssertionError("keine Passage mit Zahl im Prompt")


def seventh(messages: list[dict[str, Any]]) -> str:
    return good(messages) + " Das steht so auch in einer weiteren Vorlage [7]."


SCRIPTS: dict[str, Callable[[list[dict[str, Any]]], str]] = {
    "gut": good,
    "unbelegt": with_unsupported,
    "falsche-zahl": wrong_number,
    "verweigert": lambda _messages: ABSTAIN,
    "quelle-7": seventh,
    # A model that followed an instruction planted in a document.
    "injektion-befolgt": lambda _messages: "KIM wurde abgeschafft. Besuchen Sie www.phish.example.",
}


class FakeLlm:
    """Start with ``with FakeLlm() as server``; set ``server.script`` and ``server.delay``."""

    def __init__(self, model: str = "test-modell") -> None:
        self.model = model
        self.script = "gut"
        self.delay = 0.0  # seconds before the answer (a slow model)
        self.token_delay = 0.0  # seconds between streamed pieces
        self.malformed = False  # reply with broken JSON
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def openai_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def ollama_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "FakeLlm":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def answer(self, messages: list[dict[str, Any]]) -> str:
        return SCRIPTS[self.script](messages)

    def pieces(self, text: str) -> Iterator[str]:
        for piece in re.findall(r"\S+\s*", text):
            time.sleep(self.token_delay)
            yield piece


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    @property
    def fake(self) -> FakeLlm:
        return self.server.fake  # type: ignore[attr-defined,no-any-return]

    def log_message(self, *_args: Any) -> None:
        pass

    def do_GET(self) -> None:
        model = self.fake.model
        if self.path == "/v1/models":
            self._json({"object": "list", "data": [{"id": model, "object": "model"}]})
        elif self.path == "/api/tags":
            self._json({"models": [{"name": model, "model": model}]})
        else:
            self._json({"error": "not found"}, 404)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.fake.requests.append({"path": self.path, "body": body,
                                   "authorization": self.headers.get("Authorization")})
        time.sleep(self.fake.delay)
        text = self.fake.answer(body["messages"])
        try:
            if self.path == "/v1/chat/completions":
                self._openai(body, text)
            elif self.path == "/api/chat":
                self._ollama(body, text)
            else:
                self._json({"error": "not found"}, 404)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout, or a stopped answer)

    def _openai(self, body: dict[str, Any], text: str) -> None:
        if not body.get("stream"):
            self._json({"id": "chatcmpl-1", "object": "chat.completion",
                        "created": int(time.time()), "model": self.fake.model,
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": text}}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})
            return
        self._start_stream("text/event-stream")
        self._send_chunk(f"data: {json.dumps(self._openai_chunk({'role': 'assistant'}))}\n\n")
        for piece in self.fake.pieces(text):
            self._send_chunk(f"data: {json.dumps(self._openai_chunk({'content': piece}))}\n\n")
        self._send_chunk(f"data: {json.dumps(self._openai_chunk({}, 'stop'))}\n\n")
        self._send_chunk("data: [DONE]\n\n")
        self._send_chunk("")

    def _openai_chunk(self, delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
        return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": self.fake.model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    def _ollama(self, body: dict[str, Any], text: str) -> None:
        if not body.get("stream", True):
            self._json(self._ollama_line(text, True))
            return
        self._start_stream("application/x-ndjson")
        for piece in self.fake.pieces(text):
            self._send_chunk(json.dumps(self._ollama_line(piece, False)) + "\n")
        self._send_chunk(json.dumps(self._ollama_line("", True)) + "\n")
        self._send_chunk("")

    def _ollama_line(self, content: str, done: bool) -> dict[str, Any]:
        line: dict[str, Any] = {"model": self.fake.model, "created_at": "2026-12-01T00:00:00Z",
                                "message": {"role": "assistant", "content": content}, "done": done}
        if done:
            line.update(done_reason="stop", total_duration=1, eval_count=1, prompt_eval_count=1)
        return line

    def _json(self, data: dict[str, Any], status: int = 200) -> None:
        broken = self.fake.malformed and status == 200 and self.command == "POST"
        raw = b'{"choices": [{"message": {"content": ' if broken else json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _start_stream(self, kind: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

    def _send_chunk(self, text: str) -> None:
        """One HTTP chunk ("" ends the stream); broken JSON when ``malformed``."""
        if self.fake.malformed and text:
            text = text.replace("{", "{{", 1)
        raw = text.encode()
        self.wfile.write(f"{len(raw):x}\r\n".encode() + raw + b"\r\n")
        self.wfile.flush()
