"""Domain playbooks: which the documents call for, with evidence, and what each adds.

A playbook is policy data (`playbooks:` in `data/policy.yaml`): weighted cues,
risks, metrics to watch, checklist items, rollback steps, and optionally a keep
period for the previous path and a traffic ladder. It is chosen when the weights
of the *distinct* cues found in the documents reach its `min_score`, so a word
met once in passing ("their payment history") does not make a change a
payments change. Matching is plain regular expressions: no library reads intent
better on two short documents, and the lines quoted let a reviewer judge it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rollout_manager.formatting import when
from rollout_manager.model import Evidence, PlaybookUse, RolloutContext, Stage

if TYPE_CHECKING:
    from rollout_manager.planning.policy import LadderStep, Playbook, Policy
    from rollout_manager.planning.schedule import GateCalendar

_MAX_EVIDENCE = 4
_FEATURE_FILE = "feature-description.md"


@dataclass(frozen=True)
class ChosenPlaybook:
    """A playbook and why it was chosen."""

    key: str
    book: Playbook
    score: int
    cues: tuple[str, ...]
    evidence: tuple[Evidence, ...]

    def use(self) -> PlaybookUse:
        """Return the contract record of this choice."""
        return PlaybookUse(
            key=self.key,
            title=self.book.title,
            score=self.score,
            cues=list(self.cues),
            evidence=list(self.evidence),
            risks=list(self.book.risks),
            watch=list(self.book.watch),
        )


def _match(key: str, book: Playbook, lines: list[Evidence]) -> ChosenPlaybook | None:
    score = 0
    cues: list[str] = []
    evidence: list[Evidence] = []
    for pattern, weight in sorted(book.cues.items(), key=lambda cue: -cue[1]):
        regex = re.compile(pattern, re.IGNORECASE)
        hits = [(line, found) for line in lines if (found := regex.search(line.text))]
        if not hits:
            continue
        score += weight
        cues.append(hits[0][1].group(0))
        evidence += [line for line, _ in hits if line not in evidence]
    if score < book.min_score:
        return None
    strongest = evidence[:_MAX_EVIDENCE]  # lines of the heaviest cues first
    ordered = sorted(strongest, key=lambda ev: (ev.file != _FEATURE_FILE, ev.file, ev.line))
    return ChosenPlaybook(key, book, score, tuple(dict.fromkeys(cues)), tuple(ordered))


def choose_playbooks(context: RolloutContext, policy: Policy) -> list[ChosenPlaybook]:
    """Return the playbooks whose cues the documents carry, strongest first."""
    chosen = [
        found
        for key, book in policy.active_playbooks().items()
        if (found := _match(key, book, context.lines)) is not None
    ]
    return sorted(chosen, key=lambda item: -item.score)


def playbook_ladder(chosen: list[ChosenPlaybook]) -> tuple[list[LadderStep] | None, str]:
    """Return the traffic steps the first playbook that imposes some requires, and why."""
    for item in chosen:
        if item.book.ladder is not None:
            return list(item.book.ladder), f"{item.book.title}: {item.book.ladder_reason}"
    return None, ""


@dataclass(frozen=True)
class LegacyRemoval:
    """When the previous path may go, why then, and who removes it."""

    moment: datetime
    reason: str
    owner: str


def legacy_removal(
    stages: list[Stage], chosen: list[ChosenPlaybook], gates: GateCalendar, owner: str
) -> LegacyRemoval:
    """After the bake, and after the longest keep period of a chosen playbook past 100%."""
    final = stages[-1]
    keeper = max(chosen, key=lambda item: item.book.keep_legacy_days, default=None)
    if keeper is None or keeper.book.keep_legacy_days == 0:
        return LegacyRemoval(final.end, "the end of the 100% bake", owner)
    kept = final.start + timedelta(days=keeper.book.keep_legacy_days)
    if kept <= final.end:
        return LegacyRemoval(final.end, "the end of the 100% bake", owner)
    moment = gates.next_allowed(kept)
    return LegacyRemoval(
        moment,
        f"{keeper.book.keep_legacy_days} days after 100% ({when(final.start)}): "
        f"{keeper.book.keep_legacy_reason}",
        owner,
    )
