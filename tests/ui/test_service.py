"""The chat's service layer on real indexes: first start builds, hybrid status, uploads swap in."""

from pathlib import Path

import pytest

from assistant.config import Settings
from assistant.errors import KimError
from assistant.ingest.pipeline import ingest
from assistant.ui import render
from assistant.ui.service import ChatService, Scope
from tests.files import write_pdf


def test_first_start_builds_the_index_then_reuses_it(seeds_dir: Path, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir],
                        upload_dir=tmp_path / "uploads")
    service = ChatService.start(settings, progress=False)
    built = service.assistant.manifest.built_at
    assert len(service.documents()) == 5 and service.status().passages > 5
    again = ChatService.start(settings, progress=False)
    assert again.assistant.manifest.built_at == built  # nothing rebuilt on the second start


@pytest.mark.model
def test_status_line_names_hybrid_and_the_model(seeds_dir: Path, tmp_path: Path,
                                                minilm_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir],
                        upload_dir=tmp_path / "uploads", embed_model=str(minilm_path))
    ingest(settings, progress=False)
    status = ChatService(settings).status()
    assert "**5 Dokumente**" in render.status_line(status)
    info = render.status_details(status)
    assert "nach Stichwörtern und nach Bedeutung" in info and "Stichwörter + Bedeutung" in info
    assert str(minilm_path) in info and "Index vom" in info


def test_upload_of_a_pdf_is_searchable_and_links_to_its_page(seeds_dir: Path, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir],
                        upload_dir=tmp_path / "uploads")
    service = ChatService.start(settings, progress=False)
    filler = " ".join(["Die Verwaltung beschreibt hier ihre allgemeinen Ziele."] * 40)
    pdf = write_pdf(tmp_path / "Bericht.pdf", [filler, "Im Jahr 2025 wurden 42 Familien vom "
                                                       "Case-Management begleitet."])
    result = service.upload([pdf], progress=False)
    assert result.accepted == ["Bericht.pdf"] and not result.rejected
    answer = service.ask("Wie viele Familien wurden 2025 begleitet?", None, {})
    cited = answer.citations[0]
    assert "42" in answer.answer and cited.source == "Bericht.pdf" and cited.page == 2
    document = service.document(service.doc_id_of(cited.corpus, cited.source))
    assert document is not None and document.path.read_bytes() == pdf.read_bytes()


def test_upload_while_another_ingest_runs_changes_nothing(seeds_dir: Path, tmp_path: Path) -> None:
    from assistant.errors import IndexBusy
    from assistant.indexdir import IndexDir

    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir],
                        upload_dir=tmp_path / "uploads")
    service = ChatService.start(settings, progress=False)
    pdf = write_pdf(tmp_path / "Neu.pdf", ["Ein neuer Bericht über 7 Lotsinnen."])
    with IndexDir(settings.index_dir).writer_lock(), pytest.raises(IndexBusy):
        service.upload([pdf], progress=False)
    assert not any(settings.upload_dir.glob("*")) and len(service.documents()) == 5


def test_document_route_serves_known_files_only_and_sandboxes_html(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from assistant.ui.server import create_app
    from tests.files import write_council_html

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_council_html(corpus / "vorlage.html", "Vorlage KIM", "Der Integrationsrat berät über KIM.")
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[corpus],
                        upload_dir=tmp_path / "uploads", users_file=tmp_path / "benutzer.toml",
                        audit_file=tmp_path / "audit.jsonl")
    service = ChatService.start(settings, progress=False)
    # Nobody configured: the local user on this computer (the gatekeeper checks the address).
    client = TestClient(create_app(service), base_url="http://127.0.0.1:7860",
                        client=("127.0.0.1", 50000))
    [document] = service.documents()
    response = client.get(f"/dokument/{document.doc_id}")
    assert response.status_code == 200 and "Integrationsrat" in response.text
    assert response.headers["content-security-policy"] == "sandbox"
    assert client.get("/dokument/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/dokument/0000000000000000").status_code == 404


def test_upload_reports_only_searchable_files_and_quarantines_the_rest(seeds_dir: Path,
                                                                       tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir],
                        upload_dir=tmp_path / "uploads")
    service = ChatService.start(settings, progress=False)
    (tmp_path / "in").mkdir()
    hidden = tmp_path / "in" / "_notiz.txt"
    hidden.write_text("Die Lotsinnen treffen sich jeden Dienstag im Rathaus.", encoding="utf-8")
    readme = tmp_path / "in" / "README.md"
    readme.write_text("Das Quartiersbüro öffnet mittwochs für Beratungen.", encoding="utf-8")
    broken = tmp_path / "in" / "kaputt.pdf"
    broken.write_bytes(b"%PDF-1.4 kaputt")
    result = service.upload([hidden, readme, broken], progress=False)
    assert sorted(result.accepted) == ["README.md", "_notiz.txt"]
    assert "beschädigt" in result.rejected["kaputt.pdf"]
    for words, source in [("Lotsinnen Dienstag Rathaus", "notiz.txt"),
                          ("Quartiersbüro mittwochs Beratungen", "Upload-README.md")]:
        hits = service.assistant.retriever.retrieve(words, 3, {})
        assert hits[0].record.source == source  # stored under a name the scan takes, and found
    assert len(service.documents()) == 7 and not service.status().failed
    assert not (settings.upload_dir / "kaputt.pdf").exists()  # never blocks a later run
    note = (settings.quarantine_dir / "kaputt.pdf.grund.txt").read_text(encoding="utf-8")
    assert (settings.quarantine_dir / "kaputt.pdf").read_bytes() == b"%PDF-1.4 kaputt"
    assert "beschädigt" in note
    assert ingest(settings, progress=False).failed == {}


def test_serve_from_another_folder_keeps_the_recorded_corpus(seeds_dir: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The probe's data loss: index built from `rat`, chat started where `corpus/` exists."""
    import shutil

    from assistant.errors import CorpusMismatch

    rat = tmp_path / "rat"
    shutil.copytree(seeds_dir, rat)
    (tmp_path / "corpus").mkdir()
    (tmp_path / "corpus" / "anderes.txt").write_text("Ein anderes Thema.", encoding="utf-8")
    ingest(Settings(index_dir=tmp_path / "index", corpus_dirs=[rat]), progress=False)
    monkeypatch.chdir(tmp_path)
    settings = Settings(index_dir=tmp_path / "index", upload_dir=tmp_path / "uploads")
    service = ChatService.start(settings, progress=False)
    pdf = write_pdf(tmp_path / "Neu.pdf", ["Ein neuer Bericht über 7 Lotsinnen."])
    assert service.upload([pdf], progress=False).accepted == ["Neu.pdf"]
    assert len(service.documents()) == 6  # 5 from rat, none removed, plus the upload

    other = Settings(index_dir=tmp_path / "index", corpus_dirs=[tmp_path / "corpus"])
    with pytest.raises(CorpusMismatch, match=r"rat.*--replace"):
        ChatService.start(other, progress=False)
    assert len(ChatService(settings).documents()) == 6  # the refusal changed nothing


def test_state_texts_file_scope_and_type_names(tmp_path: Path) -> None:
    """A municipality filter keeps the state's texts unless excluded; "only" and "without"
    files; the types named as people in a council look for them."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "handlungskonzept.txt").write_text(
        "---\ntitle: Handlungskonzept KIM\nbody: Land Nordrhein-Westfalen\n---\n"
        "Jede Kommune bildet eine Lenkungsgruppe für das Integrationsmanagement.", "utf-8")
    (corpus / "kleve_vorlage.txt").write_text(
        "Kreis Kleve – Der Landrat\nMitteilungsvorlage\n\n"
        "Die Lenkungsgruppe des Kreises Kleve tagt viermal im Jahr.", "utf-8")
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[corpus],
                        upload_dir=tmp_path / "uploads", embed_model="none")
    service = ChatService.start(settings, progress=False)
    grouped = service.filter_choices()["body_grouped"]
    assert [label.split(":")[0] for label, _ in grouped] == ["Land", "Kreis"]
    question = "Was macht die Lenkungsgruppe?"
    kept = service.ask(question, None, {"body": "Kreis Kleve"})
    assert {p.body for p in kept.passages} == {"Kreis Kleve", "Land Nordrhein-Westfalen"}
    *_, only = service.answer_stream(question, None, {"body": "Kreis Kleve"},
                                     scope=Scope(with_state=False))
    assert {p.body for p in only.passages} == {"Kreis Kleve"}  # type: ignore[union-attr]
    *_, scoped = service.answer_stream(question, None, {}, scope=Scope(only=["kleve_vorlage.txt"]))
    assert {p.source for p in scoped.passages} == {"kleve_vorlage.txt"}  # type: ignore[union-attr]
    *_, other = service.answer_stream(question, None, {},
                                      scope=Scope(without=["kleve_vorlage.txt"]))
    assert {p.source for p in other.passages} == {"handlungskonzept.txt"}  # type: ignore[union-attr]
    assert ("Antwort/Bericht der Verwaltung (Vorlage)", "Vorlage") in \
        service.filter_choices()["doc_type_labeled"]


def test_only_uploads_are_removed_and_nothing_else_changes(seeds_dir: Path, tmp_path: Path) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dirs=[seeds_dir],
                        upload_dir=tmp_path / "uploads", embed_model="none")
    service = ChatService.start(settings, progress=False)
    seed_ids = {d.doc_id for d in service.documents("admin")}
    note = tmp_path / "Lotsen.txt"
    note.write_text("Lotsenprojekt\n\nIm Jahr 2025 begleiteten 17 Lotsinnen Familien.\n",
                    encoding="utf-8")
    assert service.upload([note], progress=False).accepted == ["Lotsen.txt"]
    sidecar = settings.upload_dir / "Lotsen.txt.meta.toml"
    sidecar.write_text('kommune = "Musterstadt"\n', encoding="utf-8")
    uploaded = service.removable()
    assert [d.source for d in uploaded] == ["Lotsen.txt"]  # the seeds live in a corpus folder
    for refused in [next(iter(seed_ids)), "unbekannt", ""]:
        with pytest.raises(KimError, match="Korpusordner"):
            service.remove(refused, progress=False)
    removed = service.remove(uploaded[0].doc_id, progress=False)
    assert removed.source == "Lotsen.txt"
    assert {d.doc_id for d in service.documents("admin")} == seed_ids
    aside = sorted(p.name.split("_", 2)[-1] for p in settings.removed_dir.iterdir())
    assert aside == ["Lotsen.txt", "Lotsen.txt.meta.toml"] and not sidecar.exists()
    answer = service.ask("Wie viele Lotsinnen begleiteten 2025 Familien?", None, {})
    assert "Lotsen.txt" not in {p.source for p in answer.passages}
