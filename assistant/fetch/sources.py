"""`kim fetch --quellen`: the state documents and pages listed in ``corpus/sources.toml``,
downloaded with the same polite client as council papers (ETags, pauses, size limit)."""

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.errors import KimError
from assistant.fetch.http import FetchError, PoliteClient
from assistant.fetch.sidecar import write_document
from assistant.fetch.state import FetchState

_SUFFIXES = {"application/pdf": ".pdf", "text/html": ".html", "text/plain": ".txt",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx"}
_SLUG = re.compile(r"[^\w-]+")
BODY_OF_KIND = {"Land": "Land Nordrhein-Westfalen"}  # the state's texts hold for every Kommune


@dataclass
class SourcesReport:
    listed: int = 0
    files: int = 0
    not_modified: int = 0
    problems: list[str] = field(default_factory=list)


def read_sources(path: Path) -> list[dict[str, Any]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise KimError(f"Die Quellenliste „{path}“ gibt es nicht – Pfad prüfen.") from err
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise KimError(f"Die Quellenliste „{path}“ ist kein gültiges TOML ({err}) – jede Quelle "
                       'als [[source]] mit url = "…" und title = "…".') from err
    sources = [s for s in data.get("source", []) if isinstance(s, dict) and s.get("url")]
    if not sources:
        raise KimError(f"In „{path}“ steht keine Quelle ([[source]] mit url = \"…\").")
    return sources


def fetch_sources(path: Path, into: Path, client: PoliteClient) -> SourcesReport:
    state = FetchState.load(into)
    report = SourcesReport()
    for source in read_sources(path):
        report.listed += 1
        url = str(source["url"])
        target = into / _file_name(source, state.validators.get(url) is not None, into)
        try:
            result = client.download(url, target, state.validators.get(url))
        except FetchError as err:
            report.problems.append(str(err))
            continue
        if result.changed:
            report.files += 1
            kind = result.media_type.split(";")[0].strip()
            wanted = _SUFFIXES.get(kind)
            if wanted and target.suffix != wanted:  # named by what the server sent
                target = target.replace(target.with_suffix(wanted))
        else:
            report.not_modified += 1
        state.validators[url] = result.validators
        write_document(target, {"title": str(source.get("title") or ""),
                                "body": BODY_OF_KIND.get(str(source.get("kind")), ""),
                                "source_kind": str(source.get("kind") or ""),
                                "herausgeber": str(source.get("publisher") or ""),
                                "quelle": url})
        state.save()
    return report


def _file_name(source: dict[str, Any], seen: bool, into: Path) -> str:
    """A stable name per URL (the same file on every run), with the suffix it had last time."""
    url = str(source["url"])
    stem = _SLUG.sub("-", str(source.get("title") or "quelle")).strip("-")[:60] or "quelle"
    stem = f"{stem}-{hashlib.sha1(url.encode()).hexdigest()[:8]}"
    if seen:
        for existing in into.glob(f"{stem}.*"):
            if not existing.name.endswith(".meta.toml"):
                return existing.name
    suffix = Path(url.split("?")[0]).suffix.lower()
    return stem + (suffix if suffix in _SUFFIXES.values() else ".html")
