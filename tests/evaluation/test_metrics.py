"""Metrics on hand-made outcomes whose values are known."""

import pytest

from assistant.evaluation.metrics import Outcome, summarize


def outcome(qid: str, ranked: list[str], relevant: set[str], answerable: bool = True,
            answered: bool | None = True, correct: bool = False) -> Outcome:
    return Outcome(qid=qid, kind="fact", answerable=answerable, ranked_passages=ranked,
                   ranked_docs=ranked, relevant_passages=relevant, relevant_docs=relevant,
                   latency_ms=10.0, answered=answered, answer_correct=correct,
                   citation_supported=correct)


def test_ranking_metrics() -> None:
    result = summarize([
        outcome("a", ["x", "y"], {"x"}, correct=True),   # rank 1
        outcome("b", ["y", "x"], {"x"}),                 # rank 2
        outcome("c", ["y", "z"], set()),                 # no relevant passage at all: counts 0
    ])
    assert result["passage_hit_at_1"] == pytest.approx(1 / 3)
    assert result["passage_hit_at_3"] == pytest.approx(2 / 3)
    assert result["passage_mrr_at_10"] == pytest.approx((1 + 0.5 + 0) / 3)
    assert result["answer_correctness"] == pytest.approx(1 / 3)


def test_abstention_metrics() -> None:
    result = summarize([
        outcome("p1", ["x"], {"x"}, answered=True, correct=True),
        outcome("p2", ["x"], {"x"}, answered=False),                   # false abstention
        outcome("n1", ["x"], set(), answerable=False, answered=False),  # right abstention
        outcome("n2", ["x"], set(), answerable=False, answered=True),   # should have abstained
    ])
    assert result["abstention_recall"] == pytest.approx(0.5)
    assert result["abstention_precision"] == pytest.approx(0.5)
    assert result["false_abstention"] == pytest.approx(0.5)


def test_retrieval_only_systems_have_no_answer_metrics() -> None:
    result = summarize([outcome("a", ["x"], {"x"}, answered=None)])
    assert result["answer_correctness"] is None and result["passage_hit_at_1"] == 1.0


def test_ratio_gate_compares_against_the_baseline_of_the_same_run() -> None:
    from assistant.evaluation.runner import SetResult, _ratio_violations

    result = SetResult("corpus", summary={"kim-lexical": {"passage_mrr_at_10": 0.8},
                                          "llamaindex-bm25": {"passage_mrr_at_10": 0.8}})
    rule = {"system": "kim-lexical", "baseline": "llamaindex-bm25", "metric": "passage_mrr_at_10",
            "min": 1.1}
    assert "Mindestverhältnis" in _ratio_violations(result, [rule])[0]
    result.summary["kim-lexical"]["passage_mrr_at_10"] = 0.9
    assert _ratio_violations(result, [rule]) == []
    del result.summary["llamaindex-bm25"]
    assert _ratio_violations(result, [rule]) == []  # baseline not run: nothing to compare


def test_echo_is_the_share_of_answers_that_quote_a_question() -> None:
    echoed = outcome("e", ["x"], {"x"})
    echoed.echo = True
    result = summarize([echoed, outcome("a", ["x"], {"x"}, correct=True),
                        outcome("s", ["x"], {"x"}, answered=False)])
    assert result["echo"] == pytest.approx(0.5)  # one of the two answers given


@pytest.mark.parametrize(("quote", "doc_type", "asks"), [
    ("12. Wer sitzt in dem Steuerungsgremium EU-Zuwanderung?", "Anfrage", True),
    ("Wie viele Stellen sind besetzt?", "Mitteilungsvorlage", True),  # repeated in the answer
    ("3. Welche Trager sind beteiligt", "Anfrage", True),  # OCR lost the question mark
    ("3. Beteiligt sind Caritas und AWO.", "Mitteilungsvorlage", False),
    ("Es sind 12,5 Stellen besetzt.", "Anfrage", False),
])
def test_question_sentences(quote: str, doc_type: str, asks: bool) -> None:
    from assistant.evaluation.gold import is_question_sentence

    assert is_question_sentence(quote, doc_type) is asks


def test_a_two_document_answer_counts_where_the_passages_together_hold_it() -> None:
    from assistant.evaluation.gold import GoldQuestion
    from assistant.evaluation.systems import Passage, _relevant

    question = GoldQuestion("q", "Wie viele Stellen 2022 und 2024?", ("a", "b"),
                            (("10,0",), ("12,5",)), "two_docs")
    passages = [Passage("p1", "2022: 10,0 VZÄ", "a"), Passage("p2", "Anderes", "c"),
                Passage("p3", "2024: 12,5 VZÄ", "b")]
    ranked = [(p.id, p.text) for p in passages]
    assert _relevant(passages, question, ranked) == {"p3"}  # complete at rank 3
    assert _relevant(passages, question, ranked[:2]) == set()  # never complete: not retrieved


def test_an_unseen_set_is_reported_in_aggregate_only(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from assistant.evaluation.gold import GoldQuestion
    from assistant.evaluation.report import UNSEEN_NOTE, write_json, write_report
    from assistant.evaluation.runner import SetResult

    question = GoldQuestion("t1", "Geheime Testfrage zu Hagen?", ("x",), (("42",),), "fact")
    wrong = outcome("t1", ["y"], {"x"}, answered=False)
    wrong.reason = "no_sentence"
    results = [SetResult(name, summary={"kim-lexical": summarize([wrong])},
                         outcomes={"kim-lexical": [wrong]}, questions=[question], role=role)
               for name, role in (("offen", "dev"), ("zu", "test"))]
    report = write_report(results, tmp_path, "kim-lexical").read_text(encoding="utf-8")
    dev_part, test_part = report.split("| Art (zu", 1)
    assert "Geheime Testfrage" in dev_part and "Geheime Testfrage" not in test_part
    assert UNSEEN_NOTE in test_part and "| no_sentence | 1 | 0 |" in test_part  # the tally stays
    write_json(results, tmp_path / "run.json")
    assert (tmp_path / "run.json").read_text(encoding="utf-8").count("Geheime") == 0
