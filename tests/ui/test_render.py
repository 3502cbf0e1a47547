"""What the chat shows and exports, without a browser: highlights, escaping, sources, plain text."""

from datetime import datetime

from assistant.answer.models import ABSTAIN_TEXT, Answer, Passage
from assistant.ui import render
from assistant.ui.render import Turn


def passage(n: int, text: str, quotes: list[str] | None = None) -> Passage:
    return Passage(n=n, chunk_id=f"c{n}", source="rat/anfrage.pdf", title="Anfrage KIM", page=2,
                   text=text, score=1.0, body="Kreis Kleve", date="2023-11-23", doc_type="Anfrage",
                   corpus="rat", quotes=quotes or [])


def answered() -> Turn:
    cited = passage(1, "Erster Satz.\nDer Kreis  plant 12 Stellen. Letzter Satz.",
                    ["Der Kreis plant 12 Stellen."])
    answer = Answer(question="Wie viele Stellen plant Kleve?", answer="Der Kreis plant 12 Stellen. [1]",
                    abstained=False, retrieval="lexical", citations=[cited], passages=[cited])
    return Turn("Wie viele Stellen plant Kleve?", answer)


def test_cited_sentence_is_highlighted_despite_other_white_space() -> None:
    html = render.highlight("Erster Satz.\nDer Kreis  plant 12 Stellen.", ["Der Kreis plant 12 Stellen."])
    assert "<mark>Der Kreis  plant 12 Stellen.</mark>" in html and "<br>" in html


def test_passage_text_cannot_inject_html() -> None:
    html = render.highlight("<script>alert(1)</script> Text", [])
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_sources_block_names_document_page_and_link() -> None:
    block = render.sources_markdown(answered().answer, lambda p: f"/dokument/x#page={p.page}")
    assert "[1] Anfrage KIM" in block and "Kreis Kleve · 23.11.2023 · Anfrage · S. 2" in block
    assert 'href="/dokument/x#page=2"' in block and "<mark>" in block


def test_abstention_offers_the_closest_passages() -> None:
    near = [passage(i, f"Text {i}") for i in range(1, 6)]
    answer = Answer(question="?", answer=ABSTAIN_TEXT, abstained=True, retrieval="lexical", passages=near)
    assert render.sources_title(answer) == "Nächstliegende Passagen (3)"
    assert render.sources_markdown(answer, lambda p: "#").count("<blockquote>") == 3


def test_rewritten_follow_up_is_shown() -> None:
    turn = answered()
    turn = Turn("Und in Kleve?", turn.answer)
    assert "Gesucht wurde: „Wie viele Stellen plant Kleve?“" in render.answer_markdown(turn)


def test_plain_text_and_markdown_export_carry_the_sources() -> None:
    text = render.plain_text(answered())
    assert text.startswith("Frage: Wie viele Stellen plant Kleve?")
    assert "Quellen:\n[1] Anfrage KIM – Kreis Kleve · 23.11.2023 · Anfrage, S. 2 (rat/anfrage.pdf)" in text
    assert "„Der Kreis plant 12 Stellen.“" in text
    exported = render.conversation_markdown([answered()], datetime(2026, 11, 21, 9, 5))
    assert exported.startswith("# KIM-Assistent – Gespräch vom 21.11.2026, 09:05")
    assert "## Frage 1: Wie viele Stellen plant Kleve?" in exported and "### Quellen (1)" in exported


def test_thesaurus_stand_ins_are_shown_with_the_answer() -> None:
    turn = answered()
    turn.answer.stand_ins = {"Geld": ["Fördermittel"], "Leute": ["Personen", "Menschen"]}
    note = "In den Quellen steht statt „Geld“ „Fördermittel“; statt „Leute“ „Personen / Menschen“"
    assert note in render.answer_markdown(turn)
    assert note in render.plain_text(turn)
    assert note in render.conversation_markdown([turn])
    assert "statt" not in render.answer_markdown(answered())  # nothing substituted, nothing said


def test_source_card_names_the_vorlage_number() -> None:
    cited = passage(1, "Der Kreis plant 12 Stellen.", ["Der Kreis plant 12 Stellen."])
    cited.doc_type, cited.reference = "Vorlage", "XI/2024/0187"
    answer = Answer(question="?", answer="Der Kreis plant 12 Stellen. [1]", abstained=False,
                    retrieval="lexical", citations=[cited], passages=[cited])
    block = render.sources_markdown(answer, lambda p: "/dokument/x")
    assert "Kreis Kleve · 23.11.2023 · Vorlage XI/2024/0187 · S. 2" in block
