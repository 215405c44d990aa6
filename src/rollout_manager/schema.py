"""The published JSON Schema of `RolloutPlan`."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from rollout_manager.model import RolloutPlan, attach_field_docstrings

SCHEMA_ID = "urn:rollout-manager:schema:rollout-plan:1"
SCHEMA_FILE = "rollout-plan.schema.json"


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `RolloutPlan`, generated from the model."""
    attach_field_docstrings()
    schema = RolloutPlan.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def published_schema_text() -> str:
    """The committed copy of the schema, as shipped in the package."""
    return (resources.files("rollout_manager") / SCHEMA_FILE).read_text(encoding="utf-8")


def schema_text() -> str:
    """The schema as it should be committed: stable key order, trailing newline."""
    return json.dumps(plan_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_published_schema() -> bool:
    """Rewrite the committed schema from the model; True when it changed."""
    from pathlib import Path

    from rollout_manager.storage import atomic_write_text

    path = Path(__file__).with_name(SCHEMA_FILE)
    text = schema_text()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write_text(path, text)
    return True


if __name__ == "__main__":
    print("updated" if write_published_schema() else "unchanged", SCHEMA_FILE)  # noqa: T201
