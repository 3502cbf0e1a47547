"""German lexical analysis: compounds, OCR folding, numbers, and a reload that ranks the same."""

from pathlib import Path

import numpy as np

from assistant.german.analysis import GermanAnalyzer
from assistant.retrieval.lexical import LexicalIndex

DOCS = [
    "Das Management der Integration liegt beim Kreis.",
    "Das Integrationsmanagement der Stadt startet im Mai.",
    "Die Ausländerbehörde bekommt zwei neue Stellen.",
    "Frage 5 betrifft den Anteil von 1,4 % für Migranten.",
    "Der Landeshaushalt enthält Mittel für die Verwaltung.",
]


def test_compound_parts_are_added_and_the_whole_word_kept() -> None:
    analyzer = GermanAnalyzer.for_corpus(DOCS)
    tokens = analyzer.tokens("Integrationsmanagement")
    assert tokens[0] == "integrationsmanagement"
    assert {"integration", "management"} <= set(tokens)
    assert analyzer.split("verwaltung") == []  # not a compound of corpus words


def test_compounds_match_in_both_directions() -> None:
    index = LexicalIndex.build(DOCS)
    top = [i for i, _ in index.search("Integrationsmanagement", 2)]
    assert set(top) == {0, 1}
    assert 1 in [i for i, _ in index.search("Management der Integration", 2)]


def test_ocr_text_without_umlauts_matches() -> None:
    index = LexicalIndex.build(DOCS)
    assert index.search("Auslanderbehorde", 1)[0][0] == 2
    assert index.search("Ausländerbehörde", 1)[0][0] == 2


def test_numbers_and_one_character_tokens_are_kept() -> None:
    analyzer = GermanAnalyzer.for_corpus(DOCS)
    assert {"5", "1,4"} <= set(analyzer.tokens("Frage 5 und 1,4 %"))
    index = LexicalIndex.build(DOCS)
    assert index.search("Frage 5", 1)[0][0] == 3


def test_a_rare_inflection_borrows_the_corpus_stem() -> None:
    analyzer = GermanAnalyzer.for_corpus(["Typische Mitglieder sind das Jobcenter und das KI."])
    assert "typisch" in analyzer.query_tokens("typischerweise")
    assert analyzer.query_tokens("verwenden") == analyzer.tokens("verwenden")  # no loose match
    regelung = GermanAnalyzer.for_corpus(["Die Regelung steht in § 9 TIntG."])
    assert regelung.query_tokens("geregelt") == regelung.tokens("Regelung")  # participle ge-
    jahr = GermanAnalyzer.for_corpus(["Leverkusen erhält 625.600 € pro Jahr."])
    assert jahr.query_tokens("jährlich") == jahr.tokens("Jahr")  # adjective from a noun


def test_an_unknown_word_finds_the_compound_it_is_the_head_of() -> None:
    analyzer = GermanAnalyzer.for_corpus(["Ein Hochschulabschluss oder ein Berufsabschluss ist nötig."])
    assert analyzer.query_tokens("Abschlüsse") == ["berufsabschluss"]  # the shortest such compound
    assert analyzer.query_tokens("Schluss") == analyzer.tokens("Schluss")  # too short to be a head
    index = LexicalIndex.build(["Ein Hochschulabschluss ist erforderlich.", "Die Stelle ist neu."])
    assert index.search("Welcher Abschluss?", 1)[0][0] == 0


def test_reloaded_index_ranks_exactly_as_before(tmp_path: Path) -> None:
    index = LexicalIndex.build(DOCS)
    index.save(tmp_path)
    reloaded = LexicalIndex.load(tmp_path)
    for question in ("Integrationsmanagement im Mai", "Auslanderbehorde Stellen", "Frage 5",
                     "Mittel im Landeshaushalt", "Haushalt"):
        assert np.array_equal(index.scores(question), reloaded.scores(question)), question
    assert reloaded.analyzer.vocabulary == index.analyzer.vocabulary
