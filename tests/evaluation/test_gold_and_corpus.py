"""The gold sets and the shipped corpus are sound data: parseable, answerable where they say so."""

import re
import tomllib
from pathlib import Path

import pytest

from assistant.evaluation.gold import contains_answer, load_gold
from assistant.evaluation.runner import load_sets
from assistant.ingest.loaders import load_document
from tests.conftest import REPO

SETS = load_sets(REPO / "evals" / "sets.toml")


@pytest.mark.parametrize("spec", SETS, ids=[s.name for s in SETS])
def test_gold_set_size_mix_and_answers(spec, seeds_dir: Path) -> None:  # type: ignore[no-untyped-def]
    questions = load_gold(spec.gold)
    assert len(questions) >= 25  # blind lost three verbatim copies of other sets' questions
    assert sum(1 for q in questions if not q.answerable) >= 8
    kinds = {q.kind for q in questions}
    assert "paraphrase" in kinds and len(kinds) >= 3  # blind lost its only list question
    files = {p.stem: p for folder in spec.corpus_dirs for p in folder.iterdir() if p.is_file()}
    texts: dict[str, str] = {}
    for q in questions:
        for stem in q.relevant:
            assert stem in files, f"{q.id}: {stem} not in corpus"
            texts.setdefault(stem, load_document(files[stem]).text)
            # each relevant document holds part of the answer, all of them together the whole
            assert any(contains_answer(texts[stem], (group,)) for group in q.answer_contains), \
                f"{q.id}: no part of the answer in {stem}"
        together = "\n".join(texts[stem] for stem in q.relevant)
        assert not q.relevant or contains_answer(together, q.answer_contains), f"{q.id}: answer"


def test_shipped_corpus_files_are_honest_summaries() -> None:
    for path in sorted((REPO / "corpus").glob("*.md")):
        doc = load_document(path)
        assert {"title", "type", "date", "source_kind"} <= doc.fields.keys(), path.name
        assert doc.fields["type"] == "Überblick"
        assert "kein amtlicher Text" in doc.text, path.name
        for paragraph in doc.text.split("\n\n"):
            if len(paragraph.split()) > 25 and "kein amtlicher Text" not in paragraph:
                # a paragraph that states facts names its source
                assert re.search(r"Quelle: https?://", paragraph), (path.name, paragraph[:80])


def test_sources_manifest() -> None:
    sources = tomllib.loads((REPO / "corpus" / "sources.toml").read_text(encoding="utf-8"))
    entries = sources["source"]
    assert len(entries) >= 10
    for entry in entries:
        assert entry["url"].startswith(("http://", "https://"))
        assert entry["title"] and entry["publisher"]
        assert entry["kind"] in {"Land", "Kommune", "Presse"}
