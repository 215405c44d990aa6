"""Time zones as teams write them: IANA names in any case, or common abbreviations."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rollout_manager.reading.vocabulary import TIMEZONE_ABBREVIATIONS

# The one table of zone abbreviations (reading.vocabulary), plus the offset some write for BST.
_ABBREVIATIONS: dict[str, str] = {**TIMEZONE_ABBREVIATIONS, "GMT+1": "Europe/London"}


def resolve_timezone(name: str) -> ZoneInfo:
    """Return the time zone for an IANA name (``America/New_York``) or a common abbreviation.

    Abbreviations map to a representative zone: EST/EDT/ET -> America/New_York,
    CST/CT -> America/Chicago, MST/MT -> America/Denver, PST/PT ->
    America/Los_Angeles, UTC/GMT -> UTC, CET/CEST -> Europe/Berlin, BST/GMT+1
    -> Europe/London, IST -> Asia/Kolkata, JST -> Asia/Tokyo, AEST ->
    Australia/Sydney. IANA names are also matched regardless of case.

    Raises:
        ValueError: The name is neither.
    """
    text = name.strip()
    alias = _ABBREVIATIONS.get(text.upper())
    if alias is not None:
        return ZoneInfo(alias)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    folded = {zone.casefold(): zone for zone in available_timezones()}
    if text.casefold() in folded:
        return ZoneInfo(folded[text.casefold()])
    raise ValueError(f"unknown time zone {name!r}: use an IANA name such as America/New_York")
