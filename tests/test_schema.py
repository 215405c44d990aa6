"""The published JSON Schema of RolloutPlan stays in step with the model."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from typing import TYPE_CHECKING

from jsonschema import Draft202012Validator

from rollout_manager.planning.plan import plan_folder
from rollout_manager.schema import plan_json_schema, published_schema_text, schema_text
from tests.conftest import SEED_DIR, RunCli

if TYPE_CHECKING:
    from pathlib import Path


def test_committed_schema_matches_the_model() -> None:
    assert published_schema_text() == schema_text(), (
        "src/rollout_manager/rollout-plan.schema.json is stale: regenerate it with "
        "`make golden` and review the diff"
    )


def test_schema_is_valid_and_describes_every_contract_field() -> None:
    schema = plan_json_schema()
    Draft202012Validator.check_schema(schema)
    stage = schema["$defs"]["Stage"]["properties"]
    for field in (
        "traffic_percent",
        "duration_hours",
        "expected_transactions",
        "detectable_error_rate",
        "success_criteria",
        "start",
        "end",
    ):
        assert stage[field].get("description"), field


def test_seed_plan_validates_against_the_published_schema() -> None:
    plan = plan_folder(SEED_DIR, start=date(2026, 12, 1), today=date(2026, 11, 27))
    schema = json.loads(published_schema_text())
    errors = list(Draft202012Validator(schema).iter_errors(plan.model_dump(mode="json")))
    assert errors == []


def test_rollout_schema_prints_it(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("schema", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == json.loads(published_schema_text())


def test_the_schema_is_the_same_after_a_plan_was_built_first() -> None:
    """Models built before the schema is made are rebuilt with every field's description.

    A fresh interpreter plans the seed first (building the models without descriptions),
    then makes the schema: it must equal the committed one, which `make golden` writes from
    an interpreter that built nothing before.
    """
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from rollout_manager.planning.plan import plan_folder\n"
        "from rollout_manager.schema import schema_text\n"
        "plan_folder(Path(sys.argv[1]), start=date(2026, 12, 1), today=date(2026, 11, 27))\n"
        "sys.stdout.write(schema_text())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(SEED_DIR)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == published_schema_text()
