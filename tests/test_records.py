"""What the embedding model reads of a passage."""

from assistant.records import ChunkRecord


def _record(text: str) -> ChunkRecord:
    return ChunkRecord(id="x", text=text, source="a.txt", corpus="c", title="Antwort zur Anfrage KIM",
                       date="2024-05-02", year=2024, body="Kreis Kleve", doc_type="Mitteilung",
                       reference="", visibility="public", page=1, char_start=0, char_end=len(text),
                       position=0)


def test_links_and_source_notes_are_not_embedded() -> None:
    record = _record(
        "Baustein 2 ist das Case Management (Quelle: https://kim.nrw/a-b?x=1; Quelle: "
        "https://bra.nrw.de/c). Mehr unter www.kreis-kleve.de/kim und https://example.org/x.pdf.\n"
        "Zweiter Absatz.")
    embedded = record.embed_text
    assert "http" not in embedded and "www." not in embedded and "Quelle" not in embedded
    assert "Baustein 2 ist das Case Management." in embedded
    assert embedded.endswith("Mehr unter und .\nZweiter Absatz.")
    assert embedded.startswith("Antwort zur Anfrage KIM | Kreis Kleve | Mitteilung | 2024-05-02\n")
    assert "https://kim.nrw/a-b?x=1" in record.index_text  # the lexical index and citations keep them


def test_plain_passage_is_embedded_as_written() -> None:
    record = _record("Die Lenkungsgruppe tagt zweimal im Jahr (siehe Anlage 2).")
    assert record.embed_text.endswith("\nDie Lenkungsgruppe tagt zweimal im Jahr (siehe Anlage 2).")
