"""Drafting the administration's answer from a real index (bundled model, embedded Chroma):
never citing an inquiry, the home municipality first, open questions marked, other
municipalities' answers apart, and the exports and the `kim draft --json` contract."""

import json
import re
from pathlib import Path

import pytest
from docx import Document

from assistant.config import Settings
from assistant.drafting.draft import GAP, draft_answer
from assistant.drafting.export import to_docx, to_markdown
from assistant.drafting.inquiry import read_inquiry
from assistant.engine import Assistant
from assistant.ingest.pipeline import ingest
from tests.conftest import KIM, REPO
from tests.files import write_docx, write_pdf

pytestmark = [pytest.mark.model, pytest.mark.slow]

INQUIRY = """BÜNDNIS 90/DIE GRÜNEN im Kreistag Kleve
An den Landrat des Kreises Kleve
Kleve, 12. Februar 2024

Anfrage zum Kommunalen Integrationsmanagement

Sehr geehrter Herr Landrat,
wir bitten um schriftliche Beantwortung:

1. Wie viele Personen wurden 2023 im Case Management begleitet?
2. Bei welchen Trägern sind die Case Managerinnen beschäftigt?
3. Wie lange warten Ratsuchende auf ein Erstgespräch?

Begründung:
Der Ausschuss braucht belastbare Zahlen.
"""
ANSWER = ["Mitteilungsvorlage XI/2024/0187 – Kreis Kleve, 03.04.2024",
          "Anfrage der Kreistagsfraktion BÜNDNIS 90/DIE GRÜNEN vom 12.02.2024",
          "Zu Frage 1: Wie viele Personen wurden 2023 im Case Management begleitet?",
          "Antwort der Verwaltung: Im Jahr 2023 hat das Case Management im Kreis Kleve 389 "
          "Personen begleitet.",
          "Zu Frage 2: Bei welchen Trägern sind die Case Managerinnen beschäftigt?",
          "Antwort der Verwaltung: Die Case Managerinnen sind beim Kommunalen "
          "Integrationszentrum und beim Caritasverband Kleve beschäftigt."]
OTHER = ("Mitteilungsvorlage 11/0873 des Kreises Wesel vom 02.05.2024\n\nZu Frage 7: Wie lange "
         "warten Ratsuchende auf ein Erstgespräch?\nAntwort der Verwaltung: Im Kreis Wesel warten "
         "Ratsuchende durchschnittlich drei Wochen auf ein Erstgespräch im Case Management.")
# Another inquiry that asks exactly what is asked: it must never be the answer.
ECHO = ("Anfrage der SPD-Fraktion im Kreistag Kleve vom 01.03.2024\n\n1. Wie lange warten "
        "Ratsuchende im Kreis Kleve auf ein Erstgespräch im Case Management?\n")


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Assistant, Path]:
    root = tmp_path_factory.mktemp("draft")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "anfrage_gruene.txt").write_text(INQUIRY, encoding="utf-8")
    write_docx(corpus / "mitteilung_kleve.docx", ANSWER[0], ANSWER[1:])
    write_pdf(corpus / "mitteilung_wesel.pdf", [OTHER])
    (corpus / "anfrage_spd.txt").write_text(ECHO, encoding="utf-8")
    settings = Settings(index_dir=root / "index", corpus_dirs=[corpus])
    assert ingest(settings, progress=False).retrieval == "hybrid"
    return Assistant.open(settings), corpus


def test_each_question_answered_from_the_answers_never_from_inquiries(drafted: tuple) -> None:
    assistant, corpus = drafted
    draft = draft_answer(assistant, read_inquiry(corpus / "anfrage_gruene.txt"))
    assert draft.home == "Kreis Kleve"
    first, second, third = draft.items
    assert first.status == "answered" and "389" in first.answer
    assert second.status == "answered" and "Caritasverband Kleve" in second.answer
    cited = {p.source for item in draft.items for p in item.citations}
    assert cited == {"mitteilung_kleve.docx"}
    # Kleve's documents do not say how long people wait: open, with what comes closest, and
    # Wesel's answer apart, labelled with its municipality.
    assert third.status == "open" and third.answer == GAP and third.closest
    # Found by their question ("Zu Frage 7: Wie lange warten …?"), answered by what follows it.
    assert [("Wesel" in s.body, "warten Ratsuchende" in s.question, "drei Wochen" in s.answer)
            for s in third.similar] == [(True, True, True)]
    # One source list; every [n] in the answers points into it.
    numbers = {int(n) for item in draft.items for n in re.findall(r"\[(\d+)\]", item.answer)}
    assert numbers == {s.n for s in draft.sources} == {1}


def test_the_chosen_municipality_is_the_one_answered_for(drafted: tuple) -> None:
    assistant, corpus = drafted
    draft = draft_answer(assistant, read_inquiry(corpus / "anfrage_gruene.txt"), home="Kreis Wesel")
    assert draft.items[2].status == "answered" and "drei Wochen" in draft.items[2].answer
    assert draft.items[0].status == "open"  # Kleve's figure is not Wesel's


def test_exports_keep_the_printed_numbers(drafted: tuple, tmp_path: Path) -> None:
    assistant, corpus = drafted
    draft = draft_answer(assistant, read_inquiry(corpus / "anfrage_gruene.txt"))
    draft.items[0].n, draft.items[0].answer = "12", "1. Satz aus einer Liste [1]"
    markdown = to_markdown(draft)
    assert "## Zu Frage 12 (beantwortet)" in markdown
    assert "\n1\\. Satz aus einer Liste [1]" in markdown  # no Markdown list to renumber
    assert "**Keine Angabe in den Unterlagen – bitte ergänzen.**" in markdown
    path = tmp_path / "e.docx"
    path.write_bytes(to_docx(draft))
    doc = Document(str(path))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert headings == ["Zu Frage 12 (beantwortet)", "Zu Frage 2 (beantwortet)", "Zu Frage 3 (offen)"]
    sources = [p.text for p in doc.paragraphs if p.text.startswith("[1] ")]
    assert sources and "XI/2024/0187" in sources[0] and "Kreis Kleve" in sources[0]


def test_kim_draft_json_contract_and_files(drafted: tuple, tmp_path: Path) -> None:
    import subprocess

    assistant, corpus = drafted
    out_docx, out_md = tmp_path / "antwort.docx", tmp_path / "antwort.md"
    result = subprocess.run(
        [*KIM, "draft", str(corpus / "anfrage_gruene.txt"), "--json", "--index",
         str(assistant.settings.index_dir), "--docx", str(out_docx), "--md", str(out_md)],
        capture_output=True, text=True, cwd=REPO, timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data.keys() >= {"inquiry", "questions", "sources"}
    assert data["inquiry"].keys() >= {"title", "party", "body", "date", "source"}
    assert data["inquiry"]["party"] == "Bündnis 90/Die Grünen"
    question = data["questions"][0]
    assert question.keys() >= {"n", "text", "status", "answer", "citations", "similar"}
    assert question["citations"][0].keys() >= {"n", "chunk_id", "source", "title", "page", "text"}
    assert [q["status"] for q in data["questions"]] == ["answered", "answered", "open"]
    assert out_docx.stat().st_size > 0 and "Zu Frage 3" in out_md.read_text(encoding="utf-8")


def test_kim_draft_says_what_is_wrong(tmp_path: Path) -> None:
    import subprocess

    notes = tmp_path / "notiz.txt"
    notes.write_text("Einkaufsliste: Brot, Milch.", encoding="utf-8")
    result = subprocess.run([*KIM, "draft", str(notes)], capture_output=True, text=True, cwd=REPO,
                            timeout=120)
    assert result.returncode == 1 and "keine Fragen gefunden" in result.stderr


def test_our_own_earlier_answer_stands_beside_a_question_asked_again(drafted: tuple,
                                                                     tmp_path: Path) -> None:
    """A year later the same question comes again: the draft cannot quote last year's figure as
    this year's, but last year's answer is shown beside it, marked as our own."""
    assistant, _ = drafted
    again = tmp_path / "anfrage_2025.txt"
    again.write_text(INQUIRY.replace("12. Februar 2024", "10. Februar 2026").replace(
        "1. Wie viele Personen wurden 2023", "1. Wie viele Personen wurden 2025"), encoding="utf-8")
    draft = draft_answer(assistant, read_inquiry(again))
    first, second = draft.items[:2]
    assert first.status == "open" and "389" not in first.answer
    own = [s for s in first.similar if s.own]
    assert own and "Kleve" in own[0].body and "389" in own[0].answer
    assert f"Eigene frühere Antwort – {own[0].body}" in to_markdown(draft)
    # Where the draft already quotes our answer, it is not repeated beside it.
    assert second.status == "answered" and not [s for s in second.similar if s.own]
