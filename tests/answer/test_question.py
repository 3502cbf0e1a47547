"""What a question names and wants, read from German question words."""

import pytest

from assistant.answer.question import counts_things, passage_matches, profile, unit_kinds
from assistant.german.text import fold


@pytest.mark.parametrize(
    ("question", "expects"),
    [
        ("Wer hat die Anfrage unterschrieben?", {"person", "signed"}),
        ("An wen richtet sich die Anfrage?", {"person", "addressed"}),
        ("Wann tagte die Lenkungsgruppe?", {"date"}),
        ("Bis wann läuft die Förderung?", {"date"}),
        ("Ab wann gilt die Richtlinie?", {"date"}),
        ("Wie viel Geld stand 2022 bereit?", {"number"}),
        ("Welche Fragen stellt die Fraktion?", {"list"}),
        ("In welchem Paragrafen ist KIM geregelt?", {"section"}),
    ],
)
def test_expected_answer_kind(question: str, expects: set[str]) -> None:
    assert expects <= profile(question).expects


def test_places_also_as_adjectives_years_parties_committees() -> None:
    asked = profile("Was wollen die Klever Grünen 2023 im Sozialausschuss von der Recklinghäuser "
                    "Verwaltung wissen?")
    assert asked.places == ["kleve", "recklinghausen"]
    assert asked.years == ["2023"] and asked.parties == ["grun"]
    assert asked.committees == ["sozialausschuss"]


def test_party_names_survive_ocr_damage() -> None:
    asked = profile("Was fragen die Grünen?")
    document = fold("Andreas Mayer, Fraktion Bindnis 90/Die Grinen im Kreistag Kleve")
    assert passage_matches(document, document, asked)
    assert not passage_matches(document, document, profile("Was fragt die CDU?"))


def test_unit_kinds() -> None:
    assert "date" in unit_kinds("Die Sitzung ist am 15.06.2021.")
    assert "date" in unit_kinds("Der Zebrastreifen wird im Herbst erneuert.")
    assert "number" in unit_kinds("Die Gruppe tagt viermal im Jahr.")
    assert "person" in unit_kinds("Maya Sommer, Fraktionsvorsitzende")


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("Wie viele Case-Manager-Stellen hat die Stadt geschaffen?", "Case-Manager-Stellen"),
        ("Wie viele Zentrale Unterbringungseinrichtungen des Landes gibt es?",
         "Unterbringungseinrichtungen"),
        ("In wie vielen Kreisen fördert das Land KIM?", "Kreisen"),
        ("Wie viel Geld stand 2022 bereit?", ""),  # an amount, no count
        ("Wie viele wurden beraten?", ""),
    ],
)
def test_counted_noun(question: str, counted: str) -> None:
    assert profile(question).counted == counted


def test_counts_things_but_not_durations_or_money() -> None:
    assert counts_things("Am Verfahren konnten sich 83 Kreise beteiligen.")
    assert counts_things("Es gab zwölf Modellkommunen.")
    assert not counts_things("Seit knapp zweieinhalb Jahren gibt es das KIM.")
    assert not counts_things("Dafür waren 75 Mio. € eingestellt (Baustein 1).")


def test_another_state_is_a_place_the_passage_must_name() -> None:
    asked = profile("Gibt es ein vergleichbares Programm in Niedersachsen?")
    assert asked.places == ["niedersachsen"]
    nrw = fold("Das Förderprogramm KIM des Landes Nordrhein-Westfalen")
    assert not passage_matches(nrw, nrw, asked)
    assert profile("Was plant Sachsen-Anhalt?").places == ["sachsen-anhalt"]


def test_a_number_that_names_a_part_is_no_amount() -> None:
    assert "number" not in unit_kinds("Anders als in Baustein 1 gibt es in Baustein 2 keinen Zuschuss.")
    assert "number" not in unit_kinds("Die Beratung nach § 9 Abs. 1 TIntG ist für Geflüchtete gedacht.")
    assert "number" in unit_kinds("Für die Ausstattung gibt es 5.700 € aus Baustein 1.")
    assert "number" in unit_kinds("Nr.: A 21/0500-01")  # "Welche Nummer …?" asks for it
    assert "section" in unit_kinds("Die Regelung steht in § 9 TIntG.")


def test_a_question_about_money_wants_an_amount_of_money() -> None:
    assert {"number", "amount"} <= profile("Wie hoch ist das Gehalt einer Case Managerin?").expects
    assert "amount" not in profile("Was muss eine Stadt tun, um Geld zu bekommen?").expects
    # German compounds end in their head: a "Fördersumme" or "Förderbetrag" is money too.
    assert {"number", "amount"} <= profile("Welche Fördersumme erhielt der Kreis?").expects
    assert {"number", "amount"} <= profile("Wie lautet der Förderbetrag?").expects
    assert "amount" in unit_kinds("Leverkusen erhält bis zu 625.600 € pro Jahr.")
    assert "amount" not in unit_kinds("Der Kreis sieht 12 Case-Management-Stellen vor.")


def test_nouns_are_the_capitalised_words_after_the_first_without_places() -> None:
    asked = profile("Welche Software nutzt der Kreis Kleve für die Falldokumentation in Mülheim?")
    assert asked.nouns == ["Software", "Kreis", "Falldokumentation"]


def test_a_figure_the_question_names_must_stand_in_the_passage() -> None:
    asked = profile("Wie hoch ist das Gehalt in Entgeltgruppe S 12 im Jahr 2024?")
    assert asked.numbers == ["12"] and asked.years == ["2024"]
    passage = fold("Bei Bezahlung nach Tarif reicht die Pauschale von 55.000 € im Jahr 2024 nicht aus.")
    assert not passage_matches(passage, passage, asked)
    named = fold("In Entgeltgruppe S 12 beträgt das Gehalt 2024 rund 4.100 €.")
    assert passage_matches(named, named, asked)
    # "12" inside another figure ("3.120", "12,5") is not the figure asked for.
    assert not passage_matches(fold("2024 kostet es 3.120 € oder 12,5 %."), "", asked)
    assert profile("Was bekommt Baustein 3 von den 10,5 Mio. €?").numbers == ["3", "10,5"]


def test_a_document_number_names_the_document_not_a_figure() -> None:
    asked = profile("Wie hoch war die Förderung in Baustein 3 laut Vorlage V/0398/2024?")
    assert asked.numbers == ["3"] and asked.documents == ["v/0398/2024"]
    passage = fold("Baustein 3: 142.500 Euro.")
    assert passage_matches(passage, fold("Vorlage V/0398/2024 … Baustein 3: 142.500 Euro."), asked)
    assert not passage_matches(passage, fold("Vorlage V/0401/2024 … Baustein 3: 99.000 Euro."), asked)
    assert profile("Was fragte die Fraktion in ihrer Anfrage vom 12.06.2023?").numbers == []
