"""Follow-ups take the previous question's subject; new questions stand alone."""

import pytest

from assistant.conversation import is_follow_up, resolve

PREVIOUS = "Wie viele Case Manager gibt es in Mülheim an der Ruhr?"


@pytest.mark.parametrize(("question", "expected"), [
    ("Und in Kleve?", "Wie viele Case Manager gibt es in Kleve?"),
    ("Was ist mit Gummersbach?", "Wie viele Case Manager gibt es in Gummersbach?"),
])
def test_a_new_place_replaces_the_old_one(question: str, expected: str) -> None:
    assert resolve(question, PREVIOUS) == expected


def test_a_new_year_replaces_the_old_one() -> None:
    assert resolve("Und 2023?", "Wie viel Geld stand 2022 bereit?") == "Wie viel Geld stand 2023 bereit?"


def test_follow_up_without_place_keeps_the_previous_subject() -> None:
    resolved = resolve("Und wer leitet sie?", "Was ist die Lenkungsgruppe?")
    assert resolved.startswith("Und wer leitet sie?") and "Lenkungsgruppe" in resolved


def test_previous_without_place_gets_the_new_one_added() -> None:
    resolved = resolve("Und in Kleve?", "Was ist die Lenkungsgruppe?")
    assert "Lenkungsgruppe" in resolved and "Kleve" in resolved


def test_a_complete_question_is_left_alone() -> None:
    question = "Wer leitet das KIM in Kleve?"
    assert not is_follow_up(question)
    assert resolve(question, PREVIOUS) == question
    assert resolve("Und in Kleve?", None) == "Und in Kleve?"  # nothing to follow up on
