"""What-if questions: how long a stage must run to see a regression, as tool arguments.

Read offline, like the plan changes in `changes`, whose number and stage readers it shares.
"""

from __future__ import annotations

import re
from typing import Any, Final

from rollout_manager.agent.changes import PERCENT_RE, WHAT_IF_RE, stage_number

_DETECT_RE: Final = re.compile(
    r"\b(?:catch|detect|see|notice|spot|find)\b|\bregression\b|\d\s*x\b|\btimes\b|\btwice\b"
    r"|\bdouble\b|\btriple\b|\berrors?\b",
    re.IGNORECASE,
)
_SMALLEST_MULTIPLIER: Final = 1.05  # below it ("1x") there is no regression to size for
_MULTIPLIER_RE: Final = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?)\s*(?:x|times)\b|\b(?P<word>twice|double|triple|tripled|doubled)\b",
    re.IGNORECASE,
)
_TARGET_RES: Final = (
    re.compile(r"\berror rate\b\D{0,30}?(?P<n>\d+(?:\.\d+)?)\s*(?:%|percent)", re.IGNORECASE),
    re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?:%|percent)\s+(?:error rate|errors)\b", re.IGNORECASE),
)


def what_if(text: str) -> dict[str, Any] | None:
    """Read a question on how long a stage must run, as `stage_duration` arguments."""
    if not WHAT_IF_RE.search(text):
        return None
    arguments: dict[str, Any] = {}
    target = next((m for m in (r.search(text) for r in _TARGET_RES) if m is not None), None)
    if target is not None:
        arguments["target_error_rate"] = float(target["n"]) / 100
    for match in PERCENT_RE.finditer(text):
        if target is None or match.start() != target.start("n"):
            arguments["traffic_percent"] = float(match["n"])
            break
    stage = stage_number(text)
    if stage is not None and stage > 0:
        arguments["stage"] = stage
    sized = "traffic_percent" in arguments or (
        "stage" in arguments
        and (_DETECT_RE.search(text) or re.search(r"\bneed", text, re.IGNORECASE))
    )
    if not sized:
        return None
    multiplier = _MULTIPLIER_RE.search(text)
    if multiplier is not None and target is None:
        word = (multiplier["word"] or "").lower()
        value = float(multiplier["n"]) if multiplier["n"] else (3.0 if "tripl" in word else 2.0)
        if value >= _SMALLEST_MULTIPLIER:
            arguments["multiplier"] = value
    return arguments
