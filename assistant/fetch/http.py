"""One polite HTTP client for everything `kim fetch` downloads: council systems and state pages.

Polite: a pause between requests, a few retries with growing waits when a server is busy or
failing (429, 5xx, a dropped connection), and conditional requests (ETag / If-Modified-Since), so
that an unchanged file costs the server a 304, not the file. Bounded: a download stops at the
size limit, and a file is written only when it arrived whole (temporary name, then renamed).
"""

import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from assistant.errors import KimError

USER_AGENT = "KIM-Assistent (kim fetch; Ratsdokumente zum Kommunalen Integrationsmanagement)"
RETRY_STATUS = {429, 500, 502, 503, 504}


class FetchError(KimError):
    """A request that failed for good (after its retries), with the reason in German."""


class TooLarge(FetchError):
    pass


@dataclass
class Validators:
    """What the server said about a URL last time, to ask "changed since?" next time."""
    etag: str = ""
    last_modified: str = ""

    def headers(self) -> dict[str, str]:
        sent = {}
        if self.etag:
            sent["If-None-Match"] = self.etag
        if self.last_modified:
            sent["If-Modified-Since"] = self.last_modified
        return sent


@dataclass
class Downloaded:
    changed: bool  # False: the server answered 304, the file on disk is current
    size: int = 0
    validators: Validators = field(default_factory=Validators)
    media_type: str = ""


class PoliteClient:
    def __init__(self, pause_s: float = 1.0, retries: int = 3, max_bytes: int = 50 * 1024 * 1024,
                 timeout_s: float = 30.0, sleep: Callable[[float], None] = time.sleep) -> None:
        self.pause_s = pause_s
        self.retries = retries
        self.max_bytes = max_bytes
        self.sleep = sleep
        self.requests = 0  # sent, retries included
        self._last = 0.0
        self._http = httpx.Client(timeout=timeout_s, follow_redirects=True,
                                  headers={"User-Agent": USER_AGENT})

    def close(self) -> None:
        self._http.close()

    def get_json(self, url: str, params: dict[str, str] | None = None) -> Any:
        response = self._send(url, params or {}, {})
        try:
            return response.json()
        except ValueError as err:
            raise FetchError(f"Unter {url} kam kein JSON, sondern „{_kind(response)}“ – ist das "
                             "die Adresse einer OParl-Schnittstelle?") from err

    def download(self, url: str, target: Path, known: Validators | None = None) -> Downloaded:
        """``url`` into ``target`` (replaced only by a complete download). With ``known``
        validators an unchanged file is not transferred again."""
        conditional = known.headers() if known and target.exists() else {}
        for attempt in range(self.retries + 1):
            self._wait()
            try:
                with self._http.stream("GET", url, headers=conditional) as response:
                    if response.status_code == 304:
                        return Downloaded(changed=False, validators=known or Validators())
                    if response.status_code in RETRY_STATUS and attempt < self.retries:
                        self._back_off(attempt, response)
                        continue
                    _check_status(url, response)
                    size = self._store(url, response, target)
                    return Downloaded(True, size, _validators(response),
                                      response.headers.get("content-type", ""))
            except httpx.TransportError as err:
                if attempt >= self.retries:
                    raise FetchError(_unreachable(url, err)) from err
                self._back_off(attempt, None)
        raise FetchError(f"{url} antwortet auch nach {self.retries + 1} Versuchen nicht – "
                         "später erneut versuchen.")

    def _send(self, url: str, params: dict[str, str], headers: dict[str, str]) -> httpx.Response:
        for attempt in range(self.retries + 1):
            self._wait()
            try:
                # No params at all when there are none: httpx would drop the URL's own query
                # (OParl's "next" links carry theirs).
                response = self._http.get(url, params=params or None, headers=headers)
            except httpx.TransportError as err:
                if attempt >= self.retries:
                    raise FetchError(_unreachable(url, err)) from err
                self._back_off(attempt, None)
                continue
            if response.status_code in RETRY_STATUS and attempt < self.retries:
                self._back_off(attempt, response)
                continue
            _check_status(url, response)
            return response
        raise AssertionError("unreachable")

    def _store(self, url: str, response: httpx.Response, target: Path) -> int:
        announced = int(response.headers.get("content-length") or 0)
        if announced > self.max_bytes:
            raise TooLarge(_too_large(url, self.max_bytes))
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".abruf-")
        size = 0
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise TooLarge(_too_large(url, self.max_bytes))
                    out.write(chunk)
            os.replace(temp, target)
        finally:
            Path(temp).unlink(missing_ok=True)
        return size

    def _wait(self) -> None:
        """The pause between two requests to the same server (one at a time, never in bursts)."""
        gap = self._last + self.pause_s - time.monotonic()
        if gap > 0:
            self.sleep(gap)
        self._last = time.monotonic()
        self.requests += 1

    def _back_off(self, attempt: int, response: httpx.Response | None) -> None:
        wait = min(2.0 ** attempt * max(self.pause_s, 0.5), 60.0)
        after = response.headers.get("retry-after", "") if response is not None else ""
        if after.isdigit():
            wait = min(float(after), 120.0)
        self.sleep(wait)


def _check_status(url: str, response: httpx.Response) -> None:
    if response.status_code == 404:
        raise FetchError(f"{url} gibt es nicht (404) – Adresse prüfen.")
    if response.status_code in (401, 403):
        raise FetchError(f"{url} verweigert den Zugriff ({response.status_code}) – die "
                         "Schnittstelle ist nicht öffentlich oder verlangt eine Anmeldung.")
    if response.status_code >= 400:
        raise FetchError(f"{url} antwortet mit Fehler {response.status_code} – später erneut "
                         "versuchen.")


def _validators(response: httpx.Response) -> Validators:
    return Validators(response.headers.get("etag", ""), response.headers.get("last-modified", ""))


def _kind(response: httpx.Response) -> str:
    return response.headers.get("content-type", "unbekannt").split(";")[0] or "unbekannt"


def _unreachable(url: str, err: Exception) -> str:
    return (f"{url} ist nicht erreichbar ({type(err).__name__}) – Adresse und Netz prüfen; hinter "
            "einem Proxy HTTPS_PROXY setzen.")


def _too_large(url: str, limit: int) -> str:
    return (f"{url} ist größer als {limit / 1024 / 1024:.0f} MB und wurde nicht geladen – die "
            "Grenze setzt --max-mb bzw. KIM_MAX_FILE_MB.")
