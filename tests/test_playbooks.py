"""Domain playbooks: chosen from what the documents say, with evidence, not from one word.

Each playbook is triggered by two small documents written in different words,
and not by a document that mentions its domain only in passing.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from rollout_manager.planning.playbooks import choose_playbooks
from rollout_manager.planning.policy import default_policy, policy_from_overrides
from rollout_manager.reading.context import read_context

if TYPE_CHECKING:
    from pathlib import Path

BASELINE = "# Baseline\n\n- Error rate: 0.5%\n- Daily volume: ~10,000 requests\n"

TRIGGERS = {
    "payments": [
        (
            "Card payments move from Adyen to Braintree.\n"
            "Refunds and chargebacks of old orders still go through the old acquirer."
        ),
        "The checkout page calls a new payment gateway.\nThe PSP contract starts in March.",
    ],
    "identity": [
        "New login service.\nPassword and MFA checks move to the identity provider.",
        "Replace our SAML single sign-on with OIDC.\nSession cookies get a new format.",
    ],
    "data_deletion": [
        (
            "A nightly GDPR erasure job deletes accounts inactive for three years,\n"
            "including their payment history and saved addresses."
        ),
        "Drop the legacy `orders_archive` table after the backfill.\nThis step is irreversible.",
    ],
    "mobile_release": [
        "iOS and Android app version 5.2.\nShips through the App Store phased release.",
        (
            "New onboarding screens in the mobile client, build number 812.\n"
            "Goes out on Google Play and TestFlight."
        ),
    ],
    "messaging": [
        (
            "Transactional email moves to a new sending domain on SendGrid.\n"
            "IP warm-up over two weeks."
        ),
        (
            "Order confirmations switch to SMS and push notifications.\n"
            "The sender reputation is watched daily."
        ),
    ],
    "ml_model": [
        (
            "New ranking model for search results, retrained weekly.\n"
            "Offline evaluation shows NDCG +3%."
        ),
        "Swap the fraud classifier for a neural network.\nInference runs on GPUs.",
    ],
}

# One passing mention of each domain, in a document about something else.
INCIDENTAL = {
    "payments": "A nightly GDPR erasure job deletes inactive accounts and their payment history.",
    "identity": "Users can export their account settings as CSV.",
    "data_deletion": "Add a Delete button to the saved-searches page.",
    "mobile_release": "The website layout adapts better to mobile screens.",
    "messaging": "The error message on the settings form is clearer.",
    "ml_model": "The data model of the settings page gets one new field.",
}


def _chosen(tmp_path: Path, body: str, name: str = "docs") -> list[str]:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "feature-description.md").write_text(
        f"# Feature: A change\n\n## What's Changing\n{body}\n", encoding="utf-8"
    )
    (folder / "baseline-metrics.md").write_text(BASELINE, encoding="utf-8")
    return [c.key for c in choose_playbooks(read_context(folder), default_policy())]


@pytest.mark.parametrize(
    ("key", "body"),
    [(key, body) for key, bodies in TRIGGERS.items() for body in bodies],
)
def test_each_playbook_is_chosen_by_documents_in_different_words(
    tmp_path: Path, key: str, body: str
) -> None:
    assert key in _chosen(tmp_path, body)


def test_the_two_triggers_of_each_playbook_share_no_cue(tmp_path: Path) -> None:
    # Different words: the cues that fired for one document are not those of the other.
    policy = default_policy()
    for key, (first, second) in TRIGGERS.items():
        cues = []
        for index, body in enumerate((first, second)):
            folder = tmp_path / f"{key}-{index}"
            folder.mkdir()
            (folder / "feature-description.md").write_text(f"# Feature\n\n{body}\n", "utf-8")
            (folder / "baseline-metrics.md").write_text(BASELINE, encoding="utf-8")
            chosen = choose_playbooks(read_context(folder), policy)
            cues.append({c.lower() for p in chosen if p.key == key for c in p.cues})
        assert cues[0] and cues[1]
        assert not cues[0] & cues[1], (key, cues)


@pytest.mark.parametrize(("key", "body"), INCIDENTAL.items())
def test_a_passing_mention_chooses_nothing(tmp_path: Path, key: str, body: str) -> None:
    assert key not in _chosen(tmp_path, body)


def test_a_chosen_playbook_quotes_the_lines_it_was_chosen_from(tmp_path: Path) -> None:
    folder = tmp_path / "login"
    folder.mkdir()
    (folder / "feature-description.md").write_text(
        "# Feature: Login\n\nNothing about it here.\nNew login service.\n"
        "Password and MFA checks move to the identity provider.\n",
        encoding="utf-8",
    )
    (folder / "baseline-metrics.md").write_text(BASELINE, encoding="utf-8")
    (chosen,) = choose_playbooks(read_context(folder), default_policy())
    quoted = {(e.file, e.line) for e in chosen.evidence}
    assert ("feature-description.md", 4) in quoted
    assert ("feature-description.md", 5) in quoted
    assert ("feature-description.md", 3) not in quoted


def test_a_team_removes_a_playbook_and_adds_its_own(tmp_path: Path) -> None:
    folder = tmp_path / "search"
    folder.mkdir()
    (folder / "feature-description.md").write_text(
        "# Feature\n\nNew ranking model for search, retrained weekly.\n"
        "Offline evaluation passed. The Elasticsearch cluster is resized.\n",
        encoding="utf-8",
    )
    (folder / "baseline-metrics.md").write_text(BASELINE, encoding="utf-8")
    policy = policy_from_overrides(
        {
            "playbooks": {
                "ml_model": None,
                "search_cluster": {
                    "title": "Search cluster",
                    "cues": {r"\belasticsearch\b": 2, r"\bcluster\b": 2},
                    "checklist": ["Snapshot of every index taken"],
                },
            }
        }
    )
    keys = [c.key for c in choose_playbooks(read_context(folder), policy)]
    assert keys == ["search_cluster"]


def test_a_mobile_release_follows_the_store_phased_release(tmp_path: Path) -> None:
    from rollout_manager.planning.plan import plan_folder

    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "feature-description.md").write_text(
        "# Feature: Onboarding v3\n\n## What is changing\n"
        "iOS and Android app version 5.2 with new onboarding screens.\n"
        "Ships through the App Store phased release.\n\n"
        "- Feature flag: onboarding_v3 (currently OFF)\n",
        encoding="utf-8",
    )
    (folder / "baseline-metrics.md").write_text(BASELINE, encoding="utf-8")
    plan = plan_folder(folder, today=date(2026, 12, 1))
    # Apple's phased release for automatic updates: 1, 2, 5, 10, 20, 50, 100% over 7 days.
    assert [s.traffic_percent for s in plan.stages] == [1, 2, 5, 10, 20, 50, 100]
    actions = " ".join(step.action for step in plan.rollback_procedure)
    assert "Halt the phased release" in actions
    assert "hotfix" in actions
