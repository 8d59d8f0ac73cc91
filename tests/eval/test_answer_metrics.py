"""The metrics of answers a person can act on: fragments, part coverage of compound questions,
paired-language agreement and generic-question precision, with their thresholds."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.errors import BadInput
from assistant.eval.evalset import EvalSet, Question, load_set
from assistant.eval.metrics import agrees, is_fragment, pair_agreement, parts_covered
from assistant.eval.run import QuestionResult, Run, pairs_disagreeing, summarise


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("The list is ordered as follows: [3]", True),
        ("The list is ordered as follows: [3]\n\n1. Head. [3]\n2. Deputy. [3]", False),
        ("Steps: [1]\n\n- one [1]", False),
        ("Run it like this: [1]\n\n```\nliaison check\n```\n[1]", False),
        ("The order is this: [2]\n\nA paragraph, not a list. [2]", True),
        ("A whole sentence. [1] Another one. [2]", False),
    ],
)
def test_fragments(text: str, fragment: bool) -> None:
    assert is_fragment(text) is fragment


def test_parts_covered_any_fact_of_a_part() -> None:
    answer = "Gifts above EUR 50 are declared. [1] The toast lasts one to three minutes. [2]"
    assert parts_covered(answer, [["eur 50", "declared"], ["two hours"], ["three minutes"]]) == [
        True,
        False,
        True,
    ]


def test_pairs_agree_on_the_decision_and_the_main_source() -> None:
    assert agrees((False, "gifts"), (False, "gifts"))
    assert not agrees((False, "gifts"), (False, "toasts"))
    assert not agrees((False, "gifts"), (True, None))
    assert agrees((True, None), (True, None))
    assert pair_agreement([((False, "a"), (False, "a")), ((False, "a"), (True, None))]) == 0.5
    assert pair_agreement([]) is None


def _q(qid: str, language: str = "en", **extra: Any) -> Question:
    return Question.model_validate(
        {
            "id": qid,
            "question": f"question {qid}?",
            "language": language,
            "category": "protocol",
            "expected": ["gifts"],
            "facts": ["eur 50"],
            **extra,
        }
    )


def _r(
    q: Question,
    answer: str = "Gifts up to EUR 50 are kept. [1]",
    *,
    abstained: bool = False,
    main: str | None = "gifts",
    kind: str = "etiquette",
    partner: bool = False,
) -> QuestionResult:
    return QuestionResult(
        question=q,
        retrieved={"hybrid": ["gifts"]},
        answer=answer,
        abstained=abstained,
        evidence=0.6,
        latency_ms=10.0,
        main_doc=None if abstained else main,
        main_kind=None if abstained else kind,
        names_partner=partner,
    )


def _run(results: list[QuestionResult], thresholds: dict[str, float]) -> Run:
    return Run(
        set_path="set.yaml",
        store="store",
        k=5,
        depth=5,
        modes=["hybrid"],
        min_evidence=0.4,
        results=results,
        thresholds=thresholds,
        general_docs={"gifts"},
    )


def test_summary_of_the_new_metrics_and_their_thresholds() -> None:
    parts = [{"facts": ["eur 50"]}, {"facts": ["three minutes"]}]
    en, de, hu = _q("en", pair="g"), _q("de", "de", pair="g"), _q("hu", "hu", pair="g")
    results = [
        _r(en),
        _r(de),  # agrees with its English twin
        _r(hu, abstained=True),  # disagrees
        _r(_q("c1", parts=parts)),  # one part of two covered
        _r(_q("f1"), "It is ordered as follows: [1]"),  # a fragment
        _r(_q("p1"), main="xbo-profile", kind="partner-note"),  # a partner note first
        _r(_q("p2"), main="xbo-profile", kind="partner-note", partner=True),  # names XBO: n/a
    ]
    thresholds = {"pair_agreement": 0.9, "fragment_rate": 0.0, "part_coverage": 0.5}
    summary = summarise(_run(results, thresholds))
    assert summary.pair_agreement == 0.5
    assert [r.question.id for r in pairs_disagreeing(results)] == ["hu"]
    assert summary.part_coverage == 0.5
    assert summary.fragment_rate == pytest.approx(1 / 6)
    # Five answered questions name no partner and have a general expected document; one of
    # them cites a partner note first.
    assert summary.generic_precision == pytest.approx(4 / 5)
    verdict = {c.key: (c.status, c.op) for c in summary.checks}
    assert verdict == {
        "pair_agreement": ("fail", ">="),
        "fragment_rate": ("fail", "<="),  # a maximum
        "part_coverage": ("pass", ">="),
    }


def test_an_abstained_compound_question_covers_no_part() -> None:
    parts = [{"facts": ["eur 50"]}, {"facts": ["three minutes"]}]
    result = _r(_q("c1", parts=parts), "EUR 50 three minutes", abstained=True)
    assert result.parts == [False, False]


def test_the_set_validates_parts_and_pairs(tmp_path: Any) -> None:
    with pytest.raises(ValueError, match="at least two parts"):
        _q("c1", parts=[{"facts": ["x"]}])
    one = _q("a", "de", pair="p")
    with pytest.raises(ValueError, match="one English question"):
        EvalSet(version=1, questions=[one, _q("b", "fr", pair="p")])
    bad = tmp_path / "set.yaml"
    bad.write_text(
        "version: 1\nquestions:\n"
        "  - {id: a, question: q?, category: protocol, expected: [d]}\n"
        "thresholds: {fragment_rate: 2}\n",
        encoding="utf-8",
    )
    with pytest.raises(BadInput, match="fragment_rate must be between 0 and 1"):
        load_set(bad)
