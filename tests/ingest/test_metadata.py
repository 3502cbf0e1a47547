"""Metadata from the text of the five real seeds, German date forms, and overrides."""

from pathlib import Path

import pytest

from assistant.ingest.loaders import load_document
from assistant.ingest.metadata import extract_metadata, find_document_date, parse_date

EXPECTED = {
    "000_671bffb93b80d5f3": ("2024-06-06", "Recklinghausen", "Anfrage"),
    "001_e852decbb51c6a08": ("2021-03-30", "Castrop-Rauxel", "Antrag"),
    "002_be6f4e14f5fb29c9": ("2024-03-25", "Gummersbach", "Anfrage"),
    "003_06c9322cabec2ede": ("2021-06-07", "Mülheim an der Ruhr", "Anfrage"),
    "004_f40aa334bcd0e282": ("2023-11-23", "Kreis Kleve", "Anfrage"),
}


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_seed_date_municipality_and_type(seeds_dir: Path, stem: str) -> None:
    doc = load_document(seeds_dir / f"{stem}.txt")
    meta = extract_metadata(doc.text, stem, doc.fields)
    assert (meta.date, meta.body, meta.doc_type) == EXPECTED[stem]
    assert meta.visibility == "öffentlich"
    assert meta.title != stem  # a real title was found in the text


def test_reference_number_of_the_muelheim_seed(seeds_dir: Path) -> None:
    doc = load_document(seeds_dir / "003_06c9322cabec2ede.txt")
    assert extract_metadata(doc.text, "x").reference == "A 21/0500-01"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("6. Juni 2024", "2024-06-06"),
        ("Stadt, 6. Juni 2024", "2024-06-06"),
        ("07.06.2021", "2021-06-07"),
        ("am 15.4.21 im Ausschuss", "2021-04-15"),
        ("30. März 2021", "2021-03-30"),
        ("1. Marz 2021", "2021-03-01"),  # OCR without umlaut
        ("2025-01-31", "2025-01-31"),
        ("31.02.2024", ""),  # no such day
    ],
)
def test_german_date_forms(text: str, iso: str) -> None:
    assert parse_date(text) == iso


def test_labelled_date_beats_earlier_dates() -> None:
    text = "Sitzung am 01.02.2020\nDatum: 07.06.2021\nSozialausschuss 15.06.2021"
    assert find_document_date(text) == "2021-06-07"


def test_sidecar_overrides_what_the_text_says(tmp_path: Path) -> None:
    sidecar = tmp_path / "x.meta.toml"
    sidecar.write_text('title = "Antwort der Verwaltung"\ndate = "2024-09-01"\n'
                       'body = "Kreis Kleve"\ntype = "Mitteilungsvorlage"\n'
                       'visibility = "nichtöffentlich"\n', encoding="utf-8")
    meta = extract_metadata("Anfrage der Fraktion\nGummersbach, 1. Mai 2023\n", "x", None, sidecar)
    assert (meta.title, meta.date, meta.body) == ("Antwort der Verwaltung", "2024-09-01", "Kreis Kleve")
    assert (meta.doc_type, meta.visibility, meta.year) == ("Vorlage", "nichtöffentlich", 2024)


def test_broken_sidecar_is_ignored(tmp_path: Path) -> None:
    sidecar = tmp_path / "x.meta.toml"
    sidecar.write_text("title = [unclosed", encoding="utf-8")
    meta = extract_metadata("Anfrage zur KIM-Umsetzung\nGummersbach, 1. Mai 2023\n", "x", None, sidecar)
    assert meta.body == "Gummersbach" and meta.date == "2023-05-01"


def test_front_matter_fields_win(tmp_path: Path) -> None:
    meta = extract_metadata("Antrag auf Förderung", "x",
                            {"title": "KIM-Überblick", "type": "Überblick", "date": "2024-02-21",
                             "body": "Land Nordrhein-Westfalen"})
    assert (meta.title, meta.doc_type, meta.date) == ("KIM-Überblick", "Überblick", "2024-02-21")
    assert meta.body == "Land Nordrhein-Westfalen"


@pytest.mark.parametrize(("head", "doc_type", "reference"), [
    ("Kreis Kleve – Vorlage XI/2024/0187\nArt: Mitteilungsvorlage", "Vorlage", "XI/2024/0187"),
    ("Niederschrift über die 24. Sitzung des Integrationsrates\nzu Drucksache 6172/2020-2025",
     "Niederschrift", "6172/2020-2025"),
    ("Stadt Solingen – Pressemitteilung\nDas Kommunale Integrationsmanagement …", "Pressemitteilung",
     ""),
    ("Mitteilungsvorlage Drucksache Nr. 35102-24", "Vorlage", "35102-24"),
])
def test_council_genres_and_their_numbers(head: str, doc_type: str, reference: str) -> None:
    meta = extract_metadata(head, "x")
    assert (meta.doc_type, meta.reference) == (doc_type, reference)


def test_a_document_whose_sidecar_name_would_be_too_long_is_still_read(tmp_path: Path) -> None:
    from assistant.ingest.scan import sidecar_of

    document = tmp_path / ("ä" * 120 + ".txt")  # 240 bytes: legal; plus ".meta.toml" it is not
    document.write_text("Ein Dokument zum KIM.", encoding="utf-8")
    assert sidecar_of(document) is None
