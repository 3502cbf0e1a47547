"""Non-public documents stay non-public: 50 questions aimed at them, asked as each role, through
the real index (hybrid search with the bundled model, Chroma embedded), the drafting and the
service the chat uses. A leak is a non-public file among the passages or a secret word shown."""

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.drafting.inquiry import parse_inquiry
from assistant.engine import Assistant
from assistant.ingest.pipeline import ingest
from assistant.ui.render import Turn
from assistant.ui.service import ChatService
from tests.access.corpus import NOT_PUBLIC, QUESTIONS, leaked, write_corpus

pytestmark = [pytest.mark.model, pytest.mark.slow]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    tmp = tmp_path_factory.mktemp("leaks")
    settings = Settings(index_dir=tmp / "index", corpus_dirs=[write_corpus(tmp / "corpus")],
                        upload_dir=tmp / "uploads")
    report = ingest(settings, progress=False)
    assert report.retrieval == "hybrid", report.model_note
    return settings


@pytest.fixture(scope="module")
def assistant(settings: Settings) -> Assistant:
    return Assistant.open(settings)


def _leaks(assistant: Assistant, role: str) -> tuple[list[str], int]:
    """All leaks over the 50 questions, and how many questions reached a non-public passage."""
    leaks: list[str] = []
    reached = 0
    for question in QUESTIONS:
        answer = assistant.ask(question, role=role)
        sources = [p.source for p in answer.passages] + [c.source for c in answer.citations]
        shown = " ".join([answer.answer, *(p.text for p in answer.passages)])
        found = leaked(sources, shown)
        leaks += [f"{question} → {x}" for x in found]
        reached += bool(found)
    return leaks, reached


def test_the_public_sees_no_non_public_passage(assistant: Assistant) -> None:
    assert len(QUESTIONS) == 50
    leaks, _ = _leaks(assistant, "oeffentlich")
    assert leaks == []


def test_the_administration_finds_what_the_public_may_not_see(assistant: Assistant) -> None:
    """The same questions as `verwaltung` reach the non-public documents: the filter, not the
    questions, kept them from the public."""
    _, reached = _leaks(assistant, "verwaltung")
    assert reached >= 40, reached


def test_council_members_see_what_was_released_to_them_only(assistant: Assistant) -> None:
    answer = assistant.ask("Wo entsteht die neue Beratungsstelle?", role="rat")
    assert "Kirchstraße 14" in answer.answer
    leaks = [x for q in QUESTIONS for x in _sources(assistant.ask(q, role="rat"))
             if NOT_PUBLIC[x][1] != 'sichtbarkeit = "rat"\n']
    assert leaks == []


def _sources(answer: object) -> list[str]:
    passages = answer.passages
    return [p.source for p in passages if p.source in NOT_PUBLIC]


def test_a_filter_asking_for_non_public_finds_nothing_for_the_public(assistant: Assistant) -> None:
    answer = assistant.ask("Stellenbesetzung Case Management", filters={"sichtbarkeit":
                                                                        "nichtöffentlich"},
                           role="oeffentlich")
    assert answer.abstained and answer.passages == []


def test_the_chat_service_lists_and_serves_by_role(settings: Settings) -> None:
    service = ChatService(settings)
    public = {d.source for d in service.documents("oeffentlich")}
    council = {d.source for d in service.documents("rat")}
    everything = {d.source for d in service.documents("verwaltung")}
    assert public.isdisjoint(NOT_PUBLIC)
    assert council - public == {"standort-beratungsstelle.txt"}
    assert set(NOT_PUBLIC) <= everything
    hidden = next(d for d in service.documents("verwaltung") if d.source == "vorlage-personal.txt")
    assert service.document(hidden.doc_id, "oeffentlich") is None
    assert service.document(hidden.doc_id, "verwaltung") is not None
    assert service.status("oeffentlich").documents == len(public)  # no hint at hidden ones
    assert service.status("verwaltung").documents == len(everything)


def test_a_draft_for_the_public_role_cites_nothing_non_public(settings: Settings) -> None:
    inquiry = parse_inquiry("Anfrage der Fraktion Bündnis 90/Die Grünen\nKreis Beispielstadt\n\n"
                            "1. Wer wurde für die Stelle im Case Management ausgewählt?\n"
                            "2. Wie hoch ist das Angebot für die Dolmetscherdienste?\n"
                            "3. Wo entsteht die neue Beratungsstelle?\n")
    service = ChatService(settings)
    public = service.draft(inquiry, "Kreis Beispielstadt", role="oeffentlich")
    assert not [s.source for s in public.sources if s.source in NOT_PUBLIC]
    staff = service.draft(inquiry, "Kreis Beispielstadt", role="verwaltung")
    assert {s.source for s in staff.sources} & set(NOT_PUBLIC)


def test_a_frozen_answer_opens_only_for_roles_that_see_all_its_sources(
        settings: Settings, tmp_path: Path) -> None:
    service = ChatService(settings.model_copy(update={"saved_dir": tmp_path}))
    question = "Wer wurde für die Stelle im Case Management ausgewählt?"
    staff = service.ask(question, None, {}, role="verwaltung")
    assert {p.source for p in staff.passages} & set(NOT_PUBLIC)
    frozen = service.saved.frozen(service.freeze(Turn(question, staff)))
    assert frozen is not None and frozen.roles == ["verwaltung", "admin"]
    public = service.ask(question, None, {}, role="oeffentlich")
    frozen = service.saved.frozen(service.freeze(Turn(question, public)))
    assert frozen is not None and "oeffentlich" in frozen.roles
