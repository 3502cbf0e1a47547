"""Kept conversations and frozen answers on disk: given back to their owner only, private files,
forged or damaged ones read as "none", old ones removed."""

import os
import time
from pathlib import Path

from assistant.answer.models import Answer, Passage, answer_from_json
from assistant.ui.render import Turn
from assistant.ui.saved import SavedStore


def _turn(question: str = "Wer leitet KIM?") -> Turn:
    cited = Passage(n=1, chunk_id="c1", source="bericht.pdf", title="Bericht", page=3,
                    text="Frau Beispiel leitet KIM.", score=0.9, body="Kreis Kleve",
                    date="2024-03-05", doc_type="Vorlage", reference="XI/2024/0187",
                    quotes=["Frau Beispiel leitet KIM."])
    answer = Answer(question=question, answer="Frau Beispiel leitet KIM. [1]", abstained=False,
                    retrieval="lexical", citations=[cited], passages=[cited],
                    stand_ins={"leitet": ["Leitung"]})
    return Turn(question, answer)


def test_an_answer_reads_back_as_it_was_written() -> None:
    answer = _turn().answer
    assert answer_from_json(answer.to_json()) == answer
    # A file from a newer version with fields this one does not know still reads.
    newer = {**answer.to_json(), "kuenftig": 1}
    newer["citations"] = [{**newer["citations"][0], "kuenftig": 2}]
    assert answer_from_json(newer).citations == answer.citations


def test_a_conversation_is_given_back_to_its_owner_in_its_role_only(tmp_path: Path) -> None:
    store = SavedStore(tmp_path, keep_days=90)
    kept = store.new_id()
    store.save_conversation(kept, "anna", "rat", [_turn(), _turn("Und 2023?")])
    turns = store.load_conversation(kept, "anna", "rat")
    assert turns is not None and [t.question for t in turns] == ["Wer leitet KIM?", "Und 2023?"]
    assert turns[0].answer == _turn().answer
    assert store.load_conversation(kept, "bert", "rat") is None
    assert store.load_conversation(kept, "anna", "oeffentlich") is None  # role taken away
    path = tmp_path / "gespraeche" / f"{kept}.json"
    assert path.stat().st_mode & 0o777 == 0o600
    assert not list(path.parent.glob(".neu-*"))  # written whole, no temporary file left


def test_forged_damaged_and_old_files_read_as_none(tmp_path: Path) -> None:
    store = SavedStore(tmp_path, keep_days=30)
    for forged in ("../../benutzer", "", "x" * 22 + "\n", "AAAAAAAAAAAAAAAAAAAAAA"):
        assert store.load_conversation(forged, "anna", "rat") is None
        assert store.frozen(forged) is None
    damaged = store.new_id()
    store.save_conversation(damaged, "anna", "rat", [_turn()])
    (tmp_path / "gespraeche" / f"{damaged}.json").write_text('{"besitzer": "anna", "rolle": '
                                                             '"rat", "verlauf": [{"frage": 1}]}')
    assert store.load_conversation(damaged, "anna", "rat") is None
    frozen = store.freeze(_turn(), "2024-03-05T10:00:00+01:00", ["rat"])
    assert store.frozen(frozen) is not None
    old = time.time() - 31 * 86400
    os.utime(tmp_path / "antworten" / f"{frozen}.json", (old, old))
    SavedStore(tmp_path, keep_days=30)  # opening the store removes what is past its time
    assert store.frozen(frozen) is None
    assert store.load_conversation(damaged, "anna", "rat") is None
