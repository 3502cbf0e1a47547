"""What the chat shows and exports, without a browser: highlights, escaping, sources, plain text."""

from datetime import datetime

from assistant.answer.models import ABSTAIN_TEXT, Answer, Passage
from assistant.engine import Status
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


def test_council_links_keep_their_underscores() -> None:
    """`?__kvonr=` and `?__ktonr=` in one passage would pair up as Markdown bold."""
    html = render.highlight("Vorlage: https://rat.example/vo0050.php?__kvonr=10382 und "
                            "https://rat.example/to0050.php?__ktonr=16082", [])
    assert "_" not in html.replace("&#95;", "") and html.count("&#95;&#95;") == 2
    answer = render.inert_markdown("Siehe https://rat.example/vo0050.php?__kvonr=10382.")
    assert "`https://rat.example/vo0050.php?__kvonr=10382`" in answer  # a code span keeps them


def test_numbered_questions_keep_their_numbers() -> None:
    text = render.inert_markdown("12. Wie viele Stellen?\n14. Wer leitet die Gruppe?\n3) Wann?")
    assert text == "12\\. Wie viele Stellen?\n14\\. Wer leitet die Gruppe?\n3\\) Wann?"
    assert "12." in render.highlight("12. Wie viele Stellen?", [])


def test_only_pdf_sources_name_a_page() -> None:
    txt = Passage(n=1, chunk_id="c", source="rat/antwort.txt", title="Antwort", page=1, text="T",
                  score=1.0, body="Kreis Kleve", doc_type="Mitteilungsvorlage", reference="XI/2024/0187")
    block = render.sources_markdown(Answer(question="?", answer="T [1]", abstained=False,
                                           retrieval="lexical", citations=[txt]), lambda p: "#")
    assert "S. 1" not in block and "Mitteilungsvorlage XI/2024/0187" in block


def test_a_quote_deep_in_a_passage_is_shown_with_little_before_it() -> None:
    letterhead = "Kreis Kleve – Der Landrat\n" + "Aktenzeichen 12/34, Sachbearbeitung Frau X.\n" * 12
    text = letterhead + "Zur Frage 3: Im Jahr 2023 wurden 389 Menschen begleitet. Weiter."
    shown = render.excerpt(text, ["Im Jahr 2023 wurden 389 Menschen begleitet."])
    assert shown.startswith("… ") and len(shown) < 300 and "389 Menschen" in shown
    assert render.excerpt("Kurz. Im Jahr 2023 waren es 389.", ["Im Jahr 2023 waren es 389."]) == \
        "Kurz. Im Jahr 2023 waren es 389."


def test_no_promise_of_passages_when_there_are_none() -> None:
    answer = Answer(question="?", answer=ABSTAIN_TEXT, abstained=True, retrieval="lexical")
    assert "stehen darunter" not in render.answer_markdown(Turn("?", answer))


def test_the_status_heads_the_page_in_plain_words_and_details_wait_under_info() -> None:
    status = Status(retrieval="lexical", reason="keine Vektoren (kein Modell beim Aufbau)",
                    model=None, documents=12, passages=80, built_at="2024-03-05T10:00:00+01:00",
                    failed={"kaputt.pdf": "verschlüsselt"}, skipped={})
    line = render.status_line(status)
    assert "**12 Dokumente**" in line and "05.03.2024" in line
    assert "Vektoren" not in line and "Modell" not in line  # nothing technical up front
    info = render.status_details(status, "")
    assert "nur nach Stichwörtern" in info and "80 Passagen" in info
    assert "1 Datei (" in info and "kaputt.pdf" not in info  # names only via `kim status`
    assert info.splitlines()[-1].startswith("*Technisch:* `nur Stichwörter – keine Vektoren")


def test_a_source_card_says_which_inquiry_an_answer_answers() -> None:
    cited = passage(1, "Das Case Management hat 389 Menschen begleitet.",
                    ["Das Case Management hat 389 Menschen begleitet."])
    cited.related = ["Antwort auf Anfrage A 21/0500 vom 12.02.2024"]
    answer = Answer(question="Wie viele?", answer="Das Case Management hat 389 Menschen begleitet. "
                    "[1]", abstained=False, retrieval="lexical", citations=[cited], passages=[cited])
    card = render.sources_markdown(answer, lambda p: "/dokument/x")
    assert "↳ Antwort auf Anfrage A 21/0500 vom 12.02.2024" in card
    assert "(Antwort auf Anfrage A 21/0500 vom 12.02.2024)" in render.plain_text(Turn("Wie viele?",
                                                                                     answer))
