"""The engines' own validators, for the export tests.

- Argo Rollouts and Flagger manifests: the official CRD `openAPIV3Schema` in
  `../shared/reference/schemas/` with unknown fields refused (Kubernetes would
  prune them silently), plus the controller rules the schema does not hold.
- flagd: `flags.json` with `targeting.json` resolved locally, then every file
  evaluated in-process by the OpenFeature SDK and the flagd provider.
- Prometheus: `promtool check rules` and `promtool test rules`.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from tests.conftest import REPO

# Beside the clone, as CI lays it out; ROLLOUT_SHARED points a git worktree elsewhere at it.
SHARED = Path(os.environ.get("ROLLOUT_SHARED") or REPO.parent / "shared")
SCHEMAS = SHARED / "reference" / "schemas"


def need_shared() -> Path:
    """The schemas folder, or a skip naming it (CI always has it)."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"{SCHEMAS} is absent: the engines' official schemas live there")
    return SCHEMAS


def promtool() -> str:
    """The promtool binary: a loud failure on CI, a skip elsewhere."""
    found = shutil.which("promtool")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("promtool is missing on CI: `make promtool` installs Debian's prometheus")
        pytest.skip("promtool is not installed (make promtool)")
    return found


def run_promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run promtool; the caller asserts on the result."""
    return subprocess.run(
        [promtool(), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


# --------------------------------------------------------------------------- CRDs


def _closed(schema: Any) -> Any:
    """The schema with `additionalProperties: false` wherever an object lists properties."""
    if isinstance(schema, dict):
        out = {key: _closed(value) for key, value in schema.items()}
        if (
            "properties" in out
            and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
        ):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


@cache
def crd_validator(file: str, kind: str) -> Draft7Validator:
    """A validator for one kind, from the served version of its CRD."""
    for doc in yaml.safe_load_all((need_shared() / file).read_text(encoding="utf-8")):
        if doc and doc["spec"]["names"]["kind"] == kind:
            version = next(v for v in doc["spec"]["versions"] if v.get("served"))
            schema = copy.deepcopy(version["schema"]["openAPIV3Schema"])
            return Draft7Validator(_closed(schema))
    raise AssertionError(f"{kind} not in {file}")


_CRDS = {
    "Rollout": "argo-rollouts/rollout-crd.yaml",
    "AnalysisTemplate": "argo-rollouts/analysis-template-crd.yaml",
    "Canary": "flagger/crd.yaml",
    "MetricTemplate": "flagger/crd.yaml",
}


def schema_errors(manifest: dict[str, Any]) -> list[str]:
    """Every CRD schema error of one manifest, with its path."""
    validator = crd_validator(_CRDS[manifest["kind"]], manifest["kind"])
    return [
        f"{manifest['kind']} {'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(manifest)
    ]


def _duration_seconds(value: object) -> float:
    if isinstance(value, int):
        return value
    text = str(value)
    units = {"s": 1, "m": 60, "h": 3600}
    return float(text[:-1]) * units[text[-1]]


def argo_rule_errors(rollout: dict[str, Any], templates: list[dict[str, Any]]) -> list[str]:
    """The rules Argo Rollouts' controller enforces beyond its schema."""
    errors = []
    names = {t["metadata"]["name"] for t in templates}
    for index, step in enumerate(rollout["spec"]["strategy"]["canary"]["steps"]):
        if len(step) != 1:
            errors.append(f"step {index}: {len(step)} actions, one allowed")
        if "setWeight" in step and not 0 <= step["setWeight"] <= 100:
            errors.append(f"step {index}: setWeight {step['setWeight']} outside 0-100")
        pause = step.get("pause")
        if pause and "duration" in pause and _duration_seconds(pause["duration"]) <= 0:
            errors.append(f"step {index}: pause duration must be > 0")
        errors.extend(
            f"step {index}: no AnalysisTemplate {ref['templateName']}"
            for ref in step.get("analysis", {}).get("templates", [])
            if ref["templateName"] not in names
        )
    for template in templates:
        for metric in template["spec"]["metrics"]:
            count = metric.get("count", 1)
            limit = metric.get("failureLimit", 0) + metric.get("consecutiveSuccessLimit", 0)
            where = f"{template['metadata']['name']}/{metric['name']}"
            if count < limit:
                errors.append(f"{where}: count {count} < failureLimit + consecutiveSuccessLimit")
            if count < metric.get("inconclusiveLimit", 0):
                errors.append(f"{where}: count {count} < inconclusiveLimit")
            if count > 1 and "interval" not in metric:
                errors.append(f"{where}: count > 1 needs an interval")
    return errors


def flagger_rule_errors(canary: dict[str, Any]) -> list[str]:
    """Flagger allows one of iterations, stepWeight (+ maxWeight) and stepWeights."""
    analysis = canary["spec"]["analysis"]
    used = [key for key in ("iterations", "stepWeight", "stepWeights") if key in analysis]
    return [] if len(used) == 1 else [f"Canary analysis uses {used}: exactly one allowed"]


# --------------------------------------------------------------------------- flagd


@cache
def flagd_validator() -> Draft7Validator:
    """`flags.json` with its `./targeting.json` resolved from the local copy."""
    folder = need_shared() / "flagd"
    flags = json.loads((folder / "flags.json").read_text(encoding="utf-8"))
    targeting = json.loads((folder / "targeting.json").read_text(encoding="utf-8"))
    # The flags schema's `$ref` siblings hide its `$id` (draft 7), so its relative
    # `./targeting.json` resolves against the local file it is registered under.
    base = (folder / "flags.json").resolve().as_uri()
    registry: Registry[Any] = Registry().with_resources(
        [
            (base, Resource.from_contents(flags)),
            (urljoin(base, "targeting.json"), Resource.from_contents(targeting)),
        ]
    )
    return Draft7Validator({"$ref": base}, registry=registry)


def served_on(path: Path, flag: str, keys: int, attributes: dict[str, Any] | None = None) -> float:
    """Share of `keys` synthetic targeting keys served `on` by the flagd provider, in-process.

    Files with the same text give the same answer, so each text is evaluated once.
    """
    key = (path.read_text(encoding="utf-8"), flag, keys, json.dumps(attributes, sort_keys=True))
    if key not in _SERVED:
        _SERVED[key] = _evaluate(path, flag, keys, attributes)
    return _SERVED[key]


_SERVED: dict[tuple[str, str, int, str], float] = {}


def _evaluate(path: Path, flag: str, keys: int, attributes: dict[str, Any] | None) -> float:
    from openfeature import api
    from openfeature.contrib.provider.flagd import FlagdProvider
    from openfeature.contrib.provider.flagd.config import ResolverType
    from openfeature.evaluation_context import EvaluationContext

    api.set_provider_and_wait(
        FlagdProvider(resolver_type=ResolverType.FILE, offline_flag_source_path=str(path))
    )
    try:
        client = api.get_client()
        on = 0
        for i in range(keys):
            context = EvaluationContext(targeting_key=f"user-{i}", attributes=attributes or {})
            details = client.get_boolean_details(
                flag, default_value=False, evaluation_context=context
            )
            # A failed evaluation returns the default silently: count it as a failure instead.
            assert details.error_code is None, f"{path.name}: {details.error_message}"
            on += details.value
    finally:
        api.shutdown()
    return on / keys


# --------------------------------------------------------------------------- a plan with decisions

# Hand-written decisions for the seed's first three stages (numbers from
# ../shared/reference/statistics.md, "Decision rules", and the issue: a smoke stage holds
# at >= 4 errors in 150 and rolls back at 3 within the first 50; the rollback-threshold
# stage rolls back at 11 within 600 or 16 within 1,000 and holds at >= 17 in 1,269).
DECISIONS: dict[int, list[dict[str, Any]]] = {
    1: [
        {
            "metric": "error_rate",
            "label": "error rate",
            "event": "errors",
            "purpose": "smoke_test",
            "baseline_rate": 0.008,
            "alternative_rate": 0.04,
            "alpha": 0.01,
            "power": 0.72,
            "gate": {"min_transactions": 150, "hold_at_errors": 4},
            "rollback_boundary": [{"n": 25, "k": 3}, {"n": 50, "k": 3}],
            "false_rollback": 0.027,
            "false_hold": 0.033,
            "description": "Roll back at 3 errors within the first 50; advance after 150 with "
            "fewer than 4",
        }
    ],
    2: [
        {
            "metric": "error_rate",
            "label": "error rate",
            "event": "errors",
            "purpose": "rollback_threshold",
            "baseline_rate": 0.008,
            "alternative_rate": 0.016,
            "advance_threshold": 0.01,
            "rollback_threshold": 0.016,
            "alpha": 0.01,
            "power": 0.8,
            "gate": {"min_transactions": 1269, "hold_at_errors": 17},
            "rollback_boundary": [{"n": 600, "k": 11}, {"n": 1000, "k": 16}],
            "false_rollback": 0.01,
            "false_hold": 0.05,
        },
        {
            "metric": "p95_latency_ms",
            "label": "P95 latency",
            "event": "requests slower than 890 ms",
            "purpose": "rollback_threshold",
            "baseline_rate": 0.05,
            "alternative_rate": 0.1,
            "alpha": 0.01,
            "power": 0.8,
            "gate": {"min_transactions": 1000, "hold_at_errors": 66},
            "rollback_boundary": [{"n": 400, "k": 36}, {"n": 1000, "k": 75}],
            "false_rollback": 0.01,
            "false_hold": 0.05,
        },
    ],
    3: [
        {
            "metric": "change_error_rate",
            "label": "error rate without card declines",
            "event": "provider errors",
            "purpose": "rollback_threshold",
            "baseline_rate": 0.0028,
            "alternative_rate": 0.0056,
            "alpha": 0.01,
            "power": 0.8,
            "gate": {"min_transactions": 2860, "hold_at_errors": 15},
            "rollback_boundary": [{"n": 2000, "k": 14}],
            "false_rollback": 0.01,
            "false_hold": 0.05,
        }
    ],
}
# "At least 5 errors among at least 300 transactions" (the example), over an hour.
WARNING_ALERT = {"window_minutes": 60, "min_transactions": 300, "min_events": 5}
CHANGE_ERRORS = "checkout_provider_errors_total"


def with_decisions(plan_json: dict[str, Any]) -> dict[str, Any]:
    """The plan with the hand-written decisions and WARNING minimum counts filled in."""
    plan = copy.deepcopy(plan_json)
    for stage in plan["stages"]:
        stage["decisions"] = copy.deepcopy(DECISIONS.get(stage["number"], []))
    for alert in plan["monitoring"]["alerts"]:
        if alert["severity"] == "WARNING" and alert["metric"] == "error_rate":
            alert.update(WARNING_ALERT)
    return plan
