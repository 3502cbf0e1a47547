"""Ranking metrics via ir_measures (pytrec_eval), plus answer and abstention metrics."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

RANKING = {"hit_at_1": "Success@1", "hit_at_3": "Success@3", "hit_at_5": "Success@5",
           "mrr_at_10": "RR@10", "ndcg_at_10": "nDCG@10"}
# Lower is better for these; the gate treats their thresholds as ceilings.
CEILINGS = {"false_abstention", "echo", "latency_p50_ms", "latency_p95_ms"}


@dataclass
class Outcome:
    """What one system did with one question, reduced to what the metrics need."""
    qid: str
    kind: str
    answerable: bool
    ranked_passages: list[str]  # passage ids, best first
    ranked_docs: list[str]  # file stems, best first, without repeats
    relevant_passages: set[str]  # every passage of this system's index holding the answer
    relevant_docs: set[str]
    latency_ms: float
    answered: bool | None = None  # None: the system gives no answers (a retrieval baseline)
    answer_correct: bool = False
    citation_supported: bool = False
    answer_text: str = ""
    reason: str = ""  # our systems: "answered" or why they abstained
    echo: bool = False  # the answer quotes a question that does not hold what was asked for
    # LLM answers only: generated sentences kept by the check, all generated sentences, and
    # whether the answer fell back to extractive (None: not an LLM system).
    sentences_kept: int = 0
    sentences_total: int = 0
    fallback: bool | None = None


def ranking_scores(outcomes: list[Outcome], level: str) -> dict[str, dict[str, float]]:
    """Per question and metric; questions without any relevant item score 0, not "missing"."""
    import ir_measures

    measures = {name: ir_measures.parse_measure(m) for name, m in RANKING.items()}
    qrels: list[Any] = []
    run: list[Any] = []
    for o in outcomes:
        relevant = o.relevant_passages if level == "passage" else o.relevant_docs
        ranked = o.ranked_passages if level == "passage" else o.ranked_docs
        qrels.extend(ir_measures.Qrel(o.qid, item, 1) for item in relevant)
        run.extend(ir_measures.ScoredDoc(o.qid, item, float(len(ranked) - rank))
                   for rank, item in enumerate(ranked[:10]))
    scores = {o.qid: dict.fromkeys(measures, 0.0) for o in outcomes}
    by_measure = {m: name for name, m in measures.items()}
    for metric in ir_measures.iter_calc(list(measures.values()), qrels, run):
        scores[metric.query_id][by_measure[metric.measure]] = float(metric.value)
    return scores


def summarize(outcomes: list[Outcome]) -> dict[str, float | None]:
    """All metrics over a group of questions; None where a metric does not apply."""
    positives = [o for o in outcomes if o.answerable]
    negatives = [o for o in outcomes if not o.answerable]
    result: dict[str, float | None] = {"questions": float(len(outcomes))}
    for level in ("passage", "doc"):
        scores = ranking_scores(positives, level) if positives else {}
        for name in RANKING:
            if level == "doc" and name in ("hit_at_3", "ndcg_at_10"):
                continue
            values = [s[name] for s in scores.values()]
            result[f"{level}_{name}"] = _mean(values)
    result.update(_answer_metrics(positives, negatives))
    llm = [o for o in outcomes if o.fallback is not None]
    if llm:
        total = sum(o.sentences_total for o in llm)
        result["llm_sentences_kept"] = sum(o.sentences_kept for o in llm) / total if total else None
        result["llm_fallback"] = _mean([float(bool(o.fallback)) for o in llm])
    latencies = [o.latency_ms for o in outcomes]
    result["latency_p50_ms"] = float(np.percentile(latencies, 50)) if latencies else None
    result["latency_p95_ms"] = float(np.percentile(latencies, 95)) if latencies else None
    return result


def _answer_metrics(positives: list[Outcome], negatives: list[Outcome]) -> dict[str, float | None]:
    if any(o.answered is None for o in positives + negatives):
        return dict.fromkeys(("answer_correctness", "citation_support", "abstention_precision",
                              "abstention_recall", "false_abstention", "echo"))
    answered = [o for o in positives if o.answered]
    every_answer = [o for o in positives + negatives if o.answered]
    true_abstain = sum(1 for o in negatives if not o.answered)
    false_abstain = sum(1 for o in positives if not o.answered)
    return {
        "answer_correctness": _mean([float(o.answer_correct) for o in positives]),
        "citation_support": _mean([float(o.citation_supported) for o in answered]),
        "abstention_precision": _ratio(true_abstain, true_abstain + false_abstain),
        "abstention_recall": _ratio(true_abstain, len(negatives)),
        "false_abstention": _ratio(false_abstain, len(positives)),
        # share of all answers given that quote a question back
        "echo": _ratio(sum(o.echo for o in every_answer), len(every_answer)),
    }


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return float(np.mean(values)) if values else None


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None
