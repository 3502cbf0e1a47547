"""Tables (console and Markdown), the chart, and the list of failed questions with reasons."""

import json
from dataclasses import asdict
from datetime import date
from pathlib import Path

from assistant.evaluation.gold import GoldQuestion
from assistant.evaluation.metrics import Outcome
from assistant.evaluation.runner import SetResult

COLUMNS = [
    ("passage_hit_at_1", "P@1"), ("passage_hit_at_3", "P@3"), ("passage_hit_at_5", "P@5"),
    ("passage_mrr_at_10", "MRR@10"), ("passage_ndcg_at_10", "nDCG@10"), ("doc_hit_at_1", "Dok@1"),
    ("doc_mrr_at_10", "Dok-MRR"), ("answer_correctness", "Antwort"),
    ("citation_support", "Beleg"), ("abstention_precision", "Enth-P"),
    ("abstention_recall", "Enth-R"), ("false_abstention", "Fehl-Enth"), ("echo", "Echo"),
    ("latency_p50_ms", "p50 ms"), ("latency_p95_ms", "p95 ms"),
]


# How far a set's figures speak for documents nobody tuned on (role in evals/sets.toml).
ROLE_NAMES = {"tuned": "abgestimmt", "dev": "dev, darauf abgestimmt", "test": "ungesehen"}


UNSEEN_NOTE = ("Einzelne Fragen eines ungesehenen Sets werden nicht aufgeführt: es wird nur in "
               "Summen berichtet, damit niemand auf seine Fehler hin abstimmt.")


def _cell(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" if metric.endswith("_ms") else f"{value:.3f}"


def markdown_tables(results: list[SetResult]) -> str:
    lines = []
    for result in results:
        n = len(result.questions)
        negatives = sum(1 for q in result.questions if not q.answerable)
        role = ROLE_NAMES.get(result.role, result.role)
        lines += [f"### {result.name} – {role} ({n} Fragen, davon {negatives} ohne Antwort im "
                  "Korpus)", "",
                  "| System | " + " | ".join(label for _, label in COLUMNS) + " |",
                  "|---|" + "---|" * len(COLUMNS)]
        for system, summary in result.summary.items():
            cells = [_cell(m, summary.get(m)) for m, _ in COLUMNS]
            lines.append(f"| {system} | " + " | ".join(cells) + " |")
        lines += [f"*{note}*" for note in result.notes]
        lines.append("")
    return "\n".join(lines)


_LINE = [("answer_correctness", "Antwort"), ("citation_support", "Beleg"),
         ("false_abstention", "Fehl-Enth"), ("abstention_recall", "Enth-R"), ("echo", "Echo"),
         ("passage_hit_at_1", "P@1")]
# LLM answers (`kim eval --mode llm`): generated sentences the check kept, answers that fell back.
_LLM_LINE = [("llm_sentences_kept", "Sätze behalten"), ("llm_fallback", "Rückfall")]


def set_lines(results: list[SetResult], system: str) -> list[str]:
    """One line per set with what a user sees, for the gate's output."""
    lines = []
    for result in results:
        summary = result.summary.get(system, {})
        shown = _LINE + [(m, label) for m, label in _LLM_LINE if m in summary]
        cells = " · ".join(f"{label} {_cell(m, summary.get(m))}" for m, label in shown)
        lines.append(f"{result.name} ({result.role}, {len(result.questions)} Fragen, {system}): {cells}")
    return lines


def kind_table(result: SetResult, system: str) -> str:
    metrics = [("passage_hit_at_1", "P@1"), ("passage_mrr_at_10", "MRR@10"),
               ("answer_correctness", "Antwort"), ("abstention_recall", "Enth-R"),
               ("false_abstention", "Fehl-Enth")]
    lines = [f"| Art ({result.name}, {system}) | n | " + " | ".join(label for _, label in metrics) + " |",
             "|---|---|" + "---|" * len(metrics)]
    for kind, summary in result.by_kind.get(system, {}).items():
        cells = [_cell(m, summary.get(m)) for m, _ in metrics]
        lines.append(f"| {kind} | {int(summary['questions'] or 0)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def reason_table(result: SetResult, system: str) -> str:
    """How often each route was taken ("answered" or the abstention check that fired), for
    questions with and without an answer in the documents."""
    tally: dict[str, list[int]] = {}
    for outcome in result.outcomes.get(system, []):
        counts = tally.setdefault(outcome.reason or "–", [0, 0])
        counts[0 if outcome.answerable else 1] += 1
    lines = [f"| Grund ({result.name}, {system}) | mit Antwort im Korpus | ohne |", "|---|---|---|"]
    for reason, (answerable, negative) in sorted(tally.items(), key=lambda kv: -sum(kv[1])):
        lines.append(f"| {reason} | {answerable} | {negative} |")
    return "\n".join(lines)


def failures(result: SetResult, system: str) -> list[tuple[GoldQuestion, str]]:
    """Questions the system got wrong, each with the first reason that explains it."""
    by_id = {q.id: q for q in result.questions}
    found = []
    for outcome in result.outcomes.get(system, []):
        reason = _failure_reason(outcome)
        if reason:
            route = f" [{outcome.reason}]" if outcome.reason else ""
            found.append((by_id[outcome.qid], reason + route))
    return found


def _failure_reason(o: Outcome) -> str:
    answer = " ".join(o.answer_text.split())[:120]  # one line: list answers hold line breaks
    if o.echo:
        return f"Echo: zitiert eine Frage als Antwort: „{answer}“"
    if not o.answerable:
        return f"antwortet statt sich zu enthalten: „{answer}“" if o.answered else ""
    if o.answered and o.answer_correct:
        return ""
    if not o.relevant_passages:
        return "keine Passage enthält die ganze Antwort (Zerlegung/Goldsatz prüfen)"
    ranks = [i for i, pid in enumerate(o.ranked_passages) if pid in o.relevant_passages]
    if not ranks:
        return "Suche: keine passende Passage unter den ersten 10"
    if not o.answered:
        return f"enthält sich, obwohl eine passende Passage auf Rang {ranks[0] + 1} liegt"
    return f"passende Passage auf Rang {ranks[0] + 1}, aber andere Sätze gewählt: „{answer}“"


def write_report(results: list[SetResult], folder: Path, primary: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    chart = folder / "latest.png"
    _chart(results, chart)
    parts = [f"# Evaluation vom {date.today().isoformat()}", "",
             "Alle Werte aus einem Lauf von `kim eval` auf einer Maschine. Passage-Metriken zählen "
             "eine Passage als relevant, wenn sie jede Antwortgruppe enthält; LlamaIndex-Systeme "
             "liefern nur Passagen, keine Antworten.", "", markdown_tables(results), ""]
    for result in results:
        parts += [kind_table(result, primary), "", reason_table(result, primary), ""]
        wrong = failures(result, primary)
        parts += [f"Fehlgeschlagen ({result.name}, {primary}): {len(wrong)}", ""]
        if result.role == "test":  # an unseen set is reported in aggregate only
            parts.append(UNSEEN_NOTE)
        else:
            parts += [f"- `{q.id}` ({q.kind}) {q.question} — {why}" for q, why in wrong]
        parts.append("")
    parts.append(f"![Modi und Baselines]({chart.name})")
    path = folder / "latest.md"
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def _chart(results: list[SetResult], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    metrics = [("passage_hit_at_1", "Passage-Treffer@1"), ("passage_mrr_at_10", "Passage-MRR@10")]
    fig, axes = plt.subplots(1, len(results), figsize=(6 * len(results), 4), squeeze=False)
    for ax, result in zip(axes[0], results, strict=True):
        names = list(result.summary)
        width = 0.8 / len(metrics)
        for i, (metric, label) in enumerate(metrics):
            values = [result.summary[n].get(metric) or 0.0 for n in names]
            positions = [x + i * width for x in range(len(names))]
            ax.bar(positions, values, width, label=label)
        ax.set_xticks([x + width / 2 for x in range(len(names))], names, rotation=20, ha="right")
        ax.set_ylim(0, 1)
        ax.set_title(f"Gold-Set „{result.name}“")
        ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_json(results: list[SetResult], path: Path) -> None:
    data = [{"set": r.name, "role": r.role, "summary": r.summary, "by_kind": r.by_kind,
             "notes": r.notes,
             "outcomes": {} if r.role == "test" else {  # an unseen set: aggregates only
                 s: [asdict(o) | {"relevant_passages": sorted(o.relevant_passages),
                                  "relevant_docs": sorted(o.relevant_docs)} for o in os]
                 for s, os in r.outcomes.items()}}
            for r in results]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
