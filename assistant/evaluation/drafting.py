"""The drafting gold set (evals/drafting/gold.jsonl): does the inquiry's question list come out
as printed, and does each draft answer hold the administration's answer, or say it is open?"""

import json
import logging
import statistics
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from assistant.config import Settings
from assistant.drafting.draft import Draft, draft_answer
from assistant.drafting.inquiry import read_inquiry
from assistant.engine import Assistant
from assistant.errors import KimError
from assistant.evaluation.gold import contains_answer, is_question_sentence
from assistant.german.text import fold_for_match
from assistant.ingest.pipeline import ingest

log = logging.getLogger(__name__)
TEXT_MATCH = 0.9  # similarity of a question's text to the gold text that counts as the same
DRAFTING_CEILINGS = {"false_open", "echo"}


@dataclass
class GoldItem:
    n: str
    text: str
    answer_contains: tuple[tuple[str, ...], ...] = ()
    open: bool = False


@dataclass
class GoldInquiry:
    id: str
    file: Path
    group: str  # "seeds", "dev" or "test" (evals/sets.toml, [drafting])
    answered_by: str | None
    questions: list[GoldItem] = field(default_factory=list)


@dataclass
class DraftingResult:
    summary: dict[str, dict[str, float | None]]  # group → metrics
    details: dict[str, dict[str, Any]]  # inquiry id → what went wrong (seeds and dev only)


def load_drafting_sets(sets_file: Path) -> tuple[Path, list[Path], dict[str, list[str]]] | None:
    """(gold file, corpus folders, group → inquiry ids) from evals/sets.toml, or None."""
    if not sets_file.is_file():
        return None
    spec = tomllib.loads(sets_file.read_text(encoding="utf-8")).get("drafting")
    if not spec:
        return None
    root = sets_file.parent.parent
    return root / spec["gold"], [root / c for c in spec["corpus"]], spec["groups"]


def load_drafting_gold(path: Path, groups: dict[str, list[str]]) -> list[GoldInquiry]:
    if not path.is_file():
        raise KimError(f"Die Entwurfs-Goldliste „{path}“ existiert nicht.")
    group_of = {inquiry_id: group for group, ids in groups.items() for inquiry_id in ids}
    root = path.parent.parent.parent
    inquiries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        items = [GoldItem(str(q["n"]), q["text"],
                          tuple(tuple(g) for g in q.get("answer_contains", [])),
                          bool(q.get("open"))) for q in data["questions"]]
        inquiries.append(GoldInquiry(data["id"], root / data["file"],
                                     group_of.get(data["id"], "unassigned"),
                                     data.get("answered_by"), items))
    return inquiries


def evaluate_drafting(sets_file: Path, settings: Settings,
                      index_dir: Path | None = None) -> DraftingResult | None:
    loaded = load_drafting_sets(sets_file)
    if loaded is None:
        return None
    gold_file, corpus, groups = loaded
    gold = load_drafting_gold(gold_file, groups)
    with tempfile.TemporaryDirectory(prefix="kim-draft-") as tmp:
        settings = settings.model_copy(update={"index_dir": index_dir or Path(tmp) / "index",
                                               "corpus_dirs": corpus, "kommune": ""})
        ingest(settings, progress=False)
        assistant = Assistant.open(settings)
        rows = [_run(assistant, inquiry) for inquiry in gold]
    summary = {group: _summarize([r for r in rows if r["group"] == group]) for group in groups}
    details = {r["id"]: r["details"] for r in rows if r["group"] != "test"}
    return DraftingResult(summary, details)


def _run(assistant: Assistant, gold: GoldInquiry) -> dict[str, Any]:
    started = time.perf_counter()
    inquiry = read_inquiry(gold.file)
    parsed = {q.n: q.text for q in inquiry.questions}
    matched = [_similar(parsed.get(item.n, ""), item.text) >= TEXT_MATCH for item in gold.questions]
    row: dict[str, Any] = {"id": gold.id, "group": gold.group, "gold": len(gold.questions),
                           "found": len(inquiry.questions), "matched": matched, "answers": [],
                           "details": {"found": len(inquiry.questions),
                                       "gold": len(gold.questions),
                                       "unmatched": [i.n for i, ok in zip(gold.questions, matched,
                                                                           strict=True) if not ok]}}
    if gold.answered_by:
        row["answers"] = _judge(draft_answer(assistant, inquiry), gold)
        row["details"]["answers"] = [a for a in row["answers"] if not a["ok"]]
    row["seconds"] = time.perf_counter() - started
    return row


def _judge(draft: Draft, gold: GoldInquiry) -> list[dict[str, Any]]:
    items = {item.n: item for item in draft.items}
    judged = []
    for expected in gold.questions:
        item = items.get(expected.n)
        marked_open = item is None or item.status == "open"
        answer = "" if item is None else item.answer
        echo = item is not None and any(is_question_sentence(q, p.doc_type)
                                        for p in item.citations for q in p.quotes)
        ok = marked_open if expected.open else (not marked_open and contains_answer(
            answer, expected.answer_contains))
        judged.append({"n": expected.n, "open": expected.open, "marked_open": marked_open,
                       "echo": echo, "ok": ok, "answer": answer[:300]})
    return judged


def _similar(found: str, expected: str) -> float:
    return SequenceMatcher(None, fold_for_match(found), fold_for_match(expected)).ratio()


def _summarize(rows: list[dict[str, Any]]) -> dict[str, float | None]:
    matched = [m for r in rows for m in r["matched"]]
    answers = [a for r in rows for a in r["answers"]]
    answerable = [a for a in answers if not a["open"]]
    open_gold = [a for a in answers if a["open"]]
    given = [a for a in answers if not a["marked_open"]]
    return {
        "inquiries": float(len(rows)),
        "questions": float(len(matched)),
        "count_exact": _share([r["found"] == r["gold"] for r in rows]),
        "text_match": _share(matched),
        "answer_correctness": _share([a["ok"] for a in answerable]),
        "open_marked": _share([a["marked_open"] for a in open_gold]),
        "false_open": _share([a["marked_open"] for a in answerable]),
        "echo": _share([a["echo"] for a in given]),
        "seconds_per_inquiry": statistics.median([r["seconds"] for r in rows]) if rows else None,
    }


def _share(flags: list[bool]) -> float | None:
    return sum(flags) / len(flags) if flags else None


def check_drafting_gate(result: DraftingResult, thresholds_file: Path) -> list[str]:
    if not thresholds_file.is_file():
        return []
    limits = tomllib.loads(thresholds_file.read_text(encoding="utf-8")).get("drafting", {})
    failures = []
    for group, metrics in limits.items():
        measured = result.summary.get(group, {})
        for metric, limit in metrics.items():
            value = measured.get(metric)
            where = f"drafting/{group}/{metric}"
            if value is None:
                failures.append(f"{where}: nicht messbar (Grenze {limit:g})")
            elif metric in DRAFTING_CEILINGS and value > limit:
                failures.append(f"{where} = {value:.3f} über der Obergrenze {limit:g}")
            elif metric not in DRAFTING_CEILINGS and value < limit:
                failures.append(f"{where} = {value:.3f} unter der Untergrenze {limit:g}")
    return failures


def markdown_table(result: DraftingResult) -> str:
    names = ["count_exact", "text_match", "answer_correctness", "open_marked", "false_open", "echo",
             "seconds_per_inquiry"]
    header = ("| Gruppe | Anfragen | Fragen | Anzahl exakt | Fragetext | Antwort | Offen erkannt | "
              "Fälschlich offen | Echo | s je Anfrage |")
    lines = [header, "|" + "---|" * 10]
    for group, metrics in result.summary.items():
        cells = [_cell(metrics.get(name)) for name in names]
        lines.append(f"| {group} | {metrics['inquiries']:.0f} | {metrics['questions']:.0f} | "
                     + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}" if value <= 1 else f"{value:.1f}"
