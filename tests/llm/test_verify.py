"""The sentence check: citations, figures, dates, names, and meaning against the cited passage."""

import pytest

from assistant.answer.models import Passage
from assistant.engine import Assistant
from assistant.llm.answer import LlmAnswerer
from assistant.llm.verify import Verifier, split_claims

KLEVE_TEXT = ("Im Kreis Kleve sind im Baustein 2 zum Stichtag 01.03.2024 insgesamt 9,5 "
              "Vollzeitstellen im Case Management besetzt. Das Case Management hat im Jahr 2023 "
              "insgesamt 1.389 Menschen begleitet. Die Lenkungsgruppe tagt viermal im Jahr unter "
              "Leitung von Dezernent Janßen.")


def passage(n: int, text: str = KLEVE_TEXT, body: str = "Kreis Kleve") -> Passage:
    return Passage(n=n, chunk_id=f"c{n}", source=f"d{n}.txt", title=f"Vorlage {n}", page=1,
                   text=text, score=1.0, body=body, date="2024-03-05")


def words_only() -> Verifier:
    return Verifier(meaning=None, analyzer=None)


def test_citations_are_read_in_every_usual_form() -> None:
    claims = split_claims("Erster Satz über KIM [1]. Zweiter Satz mit zwei Quellen [1, 3]. "
                          "Dritter Satz.[2] Vierter Satz [Quelle 4].")
    assert [c.cited for c in claims] == [[1], [1, 3], [2], [4]]
    assert claims[0].text == "Erster Satz über KIM."
    assert all("[" not in c.text for c in claims)


@pytest.mark.parametrize(("sentence", "kept"), [
    ("Im Baustein 2 sind 9,5 Vollzeitstellen besetzt [1].", True),
    ("Im Baustein 2 sind 10,5 Vollzeitstellen besetzt [1].", False),
    ("Das Case Management hat 2023 insgesamt 1389 Menschen begleitet [1].", True),  # 1.389
    ("Stichtag war der 1. März 2024 [1].", True),  # written as 01.03.2024 in the passage
    ("Stichtag war der 1. April 2024 [1].", False),
    ("Die Lenkungsgruppe tagt unter Leitung von Dezernent Janßen [1].", True),
    ("Die Lenkungsgruppe tagt unter Leitung von Dezernent Müller [1].", False),
    ("In Bochum sind im Baustein 2 Vollzeitstellen besetzt [1].", False),  # another place
    ("Die SPD hat im Kreis Kleve das Case Management begleitet [1].", False),  # an acronym
])
def test_numbers_dates_and_names_must_be_in_the_cited_passage(sentence: str, kept: bool) -> None:
    verdict = words_only().verify(sentence, [passage(1)])
    assert bool(verdict.kept) is kept, verdict.unsupported


def test_a_missing_or_unknown_citation_removes_the_sentence() -> None:
    verdict = words_only().verify("Im Baustein 2 sind 9,5 Vollzeitstellen besetzt. "
                                  "Das Case Management hat 1.389 Menschen begleitet [7].",
                                  [passage(n) for n in range(1, 6)])
    assert not verdict.kept
    assert [u.reason for u in verdict.unsupported] == [
        "ohne Quellenangabe", "Quelle [7] gibt es nicht (es gibt 5 Quellen)"]


def test_a_figure_from_another_cited_passage_is_not_borrowed() -> None:
    """The figure must be in a passage the sentence cites, not in any passage."""
    other = passage(2, "Die Stadt Bochum berät jeden Monat rund 120 Menschen.", "Bochum")
    verdict = words_only().verify("Im Kreis Kleve werden 120 Menschen begleitet [1].",
                                  [passage(1), other])
    assert not verdict.kept
    assert "120" in verdict.unsupported[0].reason


def test_a_refusal_is_recognised() -> None:
    verdict = words_only().verify("In den vorliegenden Dokumenten finde ich dazu keine Angabe.",
                                  [passage(1)])
    assert verdict.refused and not verdict.kept and not verdict.unsupported


@pytest.mark.model
def test_meaning_separates_a_paraphrase_from_an_invention(llm_assistant: Assistant) -> None:
    verifier = LlmAnswerer(None, 1)._verifier(llm_assistant)
    assert verifier.meaning is not None
    verdict = verifier.verify(
        "Die Lenkungsgruppe kommt unter Leitung von Dezernent Janßen viermal jährlich zusammen "
        "[1]. Außerdem besteht der Mond aus grünem Käse und schmeckt mild [1]. "
        "Der Kreis Kleve plant einen neuen Radweg entlang des Rheins [1].", [passage(1)])
    assert [c.text for c in verdict.kept] == [
        "Die Lenkungsgruppe kommt unter Leitung von Dezernent Janßen viermal jährlich zusammen."]
    assert len(verdict.unsupported) == 2
    assert all("nicht durch [1] gedeckt" in u.reason for u in verdict.unsupported)
