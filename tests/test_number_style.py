"""Decimal commas, thousands dots and digit groups: read by the document's evidence, or not at all.

Every expected value is worked out by hand from the document text in the test.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rollout_manager.reading.context import read_context
from rollout_manager.reading.number_style import in_point_decimals, number_format

if TYPE_CHECKING:
    from rollout_manager.model import RolloutContext

WriteContext = Callable[[str, str], Path]

FEATURE = "# Checkout change\n\nFlag `checkout_v2`; rollback is a flag flip.\n"


def _read(write_context: WriteContext, baseline: str) -> RolloutContext:
    return read_context(write_context(FEATURE, baseline))


def test_decimal_commas_elsewhere_make_a_dotted_count_thousands(
    write_context: WriteContext,
) -> None:
    context = _read(
        write_context,
        "# Shop\n\n- Orders per day: 12.500\n- Error rate: 0,4 %\n- P95 latency: 1,2 s\n"
        "- Average order value: €58,90\n",
    )
    assert context.traffic is not None
    assert context.traffic.per_day == 12_500
    assert context.baseline.error_rate is not None
    assert math.isclose(context.baseline.error_rate.value, 0.004)
    assert context.baseline.p95_latency_ms is not None
    assert math.isclose(context.baseline.p95_latency_ms.value, 1200)
    assert context.baseline.avg_transaction_value is not None
    assert math.isclose(context.baseline.avg_transaction_value.value, 58.90)
    # The assumption is said, with the number that shows it.
    assert any("decimal commas" in w and "`0,4`" in w for w in context.warnings)
    assert "decimal commas" in context.traffic.source


def test_a_count_noun_shows_a_dotted_number_is_thousands(write_context: WriteContext) -> None:
    context = _read(write_context, "# Shop\n\nWe take about 12.500 orders a day.\n")
    assert context.traffic is not None
    assert context.traffic.unit == "orders"
    assert context.traffic.per_day == 12_500


def test_a_dotted_number_with_no_evidence_is_not_read_and_the_reader_says_so(
    write_context: WriteContext,
) -> None:
    context = _read(write_context, "# Shop\n\n- Orders per day: 12.500\n")
    assert context.baseline.daily_transactions is None
    assert "baseline.daily_transactions" in context.missing
    notes = [w for w in context.warnings if "12.500" in w]
    assert notes == [
        (
            "baseline-metrics.md:3: `12.500` could be 12.5 or 12,500: the document shows no "
            "decimal mark; not read"
        )
    ]


def test_a_document_with_both_marks_leaves_the_unsettled_number_unread(
    write_context: WriteContext,
) -> None:
    context = _read(
        write_context, "# Shop\n\n- Orders per day: 12.500\n- Error rate: 0.4%\n- Timeouts: 1,5 %\n"
    )
    assert context.baseline.daily_transactions is None
    # Each of the other two can be read one way only, whatever the document's style.
    assert context.baseline.error_rate is not None
    assert math.isclose(context.baseline.error_rate.value, 0.004)
    assert context.baseline.timeout_rate is not None
    assert math.isclose(context.baseline.timeout_rate.value, 0.015)
    notes = [w for w in context.warnings if "`12.500`" in w]
    assert len(notes) == 1
    assert "both decimal commas" in notes[0]


def test_a_decimal_comma_is_never_a_count_of_its_integer_part(
    write_context: WriteContext,
) -> None:
    context = _read(write_context, "# API\n\n- Requests per day: 80,000\n- Failures: 0,4 %\n")
    # `0,4 %` shows decimal commas, so `80,000` could be 80 or 80 000: neither is picked.
    assert context.baseline.daily_transactions is None
    assert context.baseline.error_rate is not None
    assert math.isclose(context.baseline.error_rate.value, 0.004)
    assert all(m.value != 0 for m in context.metrics)


def test_decimal_points_keep_their_reading(write_context: WriteContext) -> None:
    context = _read(
        write_context, "# API\n\n- Requests per day: 80,000\n- Error rate: 0.4%\n- P95: 1.250 s\n"
    )
    assert context.baseline.daily_transactions is not None
    assert context.baseline.daily_transactions.value == 80_000
    assert context.baseline.p95_latency_ms is not None
    assert math.isclose(context.baseline.p95_latency_ms.value, 1250)
    assert not any("decimal" in w for w in context.warnings)


@pytest.mark.parametrize("space", ["\u202f", "\u2009", "\u00a0"])
def test_digit_groups_split_by_thin_spaces_are_one_number(
    write_context: WriteContext, space: str
) -> None:
    context = _read(write_context, f"# Search\n\n- Searches per day: 12{space}500\n")
    assert context.traffic is not None
    assert context.traffic.per_day == 12_500


def test_plain_blanks_group_digits_only_in_a_run_of_groups() -> None:
    unknown = number_format("")
    assert in_point_decimals("1 234 567 searches", unknown) == "1234567 searches"
    # One group after a blank may be two numbers ("between 5 and 10 200 ms").
    assert in_point_decimals("10 200 ms", unknown) == "10 200 ms"


def test_a_heading_number_is_no_evidence() -> None:
    assert number_format("## 2.1 Scope\n\n- Orders per day: 12.500\n").style == "unknown"
    assert number_format("- Error rate: 2.1%\n").style == "point"
    assert number_format("- Error rate: 2,1 %\n").style == "comma"
