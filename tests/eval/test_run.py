"""Evaluation: metric functions on hand-made data, the set loader, thresholds and calibration,
and the smoke set through the real pipeline (the CI quality gate)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import eval as eval_cli
from assistant.cli.app import app
from assistant.errors import BadInput
from assistant.eval.evalset import Question, load_set
from assistant.eval.metrics import (
    abstention_scores,
    check_citations,
    citation_precision,
    cross_lingual,
    facts_found,
    first_rank,
    hit_at,
    mean_reciprocal_rank,
    percentile,
)
from assistant.eval.run import QuestionResult, Run, calibrate_abstention, run_eval, summarise

SMOKE = Path(__file__).resolve().parent / "smoke.yaml"
FULL = Path(__file__).resolve().parent / "questions.yaml"
runner = CliRunner()

P1 = (
    "A consecutive interpreter is booked at least 15 working days before the meeting.\n"
    "Simultaneous interpreting is booked at least 20 working days before the meeting."
)
P2 = "A gift with an estimated value above EUR 50 must be declared within five working days."


# -- ranking ---------------------------------------------------------------------------------
def test_first_rank_counts_passages_not_documents() -> None:
    retrieved = ["a", "a", "b", "c"]
    assert first_rank(retrieved, {"b"}) == 3
    assert first_rank(retrieved, {"c", "b"}) == 3
    assert first_rank(retrieved, {"z"}) is None
    assert first_rank([], {"a"}) is None


def test_hit_at_k_and_mrr() -> None:
    ranks = [1, 3, None, 6]
    assert hit_at(ranks, 1) == 0.25
    assert hit_at(ranks, 5) == 0.5
    assert mean_reciprocal_rank(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 6) / 4)
    assert hit_at([], 5) is None and mean_reciprocal_rank([]) is None


def test_cross_lingual_pools_the_languages_and_names_the_worst() -> None:
    scores = cross_lingual({"hu": [1, 2, None, 4], "de": [1, None], "fr": [6], "en": []})
    assert scores.n == 7
    assert scores.hit_at_5 == pytest.approx(4 / 7)
    assert scores.by_language == {"de": 0.5, "fr": 0.0, "hu": 0.75}
    assert (scores.worst, scores.min_hit_at_5) == ("fr", 0.0)
    empty = cross_lingual({"hu": []})
    assert (empty.n, empty.hit_at_5, empty.min_hit_at_5, empty.worst) == (0, None, None, None)


# -- facts, abstention, latency --------------------------------------------------------------
def test_facts_are_found_case_and_spacing_insensitively() -> None:
    answer = "The lowest rung is  Level\nZero, the protocol level. [1]"
    assert facts_found(answer, ["level zero", "PROTOCOL", "joint operations"]) == [
        "level zero",
        "PROTOCOL",
    ]


def test_abstention_precision_recall_positive_class_is_abstained() -> None:
    # (should abstain, did abstain): 2 right abstentions, 1 wrong one, 1 missed, 2 right answers
    pairs = [(True, True), (True, True), (False, True), (True, False)]
    pairs += [(False, False), (False, False)]
    a = abstention_scores(pairs)
    assert (a.tp, a.fp, a.fn, a.tn) == (2, 1, 1, 2)
    assert a.precision == pytest.approx(2 / 3)
    assert a.recall == pytest.approx(2 / 3)
    assert a.f1 == pytest.approx(2 / 3)


def test_abstention_undefined_cases() -> None:
    never = abstention_scores([(True, False), (False, False)])
    assert never.precision is None and never.recall == 0.0 and never.f1 == 0.0
    no_out_of_scope = abstention_scores([(False, False), (False, True)])
    assert no_out_of_scope.recall is None and no_out_of_scope.f1 is None
    assert no_out_of_scope.precision == 0.0


def test_percentile_interpolates() -> None:
    values = [10.0, 20.0, 30.0, 40.0, 100.0]
    assert percentile(values, 50) == 30.0
    assert percentile(values, 95) == pytest.approx(88.0)
    assert percentile([5.0], 95) == 5.0
    assert percentile([], 50) is None


# -- citations -------------------------------------------------------------------------------
def test_verbatim_extractive_sentences_are_supported() -> None:
    answer = (
        "A consecutive interpreter is booked at least 15 working days before the meeting. [1] "
        "A gift with an estimated value above EUR 50 must be declared within five working "
        "days. [2]"
    )
    checks = check_citations(answer, [P1, P2])
    assert [(c.n, c.exists, c.supported) for c in checks] == [(1, True, True), (2, True, True)]
    assert citation_precision(checks) == 1.0


def test_wrong_passage_missing_citation_and_unsupported_claim_are_caught() -> None:
    answer = (
        "A consecutive interpreter is booked at least 15 working days before the meeting. [2] "
        "Simultaneous interpreting is booked 20 working days ahead. [3] "
        "Interpreters are always provided free of charge by the partner. [1]"
    )
    checks = check_citations(answer, [P1, P2])
    assert [c.n for c in checks] == [2, 3, 1]
    assert [c.exists for c in checks] == [True, False, True]
    assert [c.supported for c in checks] == [False, False, False]
    assert citation_precision(checks) == 0.0


def test_paraphrase_with_high_overlap_is_supported() -> None:
    # Not a substring of the passage, but nearly all its content words are there.
    answer = "Simultaneous interpreting needs a booking 20 working days before the meeting [1]."
    (check,) = check_citations(answer, [P1])
    assert check.supported and 0.6 <= check.overlap < 1.0


def test_several_marks_share_their_sentence_and_llm_style_marks_parse() -> None:
    answer = (
        "Gifts above EUR 50 are declared within five working days [1][2]. "
        "Consecutive interpreters are booked 15 working days before the meeting [1, 2]."
    )
    checks = check_citations(answer, [P1, P2])
    assert [c.n for c in checks] == [1, 2, 1, 2]
    assert checks[0].sentence == checks[1].sentence
    assert checks[2].sentence.startswith("Consecutive interpreters")
    assert [c.supported for c in checks] == [False, True, True, False]
    assert citation_precision(checks) == 0.5


def test_no_marks_means_no_precision() -> None:
    assert check_citations("No marks here.", [P1]) == []
    assert citation_precision([]) is None


# -- calibration -----------------------------------------------------------------------------
def _q(qid: str, *, abstain: bool = False, language: str = "en") -> Question:
    return Question.model_validate(
        {
            "id": qid,
            "question": f"question {qid}?",
            "language": language,
            "category": "out-of-scope" if abstain else "doctrine",
            "expected": [] if abstain else ["doc-a"],
            "facts": [] if abstain else ["level zero"],
            "abstain": abstain,
        }
    )


def _result(
    qid: str,
    *,
    abstain: bool = False,
    evidence: float | None = 0.5,
    abstained: bool = False,
    retrieved: list[str] | None = None,
    answer: str = "Level zero is the protocol level. [1]",
    latency: float = 100.0,
    language: str = "en",
) -> QuestionResult:
    docs = retrieved if retrieved is not None else ["doc-a"]
    return QuestionResult(
        question=_q(qid, abstain=abstain, language=language),
        retrieved={"dense": docs, "lexical": docs, "hybrid": docs},
        answer=answer,
        abstained=abstained,
        evidence=evidence,
        latency_ms=latency,
    )


def test_calibration_picks_the_widest_gap_between_out_of_scope_and_answerable() -> None:
    results = [
        _result("o1", abstain=True, evidence=0.10, abstained=True),
        _result("o2", abstain=True, evidence=0.20, abstained=True),
        _result("a1", evidence=0.50),
        _result("a2", evidence=0.70),
    ]
    assert calibrate_abstention(results, current=0.42) == pytest.approx(0.35)


def test_calibration_trades_off_by_f1_and_keeps_routed_answers_fixed() -> None:
    results = [
        _result("o1", abstain=True, evidence=0.30),
        _result("o2", abstain=True, evidence=0.45),
        _result("a1", evidence=0.40),
        _result("a2", evidence=0.80),
        _result("a3", evidence=0.90),
        # A routed answer: min_evidence does not decide it, so no threshold can change it.
        _result("r1", abstain=True, evidence=None, abstained=False),
    ]
    # Abstaining below 0.625 catches both out-of-scope questions at the cost of a1: best F1.
    assert calibrate_abstention(results) == pytest.approx(0.625)


def test_calibration_without_out_of_scope_questions_keeps_the_current_value() -> None:
    assert calibrate_abstention([_result("a1"), _result("a2", evidence=0.9)], current=0.42) == 0.42


# -- the set file ----------------------------------------------------------------------------
QUESTIONS = """\
questions:
  - id: q-1
    question: What is the lowest level of cooperation?
    language: en
    category: doctrine
    expected: [levels-of-cooperation]
    facts: ["level zero"]
    abstain: false
  - id: q-2
    question: What is the capital of Australia?
    category: out-of-scope
    expected: []
    abstain: true
"""
GOOD = "version: 1\nthresholds: {hit_at_5: 0.9, dense.mrr: 0.5, latency_p95_ms: 5000}\n" + QUESTIONS


def test_shipped_sets_are_valid() -> None:
    smoke = load_set(SMOKE)
    assert 12 <= len(smoke.questions) <= 30
    assert sum(q.abstain for q in smoke.questions) >= 4
    assert smoke.thresholds
    if FULL.exists():
        assert load_set(FULL).questions


def test_good_set_loads(tmp_path: Path) -> None:
    path = tmp_path / "set.yaml"
    path.write_text(GOOD, encoding="utf-8")
    loaded = load_set(path)
    assert [q.id for q in loaded.questions] == ["q-1", "q-2"]
    assert loaded.questions[1].language == "en"
    assert loaded.thresholds == {"hit_at_5": 0.9, "dense.mrr": 0.5, "latency_p95_ms": 5000}


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (("language: en", "language: sv"), "questions[0] (q-1).language"),
        (("category: doctrine", "category: gossip"), "questions[0] (q-1).category"),
        (("expected: [levels-of-cooperation]", "expected: []"), "expected is empty"),
        (("    abstain: true", "    abstain: false"), "out-of-scope needs abstain"),
        (("id: q-2", "id: q-1"), "duplicate question id"),
        (("hit_at_5: 0.9", "hit_at_7: 0.9"), "unknown threshold 'hit_at_7'"),
        (("dense.mrr", "dense.fact_recall"), "unknown threshold 'dense.fact_recall'"),
        (("hit_at_5: 0.9", "hit_at_5: 90"), "between 0 and 1"),
        (("    abstain: false", "    abstain: false\n    colour: red"), "colour"),
        (("version: 1", "version: 2"), "version"),
        (("- id: q-1", "- id: [q-1"), "not valid YAML"),
    ],
)
def test_bad_set_is_bad_input_with_path_and_reason(
    tmp_path: Path, edit: tuple[str, str], reason: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace(*edit, 1), encoding="utf-8")
    with pytest.raises(BadInput) as info:
        load_set(path)
    assert str(path) in info.value.message
    assert reason in info.value.message


def test_missing_set_is_bad_input(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="cannot read evaluation set"):
        load_set(tmp_path / "nope.yaml")


# -- summary and thresholds ------------------------------------------------------------------
def _run(results: list[QuestionResult], thresholds: dict[str, float], modes=None) -> Run:  # type: ignore[no-untyped-def]
    return Run(
        set_path="set.yaml",
        store="store",
        k=5,
        depth=5,
        modes=modes or ["dense", "lexical", "hybrid"],
        min_evidence=0.42,
        results=results,
        thresholds=thresholds,
    )


def test_summary_scores_and_threshold_verdicts() -> None:
    results = [
        _result("a1", retrieved=["doc-a"], latency=100),
        _result("a2", retrieved=["x", "x", "doc-a"], latency=300, answer="Nothing useful. [1]"),
        _result("a3", retrieved=["x"] * 5, abstained=True, evidence=0.3, language="hu"),
        _result("o1", abstain=True, abstained=True, evidence=0.1, latency=200),
    ]
    thresholds = {
        "hit_at_5": 0.6,
        "mrr": 0.5,
        "fact_recall": 0.5,
        "abstention_recall": 1.0,
        "abstention_precision": 0.9,
        "latency_p95_ms": 250,
    }
    summary = summarise(_run(results, thresholds))
    hybrid = summary.ranking["hybrid"]
    assert hybrid.n == 3
    assert hybrid.hit_at_1 == pytest.approx(1 / 3)
    assert hybrid.hit_at_5 == pytest.approx(2 / 3)
    assert hybrid.mrr == pytest.approx((1 + 1 / 3) / 3)
    # a1 quotes its fact; a2 does not; a3 abstained, so it found nothing.
    assert summary.fact_recall == pytest.approx(1 / 3)
    assert summary.abstention.precision == 0.5 and summary.abstention.recall == 1.0
    assert summary.by_language["hu"].hit_at_5["dense"] == 0.0
    assert summary.by_language["en"].abstention_accuracy == 1.0
    verdict = {c.key: c.status for c in summary.checks}
    assert verdict == {
        "hit_at_5": "pass",
        "mrr": "fail",
        "fact_recall": "fail",
        "abstention_recall": "pass",
        "abstention_precision": "fail",
        "latency_p95_ms": "fail",
    }
    assert not summary.passed
    failed = {c.key: c.describe() for c in summary.checks if c.status == "fail"}
    assert failed["mrr"] == "mrr = 0.444, wanted >= 0.5"
    assert failed["latency_p95_ms"].startswith("latency_p95_ms = 285.0, wanted <= 250")


def test_the_worst_languages_key_fact_recall_is_a_metric_and_a_threshold() -> None:
    results = [
        _result("en1", retrieved=["doc-a"]),  # quotes its fact
        _result("hu1", retrieved=["doc-a"], language="hu"),
        _result("hu2", retrieved=["doc-a"], language="hu", answer="Nothing useful. [1]"),
        _result("fr1", retrieved=["doc-a"], language="fr"),
    ]
    summary = summarise(_run(results, {"fact_recall_min_language": 0.75, "fact_recall": 0.7}))
    assert summary.fact_recall == pytest.approx(0.75)
    assert summary.fact_recall_min_language == pytest.approx(0.5)
    assert summary.fact_recall_worst_language == "hu"
    verdict = {c.key: c.status for c in summary.checks}
    assert verdict == {"fact_recall_min_language": "fail", "fact_recall": "pass"}


def test_cross_lingual_scores_and_thresholds_per_mode() -> None:
    results = [
        _result("en1", retrieved=["x"] * 5),
        _result("hu1", language="hu"),
        _result("hu2", language="hu", retrieved=["x"] * 5),
        _result("de1", language="de"),
        _result("o1", abstain=True, abstained=True, evidence=0.1, language="fr"),
    ]
    thresholds = {"cross_lingual_hit_at_5": 0.6, "dense.cross_lingual_min_hit_at_5": 0.6}
    summary = summarise(_run(results, thresholds))
    crossing = summary.cross_lingual["hybrid"]
    # English questions and out-of-scope ones do not count: hu1, hu2 and de1 do.
    assert crossing.n == 3 and crossing.hit_at_5 == pytest.approx(2 / 3)
    assert (crossing.worst, crossing.min_hit_at_5) == ("hu", 0.5)
    assert [(c.key, c.status) for c in summary.checks] == [
        ("cross_lingual_hit_at_5", "pass"),
        ("dense.cross_lingual_min_hit_at_5", "fail"),
    ]
    rows = {row[0]: row[1:] for row in eval_cli._rows(summary)[1]}
    assert rows["hit@5 de/hu (3)"] == ["0.667"] * 3
    assert rows["hit@5 worst language"] == ["0.500 hu"] * 3


def test_thresholds_on_modes_not_run_or_metrics_not_measured_are_skipped() -> None:
    results = [_result("a1")]
    summary = summarise(_run(results, {"hit_at_5": 0.9, "abstention_recall": 0.8}, ["dense"]))
    assert [c.status for c in summary.checks] == ["n/a", "n/a"]
    assert summary.passed


# -- the real pipeline -----------------------------------------------------------------------
@pytest.mark.integration
def test_smoke_set_meets_its_thresholds(shipped) -> None:  # type: ignore[no-untyped-def]
    eval_set = load_set(SMOKE)
    run = run_eval(shipped, eval_set, set_path=str(SMOKE))
    summary = summarise(run)
    assert not run.warnings, run.warnings
    assert set(summary.ranking) == {"dense", "lexical", "hybrid"}
    assert summary.latency_p50_ms is not None and summary.latency_p50_ms > 0
    assert 0 <= summary.suggested_min_evidence <= 1
    missed = [c.describe() for c in summary.checks if c.status != "pass"]
    assert not missed, missed


@pytest.mark.integration
def test_cli_eval_json_out_and_exit_codes(  # type: ignore[no-untyped-def]
    tmp_path: Path, shipped_store: Path, embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant import service as pipeline

    def make(settings=None, **_):  # type: ignore[no-untyped-def]
        return pipeline.Assistant(settings, embedder=embedder)

    monkeypatch.setattr(pipeline, "make_assistant", make)
    eval_set = tmp_path / "set.yaml"
    eval_set.write_text("version: 1\n" + QUESTIONS, encoding="utf-8")
    out = tmp_path / "eval" / "results.json"
    args = ["eval", "--set", str(eval_set), "--store", str(shipped_store), "--json"]
    result = runner.invoke(app, [*args, "--out", str(out), "--mode", "bm25", "--mode", "fused"])
    assert result.exit_code == 0, result.output
    obj = json.loads(result.stdout)
    assert set(obj["retrieval"]) == {"lexical", "hybrid"}
    assert obj["questions"] == 2 and obj["passed"] is True
    assert obj["results"][0]["ranks"]["hybrid"] is not None
    assert obj["results"][1]["abstained"] is True
    assert {"fact_recall", "citation_precision", "latency_p95_ms"} <= set(obj["answers"])
    assert json.loads(out.read_text(encoding="utf-8")) == obj
    assert "| hit@5 |" in out.with_suffix(".md").read_text(encoding="utf-8")

    strict = tmp_path / "strict.yaml"
    strict.write_text(GOOD.replace("latency_p95_ms: 5000", "latency_p95_ms: 0.001"), "utf-8")
    result = runner.invoke(app, ["eval", "--set", str(strict), "--store", str(shipped_store)])
    assert result.exit_code == 1
    assert "threshold missed" in result.stderr and "latency_p95_ms" in result.stderr


def test_cli_bad_arguments_exit_2_before_loading_anything(tmp_path: Path) -> None:
    missing = runner.invoke(app, ["eval", "--set", str(tmp_path / "none.yaml")])
    assert missing.exit_code == 2
    (tmp_path / "s.yaml").write_text(GOOD, encoding="utf-8")
    bad_mode = runner.invoke(app, ["eval", "--set", str(tmp_path / "s.yaml"), "--mode", "magic"])
    assert bad_mode.exit_code == 2 and "unknown mode" in bad_mode.stderr
    bad_out = runner.invoke(
        app, ["eval", "--set", str(tmp_path / "s.yaml"), "--out", str(tmp_path / "r.md")]
    )
    assert bad_out.exit_code == 2


def test_empty_store_is_a_clear_error_before_any_model_work(tmp_path: Path) -> None:
    from assistant.config import Settings
    from assistant.errors import StoreError
    from assistant.service import Assistant
    from tests.fakes import FakeEmbedder

    embedder = FakeEmbedder()
    empty = Assistant(Settings(store=str(tmp_path / "store")), embedder=embedder)  # type: ignore[arg-type]
    (tmp_path / "s.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(StoreError, match="empty") as info:
        run_eval(empty, load_set(tmp_path / "s.yaml"))
    assert "liaison ingest" in (info.value.hint or "")
    assert not embedder.loaded
