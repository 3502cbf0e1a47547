"""A local OParl 1.1 server for the tests: real HTTP, spec-shaped JSON.

System → Body list → Body → a paginated Paper list (``links.next``, ``modified_since``), Papers
with embedded File objects (``accessUrl``/``downloadUrl``), consultations and related papers,
and file downloads with ETags (If-None-Match → 304). A test changes ``papers`` and ``files``
between runs; ``fail_next`` makes a path answer 500 a number of times first; ``requests``
records every path asked for.
"""

import contextlib
import hashlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

SCHEMA = "https://schema.oparl.org/1.1/"
PAGE_SIZE = 2


@dataclass
class OparlServer:
    papers: list[dict[str, Any]] = field(default_factory=list)  # without "id"/"type" yet
    files: dict[str, bytes] = field(default_factory=dict)  # name → content
    fail_next: dict[str, int] = field(default_factory=dict)  # path → 500s still to send
    requests: list[str] = field(default_factory=list)
    body_name: str = "Kreis Kleve"
    base: str = ""

    def start(self) -> "OparlServer":
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.base = f"http://127.0.0.1:{server.server_address[1]}"
        self._server = server
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def system_url(self) -> str:
        return f"{self.base}/oparl/v1/system"

    def file(self, name: str, mime: str, text: str = "") -> dict[str, Any]:
        """A File object for ``files[name]``, as a paper embeds it."""
        return {"id": f"{self.base}/oparl/v1/file/{name}", "type": SCHEMA + "File",
                "name": name.rsplit(".", 1)[0], "fileName": name, "mimeType": mime,
                "accessUrl": f"{self.base}/dateien/{name}",
                "downloadUrl": f"{self.base}/dateien/{name}?download=1", "text": text}

    def paper_id(self, number: int) -> str:
        return f"{self.base}/oparl/v1/paper/{number}"

    def consultation(self, role: str) -> dict[str, Any]:
        """A Consultation as the spec has it: meeting and organization as URLs."""
        return {"id": f"{self.base}/oparl/v1/consultation/1", "type": SCHEMA + "Consultation",
                "meeting": f"{self.base}/oparl/v1/meeting/1",
                "organization": [f"{self.base}/oparl/v1/organization/1"], "role": role}

    # -- answers -------------------------------------------------------------------------

    def answer(self, path: str, query: dict[str, list[str]], headers: Any) -> tuple[int, dict, bytes]:
        self.requests.append(path + ("?" + "&".join(f"{k}={v[0]}" for k, v in query.items())
                                     if query else ""))
        if self.fail_next.get(path, 0) > 0:
            self.fail_next[path] -= 1
            return 500, {"Content-Type": "text/plain"}, b"interner Fehler"
        if path == "/oparl/v1/system":
            return _json({"id": self.system_url, "type": SCHEMA + "System",
                          "oparlVersion": SCHEMA, "name": "Ratsinformationssystem (Test)",
                          "body": f"{self.base}/oparl/v1/bodies"})
        if path == "/oparl/v1/bodies":
            return _json({"data": [self._body()], "pagination": {"totalElements": 1},
                          "links": {}})
        if path == "/oparl/v1/body/1/papers":
            return _json(self._paper_page(query))
        if path == "/oparl/v1/organization/1":
            return _json({"id": self.base + path, "type": SCHEMA + "Organization",
                          "name": "Ausschuss für Soziales und Integration"})
        if path == "/oparl/v1/meeting/1":
            return _json({"id": self.base + path, "type": SCHEMA + "Meeting",
                          "name": "Sitzung des Ausschusses", "start": "2024-03-12T17:00:00+01:00"})
        if path.startswith("/dateien/"):
            return self._file(path.removeprefix("/dateien/"), headers)
        if path == "/keine-schnittstelle":
            return 200, {"Content-Type": "text/html"}, b"<html><body>Willkommen</body></html>"
        return 404, {"Content-Type": "application/json"}, b'{"error": "not found"}'

    def _body(self) -> dict[str, Any]:
        return {"id": f"{self.base}/oparl/v1/body/1", "type": SCHEMA + "Body",
                "system": self.system_url, "name": self.body_name, "shortName": "Kleve",
                "paper": f"{self.base}/oparl/v1/body/1/papers"}

    def _paper_page(self, query: dict[str, list[str]]) -> dict[str, Any]:
        since = query.get("modified_since", [""])[0]
        chosen = [p for p in self._papers() if not since or p["modified"] >= since]
        page = int(query.get("page", ["1"])[0])
        data = chosen[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
        links: dict[str, str] = {}
        if page * PAGE_SIZE < len(chosen):
            more = f"&modified_since={since}" if since else ""
            links["next"] = f"{self.base}/oparl/v1/body/1/papers?page={page + 1}{more}"
        return {"data": data, "pagination": {"totalElements": len(chosen),
                                             "elementsPerPage": PAGE_SIZE,
                                             "currentPage": page}, "links": links}

    def _papers(self) -> list[dict[str, Any]]:
        return [{"id": self.paper_id(n), "type": SCHEMA + "Paper", "body": self._body()["id"],
                 **paper} for n, paper in enumerate(self.papers, start=1)]

    def _file(self, name: str, headers: Any) -> tuple[int, dict, bytes]:
        if name not in self.files:
            return 404, {"Content-Type": "text/plain"}, b"nicht gefunden"
        content = self.files[name]
        etag = f'"{hashlib.sha1(content).hexdigest()[:12]}"'
        if headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        kind = {"pdf": "application/pdf", "html": "text/html; charset=utf-8",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
        return 200, {"Content-Type": kind.get(name.rsplit(".", 1)[-1], "application/octet-stream"),
                     "ETag": etag}, content


def _json(data: Any) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(data).encode()


def _handler(server: OparlServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parsed = urlparse(self.path)
            status, headers, body = server.answer(parsed.path, parse_qs(parsed.query),
                                                  self.headers)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The client may stop reading (a file over its size limit).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler
