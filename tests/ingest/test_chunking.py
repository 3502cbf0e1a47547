"""Chunking on the real seeds: whole sentences, whole numbered questions, sensible sizes."""

from pathlib import Path

from assistant.ingest.chunking import chunk_pages
from assistant.ingest.loaders import load_document


def _chunks(seeds_dir: Path, stem: str, target: int = 180, max_words: int = 300) -> list[str]:
    doc = load_document(seeds_dir / f"{stem}.txt")
    return [c.text for c in chunk_pages(doc.pages, target, max_words)]


def test_all_seed_chunks_respect_the_size_limit(seeds_dir: Path) -> None:
    for path in sorted(seeds_dir.glob("0*.txt")):
        for text in _chunks(seeds_dir, path.stem):
            assert 5 <= len(text.split()) <= 300, (path.name, text[:80])


def test_numbered_questions_stay_whole_with_their_number(seeds_dir: Path) -> None:
    chunks = _chunks(seeds_dir, "004_f40aa334bcd0e282", target=40, max_words=80)
    lines = [line for chunk in chunks for line in chunk.split("\n")]
    # The OCR lost the digits of questions 3–13 ("." bullets); they are numbered back.
    assert "7. Gibt es Case-Manager*innen, die in der Auslanderbehorde tatig sind?" in lines
    assert any(line.startswith("3. Fur wieviel Personen") for line in lines)
    # A question cut by a page break in the PDF is whole again.
    assert any(line.startswith("11. Mit derzeit zwei") and line.endswith("Betreuungsverbanden?")
               for line in lines)
    assert any(line.startswith("14.Menschen in Landeseinrichtungen") for line in lines)


def test_sentences_are_never_cut(seeds_dir: Path) -> None:
    chunks = _chunks(seeds_dir, "002_be6f4e14f5fb29c9", target=30, max_words=60)
    sentence = ("So waren hierfür im Landeshaushalt für das Jahr 2022 75 Mio. € eingestellt – "
                "25,7 Mio. €")
    holding = [c for c in chunks if sentence in c]
    assert len(holding) == 1
    assert "(Baustein 3)." in holding[0]  # the whole long sentence, past "Mio." and "z. B."


def test_chunk_positions_pages_and_offsets(tmp_path: Path) -> None:
    pages = ["Erste Seite. " * 60, "Zweite Seite mit dem Jobcenter. " * 40]
    chunks = chunk_pages(pages, target=50, max_words=100)
    assert [c.position for c in chunks] == list(range(len(chunks)))
    assert chunks[0].page == 1 and chunks[-1].page == 2
    full = "\n\n".join(pages)
    for chunk in chunks:
        first_sentence = chunk.text.split(". ")[0]
        assert full[chunk.char_start:chunk.char_end].startswith(first_sentence)


def test_list_intro_stays_with_its_list(seeds_dir: Path) -> None:
    chunks = _chunks(seeds_dir, "002_be6f4e14f5fb29c9", target=30, max_words=300)
    intro = [c for c in chunks if "Der Integrationsrat würde gerne wissen:" in c]
    assert intro and "1. Wie sieht die Umsetzung des KIM in der Stadt Gummersbach aus?" in intro[0]


def test_a_chunk_across_a_page_break_knows_where_the_next_page_begins() -> None:
    from assistant.records import ChunkRecord

    [chunk] = chunk_pages(["Erster Satz auf Seite eins.", "Zweiter Satz auf Seite zwei."])
    assert chunk.page == 1 and chunk.page_marks
    offset = chunk.text.index("Zweiter Satz")
    record = ChunkRecord(id="x", text=chunk.text, source="a.pdf", corpus="c", title="", date="",
                         year=0, body="", doc_type="", reference="", visibility="", page=chunk.page,
                         char_start=0, char_end=0, position=0, page_marks=chunk.page_marks)
    assert record.page_at(0) == 1 and record.page_at(offset) == 2
