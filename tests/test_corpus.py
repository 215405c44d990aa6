"""The reader on the corpus: every hand-written expected fact of every case.

Tuning cases must all pass. Held-out cases were written before the reader was
tuned and scored only at the end; one that fails is marked xfail with its
reason, never edited to pass. The second held-out set (`heldout2`) was written
by another engineer after the reader existed and committed before its first
score (34/44 facts, 77%, on its first run). Its failure reasons (not its documents)
were seen before the reading2 fixes, so its later score (41/44) is optimistic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.corpus.score import HELDOUT, HELDOUT2, TUNING, cases, score_case

if TYPE_CHECKING:
    from pathlib import Path

# Tuning cases written before the reader could read them (strict: emptied as they pass).
TUNING_FAILURES: dict[str, str] = {}
# Held-out cases the reader gets wrong, with why (strict: a fix makes them fail loudly).
HELDOUT_FAILURES: dict[str, str] = {}
HELDOUT2_FAILURES: dict[str, str] = {
    "push-delivery": "'one push in two thousand failed to deliver (0.05%)' in prose is not read "
    "as the error rate",
    "sms-provider": "the traffic of 'SMS volume is about 1.4 million messages a week. Delivery "
    "failures: 1.1 per cent.' is not read (its other facts are)",
}


def _params(root: Path) -> list[object]:
    params: list[object] = []
    for case in cases(root):
        failures = {
            TUNING: TUNING_FAILURES,
            HELDOUT: HELDOUT_FAILURES,
            HELDOUT2: HELDOUT2_FAILURES,
        }.get(root, {})
        reason = failures.get(case.name)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        params.append(pytest.param(case, id=f"{root.name}/{case.name}", marks=marks))
    return params


def test_the_corpus_is_big_enough() -> None:
    assert len(cases(TUNING)) >= 20
    assert len(cases(HELDOUT)) >= 5
    assert len(cases(HELDOUT2)) >= 6


@pytest.mark.parametrize("case", _params(TUNING) + _params(HELDOUT) + _params(HELDOUT2))
def test_case_reads_to_its_expected_facts(case: Path) -> None:
    wrong = [f"{c.fact}: {c.detail}" for c in score_case(case) if not c.ok]
    assert not wrong, "\n".join(wrong)
