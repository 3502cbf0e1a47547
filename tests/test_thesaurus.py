"""The thesaurus: everyday question words find passages in administrative German, down-weighted."""

from pathlib import Path

import pytest

from assistant.answer.extractive import extract_answer
from assistant.errors import KimError
from assistant.german.text import fold
from assistant.german.thesaurus import Thesaurus, load_thesaurus
from assistant.records import ChunkRecord, document_key
from assistant.retrieval.hybrid import Hit
from assistant.retrieval.lexical import LexicalIndex

DOCS = [
    "Vor dem Programm lief ein Modellprojekt in zwölf Kommunen.",
    "Die Fördermittel werden jährlich an die Kreise ausgezahlt.",
    "Der Probelauf der neuen Software beginnt im Mai.",
    "Die Lenkungsgruppe tagt zweimal im Jahr.",
]
GROUPS = Thesaurus.parse("# Kommentar\nProbelauf, Modellprojekt, Pilotprojekt\nGeld, Fördermittel\n"
                         "einzeln\n")


def test_groups_parse_and_single_words_are_no_group() -> None:
    assert GROUPS.groups == (("Probelauf", "Modellprojekt", "Pilotprojekt"), ("Geld", "Fördermittel"))


def test_an_everyday_word_finds_the_administrative_one() -> None:
    plain = LexicalIndex.build(DOCS)
    index = LexicalIndex.build(DOCS).use_thesaurus(GROUPS)
    assert index.search("Wann gab es Geld?", 1)[0][0] == 1
    assert plain.search("Wann gab es Geld?", 1) == []  # the corpus never says "Geld"
    # Mates the passages never use are dropped: "Pilotprojekt" expands nothing.
    assert index.expansions("Gab es ein Pilotprojekt?") == {
        "pilotprojekt": frozenset({"probelauf", "modellprojekt"})}


def test_the_word_asked_for_outranks_its_synonym() -> None:
    index = LexicalIndex.build(DOCS).use_thesaurus(GROUPS)
    ranked = [i for i, _ in index.search("Gab es einen Probelauf?", 2)]
    assert ranked == [2, 0]  # the literal match first, the Modellprojekt passage second
    scores = index.scores("Gab es einen Probelauf?")
    assert scores[0] < scores[2]


def test_synonyms_respect_the_filter_mask() -> None:
    import numpy as np

    index = LexicalIndex.build(DOCS).use_thesaurus(GROUPS)
    mask = np.array([0, 0, 1, 1], dtype=np.float32)
    assert [i for i, _ in index.search("Gab es ein Modellprojekt?", 4, mask)] == [2]


def test_an_answer_is_quoted_from_the_synonym_passage() -> None:
    text = "Vor dem Programm lief ein Modellprojekt in zwölf Kommunen. Die Lenkungsgruppe tagt."
    record = ChunkRecord(id="x", text=text, source="v.md", corpus="c", title="Vorläufer", date="",
                         year=0, body="", doc_type="Überblick", reference="", visibility="",
                         page=1, char_start=0, char_end=len(text), position=0)
    lexical = LexicalIndex.build([record.index_text, *DOCS[1:]])
    question = "Gab es ein Pilotprojekt?"
    documents = {document_key(record): fold(text)}
    assert extract_answer(question, [Hit(record, 1.0)], lexical, documents).abstained
    lexical.use_thesaurus(GROUPS)
    extract = extract_answer(question, [Hit(record, 1.0)], lexical, documents)
    assert extract.answer.startswith("Vor dem Programm lief ein Modellprojekt")


def test_shipped_thesaurus_and_an_office_file(tmp_path: Path) -> None:
    shipped = load_thesaurus("")
    assert shipped is not None and len(shipped.groups) >= 100
    assert load_thesaurus("none") is None
    own = tmp_path / "eigene.txt"
    own.write_text("Ratsinfo, Ratsinformationssystem\n", encoding="utf-8")
    combined = load_thesaurus(str(own))
    assert combined is not None and combined.groups[-1] == ("Ratsinfo", "Ratsinformationssystem")
    with pytest.raises(KimError, match=r"nicht gefunden.*KIM_THESAURUS"):
        load_thesaurus(str(tmp_path / "fehlt.txt"))
    binary = tmp_path / "kaputt.txt"
    binary.write_bytes(b"\xff\xfe\x00\x81 Geld")
    with pytest.raises(KimError, match="UTF-8"):
        load_thesaurus(str(binary))


def test_stand_ins_name_the_words_an_answer_relied_on() -> None:
    index = LexicalIndex.build(DOCS).use_thesaurus(GROUPS)
    question = "Wann gibt es Geld für die Kreise?"
    assert index.stand_ins(question, DOCS[1]) == {"Geld": ["Fördermittel"]}
    assert index.stand_ins(question, "Geld und Fördermittel für die Kreise.") == {}  # word itself
    assert index.stand_ins(question, DOCS[3]) == {}
