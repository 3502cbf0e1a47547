"""Import from a council information system through OParl 1.0/1.1 (the German standard API of
SessionNet, ALLRIS, SD.NET and others): its papers (Drucksachen) with their files and metadata.

System → bodies → the paginated paper list (``links.next``; ``modified_since`` from the second
run on) → per paper in scope its main and auxiliary files, each with a ``.meta.toml`` sidecar:
the paper's reference as the Vorlage number, date, type, body, consultations, and its own and
its related papers' ids (from which the index links an inquiry to its answer, see
``assistant.links``). Papers the system marks deleted, and files a changed paper no longer has,
are moved aside to ``.entfernt/``.
"""

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.fetch.http import FetchError, PoliteClient, TooLarge
from assistant.fetch.scope import Scope
from assistant.fetch.sidecar import write_document
from assistant.fetch.state import FetchState, PaperState
from assistant.german.dates import german_date
from assistant.ingest.metadata import normalize_doc_type
from assistant.ingest.scan import SIDECAR_SUFFIX

log = logging.getLogger(__name__)
MAX_PAGES = 10_000  # a list that never ends (a broken "next") stops here
_SLUG = re.compile(r"[^\w.-]+")


@dataclass
class OparlReport:
    bodies: list[str] = field(default_factory=list)
    listed: int = 0  # papers the lists returned
    in_scope: int = 0
    unchanged: int = 0  # in scope, but the same as last time
    fetched: int = 0  # papers whose files were (re)written
    files: int = 0  # files written
    not_modified: int = 0  # files the server confirmed unchanged (304)
    deleted: int = 0  # papers the system marks deleted whose files were moved aside
    problems: list[str] = field(default_factory=list)  # German, one per file or paper
    pairs: list[tuple[str, str]] = field(default_factory=list)  # (inquiry ref, answer ref)


def fetch_oparl(url: str, into: Path, scope: Scope, client: PoliteClient,
                say: Callable[[str], None] = print) -> OparlReport:
    """Import the papers in ``scope`` from the OParl system or body at ``url`` into ``into``."""
    state = FetchState.load(into)
    report = OparlReport()
    for body in _bodies(client, url):
        name = str(body.get("name") or body.get("shortName") or "")
        report.bodies.append(name)
        if not isinstance(body.get("paper"), str):
            report.problems.append(f"{name}: keine Drucksachenliste („paper“) – übersprungen.")
            continue
        _fetch_body(client, body, into, scope, state, report, say)
    report.pairs = _pairs(state)
    return report


def _bodies(client: PoliteClient, url: str) -> list[dict[str, Any]]:
    root = client.get_json(url)
    kind = _kind(root)
    if kind == "Body":
        return [root]
    if kind == "System" and isinstance(root.get("body"), str):
        return list(_pages(client, root["body"], {}))
    raise FetchError(f"Unter {url} antwortet kein OParl-System (erwartet ein Objekt vom Typ "
                     f"System oder Body, gefunden: {kind or 'keine OParl-Daten'}) – die Adresse "
                     "der OParl-Schnittstelle steht meist im Impressum des Ratsinformationssystems "
                     "oder unter https://dev.oparl.org/.")


def _fetch_body(client: PoliteClient, body: dict[str, Any], into: Path, scope: Scope,
                state: FetchState, report: OparlReport, say: Callable[[str], None]) -> None:
    papers_url = body["paper"]
    since = state.since.get(papers_url, "")
    # From the server's point of view: an hour's margin for clocks that differ (a paper listed
    # twice costs a comparison; one missed would be missing for good).
    started = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    params = {"modified_since": since} if since else {}
    say(f"{body.get('name', '')}: Drucksachen {'geändert seit ' + since if since else 'alle'} …")
    folder = into / _slug(str(body.get("shortName") or body.get("name") or "oparl"))
    papers = _Papers(client, state, folder, into, body, report)
    retry = [i for i, url in state.pending.items() if url == papers_url]
    for paper in _pages(client, papers_url, params):
        report.listed += 1
        if paper.get("deleted"):  # withdrawn in the council system: out of the corpus too
            papers.forget(str(paper["id"]))
        elif scope.reason_out(paper) is None:
            papers.take(paper, papers_url, say)
        retry = [i for i in retry if i != paper["id"]]
    for paper_id in retry:  # a file failed last time: asked for by id, changed or not
        try:
            paper = client.get_json(paper_id)
        except FetchError as err:
            report.problems.append(f"{paper_id}: {err}")
            continue
        if isinstance(paper, dict) and "id" in paper:
            papers.take(paper, papers_url, say, again=True)
    state.since[papers_url] = started  # only a complete list moves the point forward
    state.save()


class _Papers:
    """Fetching the papers of one body, one at a time, the state saved after each."""

    def __init__(self, client: PoliteClient, state: FetchState, folder: Path, into: Path,
                 body: dict[str, Any], report: OparlReport) -> None:
        self.client, self.state, self.folder, self.into = client, state, folder, into
        self.body, self.report = body, report
        self.objects = _Objects(client)

    def forget(self, paper_id: str) -> None:
        """Move a deleted paper's files aside (``.entfernt/``, which no scan reads); the next
        `kim ingest` takes them out of the index."""
        known = self.state.papers.pop(paper_id, None)
        if known is None:
            return
        self._move_aside(known.files)
        self.state.pending.pop(paper_id, None)
        self.state.save()
        self.report.deleted += 1

    def _move_aside(self, names: list[str]) -> None:
        aside = self.into / ".entfernt"
        for name in names:
            path = self.into / name
            for part in (path, path.with_name(path.name + SIDECAR_SUFFIX)):
                if part.exists():
                    aside.mkdir(parents=True, exist_ok=True)
                    part.replace(aside / part.name)

    def take(self, paper: dict[str, Any], papers_url: str, say: Callable[[str], None],
             again: bool = False) -> None:
        paper_id = str(paper["id"])
        self.report.in_scope += 0 if again else 1
        known = self.state.papers.get(paper_id)
        if not again and known and known.modified == paper.get("modified") and \
                paper_id not in self.state.pending and \
                all((self.into / f).exists() for f in known.files):
            self.report.unchanged += 1
            return
        written, incomplete = _fetch_paper(self.client, self.objects, paper, self.body,
                                           self.folder, self.into, self.state, self.report)
        earlier = [f for f in known.files if f not in written] if known else []
        if incomplete:  # the old copy of a file that failed stays, and stays known
            self.state.pending[paper_id] = papers_url
            written += [f for f in earlier if (self.into / f).exists()]
        else:  # an annex the changed paper no longer has goes
            self.state.pending.pop(paper_id, None)
            self._move_aside(earlier)
        self.state.papers[paper_id] = PaperState(
            str(paper.get("modified", "")), written, str(paper.get("reference") or ""),
            _doc_type(paper), _related(paper))
        self.state.save()  # after every paper: an interrupted run resumes here
        self.report.fetched += 1
        files = "1 Datei" if len(written) == 1 else f"{len(written)} Dateien"
        say(f"  {paper.get('reference') or ''} {paper.get('name', '')}: {files}")


def _fetch_paper(client: PoliteClient, objects: "_Objects", paper: dict[str, Any],
                 body: dict[str, Any], folder: Path, into: Path, state: FetchState,
                 report: OparlReport) -> tuple[list[str], bool]:
    """The files written (relative to ``into``), and whether one failed in a way worth trying
    again (a file over the size limit is not)."""
    files = [f for f in [paper.get("mainFile"), *(paper.get("auxiliaryFile") or [])]
             if isinstance(f, dict)]
    written: list[str] = []
    incomplete = False
    consultations = objects.consultations(paper)
    prefix = _slug(str(paper.get("reference") or paper.get("id", "")).replace("/", "-"))
    for number, file in enumerate(files):
        address = file.get("downloadUrl") or file.get("accessUrl")
        if not address:
            continue
        name = _slug(str(file.get("fileName") or file.get("name") or f"datei-{number}"))
        target = folder / f"{prefix}_{name}"
        try:
            result = client.download(address, target, state.validators.get(address))
        except FetchError as err:
            report.problems.append(f"{paper.get('reference') or paper.get('name')}: {err}")
            incomplete = incomplete or not isinstance(err, TooLarge)
            continue
        state.validators[address] = result.validators
        if result.changed:
            report.files += 1
        else:
            report.not_modified += 1
        write_document(target, _facts(paper, body, file, number == 0, consultations))
        written.append(target.relative_to(into).as_posix())
    return written, incomplete


def _facts(paper: dict[str, Any], body: dict[str, Any], file: dict[str, Any], main: bool,
           consultations: list[str]) -> dict[str, Any]:
    name = str(paper.get("name") or "")
    title = name if main else f"{name} – Anlage: {file.get('name') or file.get('fileName')}"
    return {
        "title": title, "date": str(paper.get("date") or ""),
        "body": str(body.get("name") or ""), "doc_type": _doc_type(paper),
        "reference": str(paper.get("reference") or ""), "visibility": "öffentlich",
        "drucksachenart": str(paper.get("paperType") or ""),
        "beratungen": consultations,
        "verwandt": _related(paper), "oparl_id": str(paper.get("id") or ""),
        "quelle": str(paper.get("web") or file.get("accessUrl") or ""),
    }


def _doc_type(paper: dict[str, Any]) -> str:
    """The paper type mapped onto the index's types ("Mitteilungsvorlage" → Vorlage)."""
    stated = normalize_doc_type(str(paper.get("paperType") or ""))
    return stated if stated != "Sonstiges" else normalize_doc_type(str(paper.get("name") or ""))


def _related(paper: dict[str, Any]) -> list[str]:
    """Ids of the papers this one is related to, in any direction."""
    ids = []
    for key in ("relatedPaper", "superordinatedPaper", "subordinatedPaper"):
        ids += [str(i) for i in paper.get(key) or [] if isinstance(i, str)]
    return sorted(set(ids))


class _Objects:
    """Objects a paper refers to by URL (committees, meetings), each fetched once per run; one
    that cannot be fetched is left out rather than stopping the import."""

    def __init__(self, client: PoliteClient) -> None:
        self.client = client
        self.known: dict[str, dict[str, Any]] = {}

    def get(self, ref: Any) -> dict[str, Any]:
        if isinstance(ref, dict):  # some systems embed the object
            return ref
        if not isinstance(ref, str) or not ref.startswith("http"):
            return {}
        if ref not in self.known:
            try:
                found = self.client.get_json(ref)
            except FetchError as err:
                log.warning("%s", err)
                found = {}
            self.known[ref] = found if isinstance(found, dict) else {}
        return self.known[ref]

    def consultations(self, paper: dict[str, Any]) -> list[str]:
        """"Ausschuss für Soziales und Integration · 12.03.2024 · Kenntnisnahme"."""
        found = []
        for consultation in paper.get("consultation") or []:
            if not isinstance(consultation, dict):
                continue
            where = ", ".join(str(self.get(o).get("name") or "")
                              for o in consultation.get("organization") or [])
            start = str(self.get(consultation.get("meeting")).get("start") or "")[:10]
            when = german_date(start) if start else ""
            parts = [where, when, str(consultation.get("role") or "")]
            found.append(" · ".join(p for p in parts if p))
        return [f for f in found if f]


def _pairs(state: FetchState) -> list[tuple[str, str]]:
    """Inquiry–answer pairs among the fetched papers: related papers of which one asks
    (Anfrage, Antrag) and the other answers (Vorlage)."""
    pairs = set()
    for paper_id, paper in state.papers.items():
        for other_id in paper.related:
            other = state.papers.get(other_id)
            if other is None:
                continue
            if paper.doc_type in ("Anfrage", "Antrag") and other.doc_type == "Vorlage":
                pairs.add((paper.reference or paper_id, other.reference or other_id))
    return sorted(pairs)


def _pages(client: PoliteClient, url: str, params: dict[str, str]) -> Iterator[dict[str, Any]]:
    """The objects of an OParl list, page by page along ``links.next``."""
    seen = set()
    for _ in range(MAX_PAGES):
        page = client.get_json(url, params)
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise FetchError(f"{url} ist keine OParl-Liste (es fehlt „data“) – ist das die "
                             "Adresse einer OParl-Schnittstelle?")
        yield from (item for item in page["data"] if isinstance(item, dict) and "id" in item)
        following = (page.get("links") or {}).get("next")
        if not following or following in seen:
            return
        seen.add(following)
        url, params = following, {}  # "next" carries the query of the first page
    log.warning("Liste %s nach %d Seiten abgebrochen", url, MAX_PAGES)


def _kind(data: Any) -> str:
    """"https://schema.oparl.org/1.1/Paper" → "Paper" ("" for anything else)."""
    kind = data.get("type", "") if isinstance(data, dict) else ""
    return kind.rsplit("/", 1)[-1] if isinstance(kind, str) and "oparl.org" in kind else ""


def _slug(text: str) -> str:
    return _SLUG.sub("-", text).strip("-.")[:80] or "oparl"
