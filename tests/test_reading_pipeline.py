"""The reading pipeline: statements, quantities, typed metrics, traffic, and numbers refused.

Expected values are worked out by hand in each test (e.g. 350 per second is
350 × 86,400 = 30,240,000 a day).
"""

from __future__ import annotations

from datetime import date

import pytest

from rollout_manager.errors import InputError
from rollout_manager.planning.plan import plan_folder
from rollout_manager.reading.context import read_context
from rollout_manager.reading.quantities import NumberError, find_quantities
from rollout_manager.reading.statements import read_statements
from tests.conftest import SEED_DIR, WriteContext

SEED_FEATURE = (SEED_DIR / "feature-description.md").read_text(encoding="utf-8")
SEED_BASELINE = (SEED_DIR / "baseline-metrics.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("245ms", "duration", 245.0),
        ("1.2s", "duration", 1200.0),
        ("4 min", "duration", 240_000.0),
        ("about three hundred ms", "duration", 300.0),
        ("0.3 per cent", "fraction", 0.003),
        ("8 per 10,000", "fraction", 0.0008),
        ("80 bps", "fraction", 0.008),
        ("1.5e-1%", "fraction", 0.0015),
        ("350 per second", "count", 30_240_000.0),
        ("9,000 per hour", "count", 216_000.0),
        ("~1.5 mn a day", "count", 1_500_000.0),
        ("12M per day", "count", 12_000_000.0),
        ("1,200 messages/min", "count", 1_728_000.0),
        ("€120", "money", 120.0),
        ("3 per thousand", "fraction", 0.003),
        ("12 out of 10,000 jobs", "fraction", 0.0012),
        ("4.2k rpm", "count", 6_048_000.0),
        ("15 rps", "count", 1_296_000.0),
        ("900 qps", "count", 77_760_000.0),
    ],
)
def test_quantities_read_in_model_units(text: str, kind: str, value: float) -> None:
    [quantity] = find_quantities(text)
    assert quantity.kind == kind
    assert quantity.value == pytest.approx(value)


def test_a_count_names_what_it_counts() -> None:
    [quantity] = find_quantities("roughly 1,200 deletion requests a day")
    assert (quantity.value, quantity.noun, quantity.approximate) == (
        1200.0,
        "deletion requests",
        True,
    )


@pytest.mark.parametrize(
    ("text", "noun"), [("4.2k rpm", "requests"), ("900 qps", "queries"), ("20 tps", "transactions")]
)
def test_a_rate_abbreviation_names_what_it_counts(text: str, noun: str) -> None:
    [quantity] = find_quantities(text)
    assert (quantity.noun, quantity.per_day) == (noun, True)


@pytest.mark.parametrize("text", ["1e309%", "1e-400%", "-0.8%", "-15,000", "1" * 100])
def test_impossible_numbers_are_refused(text: str) -> None:
    with pytest.raises(NumberError):
        find_quantities(text)


@pytest.mark.parametrize("text", ["1-7 July", "11am-2pm EST", "UTC-5", "p95-latency 3"])
def test_dashes_that_are_not_signs_are_not_refused(text: str) -> None:
    find_quantities(text)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("- Error rate: 1e309%", "out of range"),
        ("- Error rate: 1e-400%", "out of range"),
        ("- Daily transaction volume: -15,000", "negative"),
        ("- Error rate: -0.8%", "negative"),
        ("- Error rate: 100%", "below 100%"),
        ("- Error rate: 140%", "below 100%"),
        ("- Error rate: " + "9" * 1_000_000 + "%", "digits"),
    ],
)
def test_a_bad_baseline_number_is_a_one_line_error_naming_file_and_line(
    write_context: WriteContext, line: str, problem: str
) -> None:
    baseline = SEED_BASELINE.replace("- Error rate: 0.8%", line)
    with pytest.raises(InputError) as raised:
        read_context(write_context(SEED_FEATURE, baseline))
    message = str(raised.value)
    assert "baseline-metrics.md" in message and "line 10" in message and problem in message
    assert "\n" not in message and len(message) < 300


def test_cr_only_line_endings_read_the_same_facts(write_context: WriteContext) -> None:
    plain = read_context(write_context(SEED_FEATURE, SEED_BASELINE))
    classic = read_context(
        write_context(SEED_FEATURE.replace("\n", "\r"), SEED_BASELINE.replace("\n", "\r"))
    )
    assert classic.baseline == plain.baseline
    assert classic.metrics == plain.metrics
    assert classic.feature.rollback_mechanism == plain.feature.rollback_mechanism
    assert classic.baseline.error_rate is not None
    assert classic.baseline.error_rate.evidence[0].line == 10


@pytest.mark.parametrize(
    ("p95", "phrase"), [("200ms", "below the median"), ("0ms", "no request takes no time")]
)
def test_an_impossible_p95_is_warned(write_context: WriteContext, p95: str, phrase: str) -> None:
    baseline = SEED_BASELINE.replace("P95 latency: 890ms", f"P95 latency: {p95}")
    context = read_context(write_context(SEED_FEATURE, baseline))
    assert any(phrase in warning for warning in context.warnings)


def test_statements_carry_their_line_numbers() -> None:
    text = (
        "---\nowner: payments\n---\n# Title\n\nFirst sentence here. Second one\nspans lines.\n\n"
        "| Metric | Target | Current |\n|---|---|---|\n| Error rate | < 1% | 0.4% |\n"
    )
    statements = read_statements(text)
    by_text = {s.text: s for s in statements}
    assert by_text["owner: payments"].kind == "front_matter"
    assert by_text["First sentence here."].line == 6
    assert by_text["Second one spans lines."].line == 6
    row = by_text["| Error rate | < 1% | 0.4% |"]
    assert (row.line, row.label, row.value) == (11, "Error rate", "0.4%")


def test_a_team_metric_keeps_its_own_key_kind_and_direction(
    write_context: WriteContext,
) -> None:
    baseline = (
        "# Consumer\n\n- Consumer lag: 4 s\n- Crash-free sessions: 99.6%\n- Logins: 4,500/day\n"
    )
    context = read_context(write_context(SEED_FEATURE, baseline))
    metrics = {m.key: m for m in context.metrics}
    assert (metrics["consumer_lag"].kind, metrics["consumer_lag"].value) == ("lag", 4000.0)
    assert metrics["consumer_lag"].direction == "higher_is_worse"
    assert metrics["crash_free_sessions"].direction == "higher_is_better"
    assert context.traffic is not None
    assert (context.traffic.unit, context.traffic.per_day) == ("logins", 4500.0)


def test_the_plan_speaks_in_the_teams_traffic_unit(write_context: WriteContext) -> None:
    baseline = "# Login baseline\n\n- Logins: 4,500 per day\n- Login error rate: 2.1%\n"
    folder = write_context(
        SEED_FEATURE.replace("~15,000 daily transactions", "all logins"), baseline
    )
    plan = plan_folder(folder, today=date(2026, 2, 2))
    assert (plan.traffic.unit, plan.traffic.per_day) == ("logins", 4500.0)
    assert plan.baseline.daily_transactions == 4500.0
    assert plan.baseline.error_rate == pytest.approx(0.021)


def test_a_named_freeze_keeps_every_stage_out(write_context: WriteContext) -> None:
    feature = SEED_FEATURE + "\n## Timing\nNo launches during the spring sale, 2-13 March.\n"
    folder = write_context(feature, SEED_BASELINE)
    plan = plan_folder(folder, start=date(2026, 3, 2), today=date(2026, 2, 2))
    freeze_start, freeze_end = date(2026, 3, 2), date(2026, 3, 13)
    assert plan.stages[0].start.date() > freeze_end
    assert any("spring sale" in text for text in plan.schedule.freezes)
    for stage in plan.stages:
        assert not freeze_start <= stage.start.date() <= freeze_end


def test_an_exponent_is_part_of_the_number(write_context: WriteContext) -> None:
    baseline = SEED_BASELINE.replace("- Error rate: 0.8%", "- Error rate: 1.5e-1%")
    context = read_context(write_context(SEED_FEATURE, baseline))
    # 1.5e-1% = 0.15% = 0.0015, not the "1.5" (150%) the digits alone would say.
    assert context.baseline.error_rate is not None
    assert context.baseline.error_rate.value == pytest.approx(0.0015)


def test_several_statements_on_one_item_are_read_apart() -> None:
    statements = read_statements("- Volume: 40k jobs a day. Job failures: 0.8%. P95: approx. 2 s\n")
    assert [(s.label, s.value) for s in statements] == [
        ("Volume", "40k jobs a day."),
        ("Job failures", "0.8%."),
        ("P95", "approx. 2 s"),
    ]


@pytest.mark.parametrize(
    ("sentence", "key", "direction"),
    [
        ("Delivery failures: 0.7%.", "error_rate", "higher_is_worse"),
        ("About one push in a thousand failed to deliver (0.1%).", "error_rate", "higher_is_worse"),
        ("Successful deliveries: 99.2%.", "success_rate", "higher_is_better"),
        ("It answers in 420 ms at p95.", "p95_latency_ms", "higher_is_worse"),
        ("1.1 s at the 99th percentile.", "p99_latency_ms", "higher_is_worse"),
    ],
)
def test_failure_words_and_trailing_percentiles_name_the_metric(
    write_context: WriteContext, sentence: str, key: str, direction: str
) -> None:
    folder = write_context(SEED_FEATURE, f"# Numbers\n\nWe send 2,000 pushes a day. {sentence}\n")
    metrics = {m.key: m for m in read_context(folder).metrics}
    assert key in metrics, sorted(metrics)
    assert metrics[key].direction == direction
