"""Answer candidates from the parts of a council letter."""

from assistant.answer.units import answer_units
from assistant.retrieval.query import unit_kinds

LETTER = """Fraktion Bündnis 90/Die Grünen · Rathaus · 45657 Recklinghausen
Beratungsfolge: Gremium : Datum: Status:
Sozialausschuss 15.06.2021 Ö
Sehr geehrte Frau Thanapalasingham,
Nr.: A 21/0500-01
Begründung
Die Verwaltung wird gebeten, zu berichten.
Mit freundlichen Grüßen
Maya Sommer, Fraktionsvorsitzende"""


def test_letter_parts_become_units_with_roles() -> None:
    units = {u.text: u.role for u in answer_units(LETTER)}
    assert units["Maya Sommer, Fraktionsvorsitzende"] == "signature"
    assert units["Sehr geehrte Frau Thanapalasingham,"] == "addressee"
    assert "Beratungsfolge: Gremium : Datum: Status: Sozialausschuss 15.06.2021 Ö" in units
    assert "Nr.: A 21/0500-01" in units  # a labelled value
    assert "Die Verwaltung wird gebeten, zu berichten." in units
    assert "Begründung" not in units  # a heading is no answer
    assert not any("45657" in text for text in units)  # nor is the letterhead


def test_signer_title_marks_a_signature_without_closing_formula() -> None:
    text = "Die Stadt droht ins Hintertreffen zu geraten.\nIngrid Tews Bernd Dickmann Fachsprecherin"
    assert answer_units(text)[-1].role == "signature"


def test_dates_and_list_numbers_are_not_counts() -> None:
    assert "number" not in unit_kinds("seit 2020 wird das Programm umgesetzt.")
    assert "number" not in unit_kinds("1. Wie sieht die Umsetzung aus?")
    assert "number" not in unit_kinds("Die Stelle ist seit 09/2021 besetzt.")
    assert "number" not in unit_kinds("Bericht (Quelle: https://example.org/2024/02/zehn-kommunen).")
    assert "number" in unit_kinds("Im Jahr 2022 standen 75 Mio. € bereit.")
