"""What a criterion line states, read exactly: its words, a bound, a duration, a risk level.

A scenario criterion is prose ("at least 5 stages", "rated LOW", "within 15
minutes"); the verifiers judge the plan against the numbers and levels these
parsers read from it. Number words (one to twelve) count as numbers.
"""

from __future__ import annotations

import re

from rollout_manager.model import Level
from rollout_manager.reading.vocabulary import NUMBER_WORDS

_LARGEST_WORD = 12  # criterion lines count in words up to twelve (`at least five stages`)
_NUMBER_WORDS = {word: n for word, n in NUMBER_WORDS.items() if 1 <= n <= _LARGEST_WORD}
_NUMBER = r"(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
_BOUND_BEFORE = {
    "at least": ">=",
    "no fewer than": ">=",
    "no less than": ">=",
    "minimum of": ">=",
    "more than": ">",
    "over": ">",
    "at most": "<=",
    "no more than": "<=",
    "maximum of": "<=",
    "up to": "<=",
    "within": "<=",
    "fewer than": "<",
    "less than": "<",
    "under": "<",
    "exactly": "==",
}
_BOUND = re.compile(
    r"(?<![a-z])(" + "|".join(sorted(_BOUND_BEFORE, key=len, reverse=True)) + r")\s+" + _NUMBER
)
_BOUND_AFTER = re.compile(_NUMBER + r"\s+or\s+(more|fewer|less)\b")
_DURATION = re.compile(_NUMBER + r"\s*(minutes?|mins?|hours?|hrs?|h|days?)\b")
_LEVEL_WORD = re.compile(r"(?<![a-z])(low|medium|high)(?![a-z])")
RISK_QUALIFIER = re.compile(r"(?<![a-z])(low|medium|high) risk")
NO_CANARY = re.compile(r"(?<![a-z])(?:no|not a|without a?) ?canary")


def normalize(text: str) -> str:
    """Lower case, hyphens/slashes/underscores as spaces, punctuation dropped."""
    text = re.sub(r"[-/_]", " ", text.lower())
    text = re.sub(r"[^a-z0-9%. ]", " ", text)
    return " ".join(text.split())


def has_word(text: str, word: str) -> bool:
    """`word` at the start of a word in `text` (both normalized)."""
    if not word[0].isalnum():
        return word in text
    return re.search(r"(?<![a-z0-9])" + re.escape(word), text) is not None


def _as_number(token: str) -> float:
    return float(_NUMBER_WORDS.get(token, token))


def stated_bound(text: str) -> tuple[str, float] | None:
    """Find the first `at least N` / `N or more` style bound in a normalized line."""
    before = _BOUND.search(text)
    after = _BOUND_AFTER.search(text)
    if before and (after is None or before.start() <= after.start()):
        return _BOUND_BEFORE[before.group(1)], _as_number(before.group(2))
    if after:
        return (">=" if after.group(2) == "more" else "<="), _as_number(after.group(1))
    return None


def stated_minutes(text: str) -> tuple[str, float] | None:
    """Read a bound on a duration (`at least 4 hours`) in minutes."""
    for match in _BOUND.finditer(text):
        rest = text[match.start(2) :]
        duration = _DURATION.match(rest)
        if duration:
            unit = duration.group(2)[0]
            scale = {"m": 1.0, "h": 60.0, "d": 1440.0}[unit]
            return _BOUND_BEFORE[match.group(1)], _as_number(duration.group(1)) * scale
    return None


def stated_levels(text: str) -> set[Level]:
    """Return the risk levels (LOW, MEDIUM, HIGH) a normalized line names."""
    return {Level(word.upper()) for word in _LEVEL_WORD.findall(text)}
