"""Answer candidates from the parts of a council letter."""

from assistant.answer.question import unit_kinds
from assistant.answer.units import answer_units

LETTER = """Fraktion Bündnis 90/Die Grünen · Rathaus · 45657 Recklinghausen
Beratungsfolge: Gremium : Datum: Status:
Sozialausschuss 15.06.2021 Ö
Sehr geehrte Frau Thanapalasingham,
Nr.: A 21/0500-01
Begründung
Die Verwaltung wird gebeten, zu berichten.
Wir bedanken uns im Voraus für Ihre Bemühungen.
Mit freundlichen Grüßen
Maya Sommer, Fraktionsvorsitzende"""


def test_letter_parts_become_units_with_roles() -> None:
    units = {u.text: u.role for u in answer_units(LETTER)}
    assert units["Maya Sommer, Fraktionsvorsitzende"] == "signature"
    assert units["Sehr geehrte Frau Thanapalasingham,"] == "addressee"
    assert units["Beratungsfolge: Gremium : Datum: Status: Sozialausschuss 15.06.2021 Ö"] == "header"
    assert units["Nr.: A 21/0500-01"] == "statement"  # a labelled value
    assert "Die Verwaltung wird gebeten, zu berichten." in units
    assert "Begründung" not in units  # a heading is no answer
    assert not any(text.startswith("Wir bedanken") for text in units)  # nor is courtesy
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


def test_each_sentence_has_its_role() -> None:
    text = ("Betreff: KIM Vorlage-Nr.: 12/1147 Status: öffentlich Sachverhalt: Die Verwaltung "
            "berichtet.\n"
            "10. Welche Ergebnisse liegen vor? Zu 10.: Hierzu liegen keine Angaben vor.\n"
            "Herr Kersjes fragte nach, ob die Stellen gesichert seien.\n"
            "Frau Valkenburg erwiderte, dass sie gesichert seien.\n"
            "Frage 4: Wie viele Personen wurden begleitet? Antwort der Verwaltung: 214 Personen.")
    roles = [(u.text, u.role) for u in answer_units(text)]
    assert roles == [
        ("Betreff: KIM Vorlage-Nr.: 12/1147 Status: öffentlich", "header"),
        ("Sachverhalt: Die Verwaltung berichtet.", "statement"),  # a section starts a new line
        ("10. Welche Ergebnisse liegen vor?", "question"),
        ("Zu 10.: Hierzu liegen keine Angaben vor.", "statement"),
        ("Herr Kersjes fragte nach, ob die Stellen gesichert seien.", "question"),  # reported
        ("Frau Valkenburg erwiderte, dass sie gesichert seien.", "statement"),
        ("Frage 4: Wie viele Personen wurden begleitet?", "question"),
        ("Antwort der Verwaltung: 214 Personen.", "statement"),
    ]


def test_an_inquirys_numbered_items_ask_even_without_a_question_mark() -> None:
    text = "2. Bei welchen Tragern sind die Case Manager beschaftigt\n3. Wie hoch sind die Mittel"
    assert {u.role for u in answer_units(text, asks=True)} == {"question"}
    assert {u.role for u in answer_units(text)} == {"statement"}  # a report's numbered sections


def test_a_line_announcing_questions_asks_with_them() -> None:
    text = "Wir bitten um Beantwortung der folgenden Fragen:\n1. Wie viele Stellen gibt es?"
    assert [u.role for u in answer_units(text, asks=True)] == ["question", "question"]
