"""Semantic evidence with the real bundled multilingual model."""

import pytest

from assistant.answer.extractive import extract_answer
from assistant.answer.semantic import SentenceMeaning
from assistant.config import DEFAULT_EMBED_MODEL
from assistant.policy import AnswerPolicy
from assistant.retrieval.embedders import load_embedder
from tests.answer.test_extractive import _one_passage


@pytest.fixture(scope="module")
def meaning() -> SentenceMeaning:
    return SentenceMeaning(load_embedder(DEFAULT_EMBED_MODEL))


def test_the_model_prefers_the_sentence_that_means_the_question(meaning: SentenceMeaning) -> None:
    sims = meaning.similarities("Wer leitet die Lenkungsgruppe?", [
        "Den Vorsitz der Lenkungsgruppe führt die Kreisdirektorin.",
        "Die Lenkungsgruppe tagte 2023 dreimal im Kreishaus.",
    ])
    assert sims[0] > sims[1]


def test_meaning_reorders_sentences_the_words_cannot_tell_apart(meaning: SentenceMeaning) -> None:
    # Both sentences share the same question words; only their meaning answers "who leads".
    text = ("Die Lenkungsgruppe tagte 2023 dreimal im Kreishaus.\n"
            "Den Vorsitz der Lenkungsgruppe führt die Kreisdirektorin.")
    question = "Wer leitet die Lenkungsgruppe?"
    policy = AnswerPolicy(max_units=1, semantic_weight=1.0)  # off by default (assistant/policy.py)
    words_only = extract_answer(question, *_one_passage(text), policy=policy)
    with_meaning = extract_answer(question, *_one_passage(text), meaning=meaning, policy=policy)
    assert with_meaning.answer.startswith("Den Vorsitz der Lenkungsgruppe")
    assert words_only.answer != with_meaning.answer  # the model made the difference


def test_sentence_vectors_are_cached(meaning: SentenceMeaning) -> None:
    sentence = "Im Kreis arbeiten zwölf Case Managerinnen."
    meaning.similarities("Wie viele?", [sentence])
    cached = meaning._vectors[sentence]
    meaning.similarities("Wer?", [sentence])
    assert meaning._vectors[sentence] is cached
