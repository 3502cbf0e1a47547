"""The parts of `kim fetch` and of the inquiry–answer links, one rule at a time: the scope of an
import, the polite client against a real local server, the source list, and the pairing clues."""

from pathlib import Path

import pytest

from assistant.errors import KimError
from assistant.fetch.http import FetchError, PoliteClient, TooLarge
from assistant.fetch.scope import Scope
from assistant.fetch.sources import fetch_sources
from assistant.links import DocFacts, find_links
from tests.oparl_server import OparlServer


def test_the_scope_takes_the_topic_the_dates_and_the_types() -> None:
    scope = Scope(date_from="2023-01-01", date_to="2024-12-31", paper_types=("Anfrage",))
    paper = {"name": "Anfrage zum KIM", "date": "2024-02-12", "paperType": "Anfrage"}
    assert scope.reason_out(paper) is None
    assert scope.reason_out({**paper, "date": "2022-12-31"}) == "vor 2023-01-01"
    assert scope.reason_out({**paper, "date": None}) == "ohne Datum"
    assert scope.reason_out({**paper, "paperType": "Beschlussvorlage"}) is not None
    assert scope.reason_out({**paper, "name": "Anfrage zum Kimono-Verleih"}) == "nicht zum Thema"
    # The topic may stand in the main file's text only, and in any inflection.
    inside = {**paper, "name": "Anfrage der SPD-Fraktion",
              "mainFile": {"text": "… die Beratung von Geflüchteten im Kreis …"}}
    assert scope.reason_out(inside) is None
    assert Scope(topics=()).reason_out({"name": "Kreisstraße K 12"}) is None  # "alle"


@pytest.fixture
def server() -> OparlServer:
    running = OparlServer().start()
    yield running
    running.stop()


def test_the_client_retries_a_failing_server_and_then_gives_up_in_german(
        server: OparlServer, tmp_path: Path) -> None:
    waits: list[float] = []
    client = PoliteClient(pause_s=0, retries=2, sleep=waits.append)
    server.files["a.pdf"] = b"%PDF-1.4 a"
    server.fail_next = {"/dateien/a.pdf": 2}
    assert client.download(server.base + "/dateien/a.pdf", tmp_path / "a.pdf").changed
    assert waits == [0.5, 1.0]  # growing waits between attempts
    server.fail_next = {"/dateien/a.pdf": 5}
    with pytest.raises(FetchError, match="Fehler 500"):
        client.download(server.base + "/dateien/a.pdf", tmp_path / "b.pdf")
    assert not (tmp_path / "b.pdf").exists() and not list(tmp_path.glob(".abruf-*"))


def test_an_unchanged_file_is_not_sent_again_and_a_large_one_not_at_all(
        server: OparlServer, tmp_path: Path) -> None:
    client = PoliteClient(pause_s=0, max_bytes=1000)
    server.files["a.pdf"] = b"%PDF-1.4 klein"
    first = client.download(server.base + "/dateien/a.pdf", tmp_path / "a.pdf")
    assert first.changed and first.validators.etag
    again = client.download(server.base + "/dateien/a.pdf", tmp_path / "a.pdf", first.validators)
    assert not again.changed  # 304: the server sent no file
    server.files["a.pdf"] = b"%PDF-1.4 " + b"x" * 5000
    with pytest.raises(TooLarge, match="größer als"):
        client.download(server.base + "/dateien/a.pdf", tmp_path / "a.pdf", first.validators)
    assert (tmp_path / "a.pdf").read_bytes() == b"%PDF-1.4 klein"  # the old copy stays


def test_the_source_list_is_fetched_with_the_same_client(server: OparlServer, tmp_path: Path) -> None:
    server.files["handlungskonzept.pdf"] = b"%PDF-1.4 Handlungskonzept"
    server.files["seite.html"] = b"<html><body><p>KIM in NRW</p></body></html>"
    listing = tmp_path / "sources.toml"
    listing.write_text(f'''[[source]]
url = "{server.base}/dateien/handlungskonzept.pdf"
title = "Handlungskonzept KIM"
kind = "Land"

[[source]]
url = "{server.base}/dateien/seite.html"
title = "KIM-Seite"
kind = "Kommune"

[[source]]
url = "{server.base}/dateien/fehlt.pdf"
title = "Verschwunden"
''', encoding="utf-8")
    into = tmp_path / "abgerufen"
    report = fetch_sources(listing, into, PoliteClient(pause_s=0))
    assert (report.listed, report.files, report.not_modified) == (3, 2, 0)
    assert len(report.problems) == 1 and "404" in report.problems[0]
    pdf = next(into.glob("Handlungskonzept-KIM-*.pdf"))
    assert 'body = "Land Nordrhein-Westfalen"' in pdf.with_name(pdf.name + ".meta.toml").read_text()
    again = fetch_sources(listing, into, PoliteClient(pause_s=0))
    assert (again.files, again.not_modified) == (0, 2)
    broken = tmp_path / "kaputt.toml"
    broken.write_text("[[source]\nurl = 1", encoding="utf-8")
    with pytest.raises(KimError, match="kein gültiges TOML"):
        fetch_sources(broken, into, PoliteClient(pause_s=0))


def _doc(name: str, doc_type: str, reference: str = "", date: str = "", body: str = "Kreis Kleve",
         head: str = "", **oparl: object) -> DocFacts:
    return DocFacts(("rat", name), doc_type, reference, name, date, body, f"{name}\n{head}",
                    str(oparl.get("oparl_id", "")), tuple(oparl.get("related", ())))  # type: ignore[arg-type]


def _pairs(*docs: DocFacts) -> set[tuple[str, str]]:
    links = find_links(docs)
    return {(key[1], link.key[1]) for key, found in links.by_doc.items() for link in found
            if link.relation == "antwort_auf"}


def test_an_answer_is_paired_by_number_subject_date_or_the_council_system() -> None:
    inquiry = _doc("anfrage", "Anfrage", "A 21/0500", "2024-02-12")
    # ALLRIS numbers the answer on from the inquiry.
    assert _pairs(inquiry, _doc("antwort", "Vorlage", "A 21/0500-01")) == {("antwort", "anfrage")}
    assert _pairs(inquiry, _doc("andere", "Vorlage", "A 21/05001")) == set()
    # The number in the subject; the same number further down is only a mention.
    subject = _doc("antwort", "Vorlage", "V 12", head="Betreff: Beantwortung der Anfrage A 21/0500")
    assert _pairs(inquiry, subject) == {("antwort", "anfrage")}
    mention = _doc("bericht", "Vorlage", "V 13", head="Einleitung\n" * 5 + "siehe A 21/0500")
    assert _pairs(inquiry, mention) == set()
    # The inquiry's date in the subject, when exactly one inquiry of that place has that date.
    dated = _doc("antwort", "Vorlage", head="Betreff: Anfrage der Fraktion X vom 12.02.2024")
    assert _pairs(inquiry, dated) == {("antwort", "anfrage")}
    twin = _doc("anfrage2", "Anfrage", "A 21/0501", "2024-02-12")
    assert _pairs(inquiry, twin, dated) == set()
    # Another municipality's answer is never paired, whatever the clue.
    assert _pairs(inquiry, _doc("wesel", "Vorlage", "A 21/0500-01", body="Kreis Wesel")) == set()
    # The council system's own relation decides when both sides carry one.
    a = _doc("anfrage", "Anfrage", "A 1", oparl_id="p1", related=["p2"])
    assert _pairs(a, _doc("antwort", "Vorlage", "X 9", oparl_id="p2")) == {("antwort", "anfrage")}
    assert _pairs(a, _doc("fremd", "Vorlage", "A 1-01", oparl_id="p3")) == set()


def test_a_link_reads_both_ways_on_the_cards() -> None:
    links = find_links([_doc("anfrage", "Anfrage", "A 21/0500", "2024-02-12"),
                        _doc("antwort", "Vorlage", "A 21/0500-01", "2024-03-05")])
    assert links.labels("rat", "antwort") == ["Antwort auf Anfrage A 21/0500 vom 12.02.2024"]
    assert links.labels("rat", "anfrage") == ["beantwortet durch Vorlage A 21/0500-01 vom "
                                              "05.03.2024"]
    assert links.pairs == 1
    assert links.labels("rat", "sonst") == []
