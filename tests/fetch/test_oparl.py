"""`kim fetch --oparl` against a local OParl server, then `kim ingest` and `kim ask`, all as a user
runs them: papers in scope with their files and sidecars, a 500 that passes, a broken and an
oversized file that do not stop the run, an inquiry linked to its answer, a second run that
fetches only what changed, and an interrupted run that changes nothing already there."""

import json
import os
import subprocess
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import KIM, REPO, env_with
from tests.files import write_council_html, write_docx, write_pdf
from tests.oparl_server import OparlServer

pytestmark = [pytest.mark.server]
QUESTION = "Wie viele Menschen hat das Case Management 2023 im Kreis Kleve begleitet?"


def _council(server: OparlServer, tmp: Path) -> None:
    """A Kreis with an inquiry, the administration's answer (with an annex), a paper on roads,
    a KIM report whose files are flaky, broken and too large, and an older motion."""
    files = {
        "anfrage-gruene.pdf": write_pdf(tmp / "a.pdf", [
            "Kreis Kleve\nAnfrage der Kreistagsfraktion BÜNDNIS 90/DIE GRÜNEN\nKleve, 12.02.2024\n"
            "Betreff: Kommunales Integrationsmanagement im Kreis Kleve\n"
            "1. Wie viele Menschen hat das Case Management im Jahr 2023 begleitet?\n"
            "2. Wie viele Stellen sind im Baustein 2 besetzt?"]),
        "antwort-gruene.docx": write_docx(tmp / "b.docx", "Kreis Kleve – Der Landrat", [
            "Mitteilungsvorlage A 21/0500-01",
            "Betreff: Beantwortung der Anfrage der Fraktion BÜNDNIS 90/DIE GRÜNEN vom 12.02.2024",
            "Zu Frage 1: Das Case Management hat im Jahr 2023 insgesamt 389 Menschen im Kreis "
            "Kleve begleitet.",
            "Zu Frage 2: Im Baustein 2 sind 9,5 Vollzeitstellen besetzt."]),
        "anlage-statistik.html": write_council_html(
            tmp / "c.html", "Anlage Statistik KIM",
            "<p>Statistik des Case Managements im Kreis Kleve: 389 begleitete Menschen, davon "
            "211 Frauen.</p>"),
        "strasse.pdf": write_pdf(tmp / "d.pdf", ["Sanierung der Kreisstraße K 12 in Goch."]),
        "bericht-kim.pdf": write_pdf(tmp / "e.pdf", [
            "Kreis Kleve\nSachstandsbericht Kommunales Integrationsmanagement 2024\n"
            "Im Jahr 2024 arbeiten im Kreis Kleve zwölf Case Managerinnen und Case Manager."]),
        "antrag-spd.pdf": write_pdf(tmp / "f.pdf", [
            "Kreis Kleve\nAntrag der SPD-Fraktion\nAusbau der Integrationslotsen im Kreis Kleve."]),
    }
    server.files = {name: path.read_bytes() for name, path in files.items()}
    server.files["kaputt.pdf"] = os.urandom(3000)
    server.files["gross.pdf"] = b"%PDF-1.4\n" + b"0" * (2 * 1024 * 1024)
    server.fail_next = {"/dateien/bericht-kim.pdf": 1}
    server.papers = [
        {"name": "Anfrage der Fraktion BÜNDNIS 90/DIE GRÜNEN zum Kommunalen "
                 "Integrationsmanagement", "reference": "A 21/0500", "date": "2024-02-12",
         "paperType": "Anfrage", "modified": "2024-02-12T10:00:00+01:00",
         "mainFile": server.file("anfrage-gruene.pdf", "application/pdf"),
         "relatedPaper": [server.paper_id(2)]},
        {"name": "Beantwortung der Anfrage der Fraktion BÜNDNIS 90/DIE GRÜNEN zum KIM",
         "reference": "A 21/0500-01", "date": "2024-03-05", "paperType": "Mitteilungsvorlage",
         "modified": "2024-03-05T09:00:00+01:00",
         "mainFile": server.file("antwort-gruene.docx", "application/vnd.openxmlformats-"
                                 "officedocument.wordprocessingml.document"),
         "auxiliaryFile": [server.file("anlage-statistik.html", "text/html")],
         "superordinatedPaper": [server.paper_id(1)],
         "consultation": [server.consultation("Kenntnisnahme")]},
        {"name": "Sanierung der Kreisstraße K 12", "reference": "B 21/0611", "date": "2024-03-01",
         "paperType": "Beschlussvorlage", "modified": "2024-03-01T08:00:00+01:00",
         "mainFile": server.file("strasse.pdf", "application/pdf")},
        {"name": "Sachstand KIM 2024", "reference": "M 21/0702", "date": "2024-06-01",
         "paperType": "Mitteilungsvorlage", "modified": "2024-06-01T08:00:00+01:00",
         "mainFile": server.file("bericht-kim.pdf", "application/pdf"),
         "auxiliaryFile": [server.file("kaputt.pdf", "application/pdf"),
                           server.file("gross.pdf", "application/pdf")]},
        {"name": "Antrag der SPD-Fraktion: Ausbau der Integrationslotsen", "reference": "A 20/0100",
         "date": "2022-01-10", "paperType": "Antrag", "modified": "2022-01-10T08:00:00+01:00",
         "mainFile": server.file("antrag-spd.pdf", "application/pdf")},
    ]


@pytest.fixture(scope="module")
def council(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OparlServer, Path]]:
    tmp = tmp_path_factory.mktemp("oparl")
    server = OparlServer().start()
    _council(server, tmp)
    yield server, tmp
    server.stop()


def kim(tmp: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = env_with(KIM_INDEX_DIR=str(tmp / "index"), KIM_CORPUS_DIRS=json.dumps([str(tmp / "rat")]),
                   KIM_UPLOAD_DIR=str(tmp / "uploads"), KIM_EMBED_MODEL="none")
    result = subprocess.run([*KIM, *args], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=600)
    if check:
        assert result.returncode == 0, result.stderr + result.stdout
    return result


def fetch(server: OparlServer, tmp: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    return kim(tmp, "fetch", "--oparl", server.system_url, "--pause", "0", "--max-mb", "1",
               check=check)


def test_an_import_takes_the_papers_in_scope_with_their_files_and_pairs(
        council: tuple[OparlServer, Path]) -> None:
    server, tmp = council
    out = fetch(server, tmp).stdout
    assert "5 Drucksachen abgerufen, 4 zum Thema, davon 4 neu oder geändert" in out, out
    assert "6 Dateien geladen" in out  # 7 in scope; the 2 MB one is over the limit
    assert "1 Anfrage–Antwort-Paar: A 21/0500 → A 21/0500-01" in out
    assert "größer als 1 MB" in out and "gross.pdf" in out
    assert "kim ingest" in out
    folder = tmp / "rat" / "oparl" / "Kleve"
    names = sorted(p.name for p in folder.iterdir() if not p.name.endswith(".meta.toml"))
    assert names == ["A-20-0100_antrag-spd.pdf", "A-21-0500-01_anlage-statistik.html",
                     "A-21-0500-01_antwort-gruene.docx", "A-21-0500_anfrage-gruene.pdf",
                     "M-21-0702_bericht-kim.pdf", "M-21-0702_kaputt.pdf"]
    answer = tomllib.loads((folder / "A-21-0500-01_antwort-gruene.docx.meta.toml").read_text())
    assert answer["reference"] == "A 21/0500-01" and answer["doc_type"] == "Vorlage"
    assert answer["body"] == "Kreis Kleve" and answer["date"] == "2024-03-05"
    assert answer["beratungen"] == ["Ausschuss für Soziales und Integration · 12.03.2024 · "
                                    "Kenntnisnahme"]
    assert answer["verwandt"] == [server.paper_id(1)]
    annex = tomllib.loads((folder / "A-21-0500-01_anlage-statistik.html.meta.toml").read_text())
    assert annex["title"].endswith("– Anlage: anlage-statistik")
    assert server.requests.count("/dateien/bericht-kim.pdf?download=1") == 2  # a 500, then it
    assert not any("strasse" in r for r in server.requests)  # out of scope: never downloaded


def test_the_imported_answer_is_cited_with_its_number_and_its_inquiry(
        council: tuple[OparlServer, Path]) -> None:
    server, tmp = council
    if not (tmp / "rat" / "oparl").exists():
        fetch(server, tmp)
    ingest = kim(tmp, "ingest", "--json")
    report = json.loads(ingest.stdout)
    assert any("kaputt.pdf" in name for name in report["failed"]), report  # named, not fatal
    answer = json.loads(kim(tmp, "ask", "--json", QUESTION).stdout)
    assert "389" in answer["answer"], answer["answer"]
    cited = answer["citations"][0]
    assert cited["reference"] == "A 21/0500-01" and cited["source"].endswith("antwort-gruene.docx")
    # The paper's name from the council system, not the Word file's letterhead.
    assert cited["title"] == "Beantwortung der Anfrage der Fraktion BÜNDNIS 90/DIE GRÜNEN zum KIM"
    assert "Antwort auf Anfrage A 21/0500 vom 12.02.2024" in cited["related"]
    inquiry = json.loads(kim(tmp, "ask", "--json", "Welche Fragen stellen die Grünen im Kreis "
                                                  "Kleve zum Case Management?").stdout)
    asking = [p for p in inquiry["passages"] if p["source"].endswith("anfrage-gruene.pdf")]
    assert asking and "beantwortet durch Vorlage A 21/0500-01 vom 05.03.2024" in asking[0]["related"]
    # Drafting the answer to an inquiry the index already holds an answer to says so.
    path = tmp / "rat" / "oparl" / "Kleve" / "A-21-0500_anfrage-gruene.pdf"
    draft = json.loads(kim(tmp, "draft", "--json", str(path)).stdout)
    assert draft["answered_by"] == ["beantwortet durch Vorlage A 21/0500-01 vom 05.03.2024"]


def test_a_second_run_fetches_only_what_changed(council: tuple[OparlServer, Path]) -> None:
    server, tmp = council
    if not (tmp / "rat" / "oparl").exists():
        fetch(server, tmp)
    server.papers[1]["modified"] = "2099-01-01T00:00:00+01:00"  # the answer was corrected
    changed = write_docx(tmp / "b2.docx", "Kreis Kleve – Der Landrat", [
        "Mitteilungsvorlage A 21/0500-01 (korrigierte Fassung)",
        "Zu Frage 1: Das Case Management hat im Jahr 2023 insgesamt 412 Menschen im Kreis Kleve "
        "begleitet."])
    server.files["antwort-gruene.docx"] = changed.read_bytes()
    server.papers[4].update(deleted=True, modified="2099-01-01T00:00:00+01:00")  # withdrawn
    before = len(server.requests)
    out = fetch(server, tmp).stdout
    asked = server.requests[before:]
    assert "2 Drucksachen abgerufen, 1 zum Thema, davon 1 neu oder geändert" in out, out
    assert "1 Drucksache im Ratsinformationssystem gelöscht" in out
    assert "1 Datei geladen, 1 unverändert" in out  # the annex: 304, not sent again
    assert any("modified_since=" in r for r in asked), asked
    assert not any("anfrage-gruene" in r or "bericht-kim" in r for r in asked), asked
    folder = tmp / "rat" / "oparl" / "Kleve"
    assert (folder / "A-21-0500-01_antwort-gruene.docx").read_bytes() == changed.read_bytes()
    assert not (folder / "A-20-0100_antrag-spd.pdf").exists()
    assert (tmp / "rat" / "oparl" / ".entfernt" / "A-20-0100_antrag-spd.pdf").exists()
    report = json.loads(kim(tmp, "ingest", "--json").stdout)
    assert report["updated"] == ["oparl/Kleve/A-21-0500-01_antwort-gruene.docx"], report
    assert report["removed"] == ["oparl/Kleve/A-20-0100_antrag-spd.pdf"], report


def test_an_interrupted_run_changes_nothing_already_there(council: tuple[OparlServer, Path]) -> None:
    server, tmp = council
    if not (tmp / "rat" / "oparl").exists():
        fetch(server, tmp)
    folder = tmp / "rat" / "oparl" / "Kleve"
    state_file = tmp / "rat" / "oparl" / ".kim-abruf.json"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    good = server.files["antwort-gruene.docx"]
    server.papers[1]["modified"] = "2099-06-01T00:00:00+01:00"
    server.files["antwort-gruene.docx"] = b"PK\x03\x04 halb"  # would replace the good file …
    server.fail_next["/dateien/antwort-gruene.docx"] = 99  # … but the server fails for good
    result = fetch(server, tmp)
    assert "A 21/0500-01:" in result.stdout and "Fehler 500" in result.stdout, result.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no half file either
    assert list(json.loads(state_file.read_text())["pending"]) == [server.paper_id(2)]
    # The list itself breaks off: the run stops with a German message, the files stay.
    since = json.loads(state_file.read_text())["since"]
    server.fail_next = {"/oparl/v1/body/1/papers": 99}
    broken = fetch(server, tmp, check=False)
    assert broken.returncode == 1 and "Fehler 500" in broken.stderr, broken.stderr
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert json.loads(state_file.read_text())["since"] == since  # not moved on
    # The server is back: the paper whose file failed is asked for again and completed; the
    # annex it no longer has is moved aside.
    server.fail_next = {}
    server.files["antwort-gruene.docx"] = good
    server.papers[1]["auxiliaryFile"] = []
    fetch(server, tmp)
    assert json.loads(state_file.read_text())["pending"] == {}
    assert (folder / "A-21-0500-01_antwort-gruene.docx").read_bytes() == good
    assert not (folder / "A-21-0500-01_anlage-statistik.html").exists()
    assert (tmp / "rat" / "oparl" / ".entfernt" / "A-21-0500-01_anlage-statistik.html").exists()


def test_errors_say_what_is_wrong_in_german(council: tuple[OparlServer, Path], tmp_path: Path) -> None:
    server, _ = council
    closed = OparlServer().start()
    address = closed.system_url
    closed.stop()
    for url, words in [(address, "nicht erreichbar"),
                       (server.base + "/keine-schnittstelle", "kein JSON"),
                       (server.base + "/oparl/v1/bodies", "kein OParl-System")]:
        result = kim(tmp_path, "fetch", "--oparl", url, "--pause", "0", check=False)
        assert result.returncode == 1 and words in result.stderr, (url, result.stderr)
        assert "Traceback" not in result.stderr
    assert not (tmp_path / "rat").exists() or not any((tmp_path / "rat").rglob("*.pdf"))


@pytest.mark.browser
@pytest.mark.slow
def test_the_chat_shows_which_inquiry_an_imported_answer_answers(
        council: tuple[OparlServer, Path], browser: object, screenshot_dir: Path) -> None:
    from tests.ui.conftest import ChatPage, start_app, stop_app

    server, tmp = council
    if not (tmp / "rat" / "oparl").exists():
        fetch(server, tmp)
    (tmp / "chat").mkdir(exist_ok=True)
    proc, app = start_app(tmp / "chat", [tmp / "rat"], KIM_EMBED_MODEL="none")
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")  # type: ignore[attr-defined]
        chat = ChatPage(context.new_page())
        chat.page.goto(app.url)
        chat.ask(QUESTION)
        card = chat.last_sources().inner_text()
        assert "Vorlage A 21/0500-01" in card, card
        assert "Antwort auf Anfrage A 21/0500 vom 12.02.2024" in card, card
        chat.page.screenshot(path=str(screenshot_dir / "oparl-quelle.png"))
        context.close()
    finally:
        stop_app(proc)
