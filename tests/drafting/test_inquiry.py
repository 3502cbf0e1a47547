"""Reading an inquiry: the questions with their printed numbers, the header, the Begründung apart,
from every file format, and bad input answered in German."""

import json
import os
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from assistant.drafting.inquiry import parse_inquiry, read_inquiry
from assistant.errors import KimError
from assistant.german.text import fold_for_match
from tests.conftest import REPO
from tests.files import write_council_html, write_docx, write_encrypted_pdf, write_pdf

GOLD = [json.loads(line) for line in (REPO / "evals/drafting/gold.jsonl").read_text().splitlines()
        if line.strip()]
SEED_GOLD = [g for g in GOLD if g["id"].startswith("seed-")]


def _same(found: str, expected: str) -> bool:
    return SequenceMatcher(None, fold_for_match(found), fold_for_match(expected)).ratio() >= 0.9


@pytest.mark.parametrize("gold", SEED_GOLD, ids=[g["id"] for g in SEED_GOLD])
def test_the_seed_inquiries_questions_come_out_as_printed(gold: dict, seeds_dir: Path) -> None:
    inquiry = read_inquiry(seeds_dir / Path(gold["file"]).name)
    assert [q.n for q in inquiry.questions] == [q["n"] for q in gold["questions"]]
    for found, expected in zip(inquiry.questions, gold["questions"], strict=True):
        assert _same(found.text, expected["text"]), (found.text, expected["text"])


def test_the_kleve_header_and_the_numbers_the_ocr_lost(seeds_dir: Path) -> None:
    inquiry = read_inquiry(next(seeds_dir.glob("004_*.txt")))
    assert (inquiry.party, inquiry.body, inquiry.date, inquiry.addressee) == (
        "Bündnis 90/Die Grünen", "Kreis Kleve", "2023-11-23", "Herr Gerwers")
    assert inquiry.reference_line == ("Anfrage der Fraktion Bündnis 90/Die Grünen vom 23.11.2023 – "
                                      "Antwort der Verwaltung")
    printed = {q.n for q in inquiry.questions if q.printed}
    assert printed == {"1", "2", "14", "15"}  # 3 … 13 were ". " or nothing after OCR
    assert inquiry.questions[10].text.startswith("Mit derzeit zwei")  # context sentence kept
    assert inquiry.questions[10].text.endswith("Betreuungsverbanden?")  # across a page break
    # The question in the preamble motivates the list; it is not one of its questions.
    assert not any("MaRnahmen" in q.text for q in inquiry.questions)


def test_begruendung_and_sub_questions(seeds_dir: Path) -> None:
    inquiry = read_inquiry(next(seeds_dir.glob("002_*.txt")))
    assert [(q.n, q.parent) for q in inquiry.questions] == [("1", ""), ("1a", "1"), ("2", "")]
    assert inquiry.party == "Integrationsrat"
    assert inquiry.reasons.startswith("Das Kommunale Integrationsmanagement ist ein wichtiger")
    assert not any("Landeshaushalt" in q.text for q in inquiry.questions)


SHAPES = """Anfrage der SPD-Fraktion im Rat der Stadt Hagen
Hagen, 05.10.2023

Sehr geehrte Frau Oberbürgermeisterin Schulz,
wir bitten um Beantwortung folgender Fragen:

1) Wie viele Case Managerinnen sind im Integrations-
management beschäftigt?
2) Bei welchen Trägern?
a) Wie viele Stellen davon sind befristet?
b) Seit wann?

– 2 –

4) Wer leitet die Lenkungsgruppe?
• Ist der Integrationsrat vertreten? Wenn nein, warum nicht?

Begründung:
Warum fragen wir? Weil niemand es weiß.

Mit freundlichen Grüßen
"""


def test_list_shapes_hyphens_page_marks_and_letters() -> None:
    inquiry = parse_inquiry(SHAPES)
    assert [(q.n, q.parent) for q in inquiry.questions] == [
        ("1", ""), ("2", ""), ("2a", "2"), ("2b", "2"), ("4", ""), ("4a", "4")]
    assert inquiry.questions[0].text == ("Wie viele Case Managerinnen sind im Integrationsmanagement "
                                         "beschäftigt?")
    assert inquiry.questions[5].text.endswith("Wenn nein, warum nicht?")
    assert inquiry.reasons.startswith("Warum fragen wir?")  # asks, but in the Begründung
    assert (inquiry.party, inquiry.body, inquiry.date) == ("SPD", "Hagen", "2023-10-05")
    assert inquiry.addressee == "Frau Oberbürgermeisterin Schulz"


def test_questions_in_running_text_and_an_antrag_without_question_marks() -> None:
    running = parse_inquiry("Anfrage\n\nWir fragen die Verwaltung: Wie viele Stellen gibt es? "
                            "Und wer leitet das KI? Vielen Dank.")
    assert [(q.n, q.text) for q in running.questions] == [
        ("1", "Wie viele Stellen gibt es?"), ("2", "Und wer leitet das KI?")]
    antrag = parse_inquiry("Antrag der CDU-Fraktion\n\nBeschlussvorschlag:\n"
                           "1. Die Verwaltung wird beauftragt, zwei Stellen zu beantragen.\n"
                           "2. Die Verwaltung berichtet jährlich.\n\nBegründung:\nWeil es hilft.")
    assert antrag.kind == "Antrag"
    assert [q.n for q in antrag.questions] == ["1", "2"]


@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_every_format_gives_the_same_questions(fmt: str, tmp_path: Path) -> None:
    lines = ["Anfrage der Fraktion Bündnis 90/Die Grünen vom 12.02.2024",
             "Wir bitten um Beantwortung der folgenden Fragen:",
             "1. Wie viele Stellen sind bewilligt?", "2. Wer leitet die Lenkungsgruppe?",
             "Begründung:", "Der Ausschuss soll informiert sein."]
    if fmt == "docx":
        path = write_docx(tmp_path / "a.docx", lines[0], lines[1:])
    elif fmt == "pdf":
        path = write_pdf(tmp_path / "a.pdf", ["\n".join(lines)])
    else:
        body = "</p><p>".join(lines[1:])
        path = write_council_html(tmp_path / "a.html", lines[0], body)
    inquiry = read_inquiry(path)
    assert [(q.n, q.text) for q in inquiry.questions] == [
        ("1", "Wie viele Stellen sind bewilligt?"), ("2", "Wer leitet die Lenkungsgruppe?")]
    assert inquiry.date == "2024-02-12" and inquiry.party == "Bündnis 90/Die Grünen"


def test_bad_files_get_a_german_reason(tmp_path: Path) -> None:
    noise = tmp_path / "anfrage.pdf"
    noise.write_bytes(b"%PDF-1.4\n" + os.urandom(4000))
    locked = write_encrypted_pdf(tmp_path / "verschluesselt.pdf", "1. Wie viele Stellen?")
    empty = tmp_path / "leer.txt"
    empty.write_text("")
    for path, expected in [(noise, "konnte nicht gelesen werden"),
                           (locked, "konnte nicht gelesen werden"),
                           (empty, "konnte nicht gelesen werden"),
                           (tmp_path / "fehlt.txt", "existiert nicht")]:
        with pytest.raises(KimError, match=expected):
            read_inquiry(path)
    other = tmp_path / "tabelle.xlsx"
    other.write_bytes(b"PK\x03\x04")
    with pytest.raises(KimError, match="Format"):
        read_inquiry(other)
    with pytest.raises(KimError, match="leer"):
        parse_inquiry("   \n ")


def test_questions_after_the_reasons_are_still_found() -> None:
    inquiry = parse_inquiry("Anfrage der FDP-Fraktion\n\nSachverhalt:\nDas KIM läuft seit 2021.\n\n"
                            "1. Wie viele Stellen gibt es?\n2. Wer leitet das KI?\n")
    assert [(q.n, q.text) for q in inquiry.questions] == [
        ("1", "Wie viele Stellen gibt es?"), ("2", "Wer leitet das KI?")]
