"""The published JSON Schema of `RolloutPlan`."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from rollout_manager import model as model_package
from rollout_manager.model import RolloutPlan

if TYPE_CHECKING:
    from types import ModuleType

SCHEMA_ID = "urn:rollout-manager:schema:rollout-plan:1"
SCHEMA_FILE = "rollout-plan.schema.json"


@cache
def attach_field_docstrings() -> None:
    """Copy each field's docstring into its description (and so into the JSON Schema).

    Called by `plan_json_schema`, not on import: only a schema reads the descriptions,
    and parsing the `model` package would cost every start about 10 ms. Every
    description is attached before any model is rebuilt to pick them up.
    """
    models: list[type[BaseModel]] = []
    for module, tree in _model_modules():
        for node in tree.body:
            if not isinstance(node, ast.ClassDef):
                continue
            model = getattr(module, node.name, None)
            if not (isinstance(model, type) and issubclass(model, BaseModel)):
                continue
            models.append(model)
            for field, doc in _field_docs(node):
                info = model.model_fields.get(field)
                if info is not None and info.description is None:
                    info.description = doc
    for model in models:
        if not getattr(model, "__pydantic_generic_metadata__", {}).get("parameters"):
            model.model_rebuild(force=True)


def _model_modules() -> list[tuple[ModuleType, ast.Module]]:
    """List the modules of the `model` package with their syntax, each after the ones it imports.

    A rebuilt model copies the schemas of the models its fields use as they are then, so
    those are rebuilt first: in each module after its imports, in the order of definition.
    """
    trees: dict[str, tuple[ModuleType, ast.Module]] = {}
    for info in sorted(pkgutil.iter_modules(model_package.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{model_package.__name__}.{info.name}")
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        trees[module.__name__] = (module, ast.parse(source))
    ordered: dict[str, tuple[ModuleType, ast.Module]] = {}

    def visit(name: str) -> None:
        if name in ordered:
            return
        for node in trees[name][1].body:
            if isinstance(node, ast.ImportFrom) and node.module in trees:
                visit(node.module)
        ordered[name] = trees[name]

    for name in trees:
        visit(name)
    return list(ordered.values())


def _field_docs(node: ast.ClassDef) -> list[tuple[str, str]]:
    docs = []
    for statement, following in zip(node.body, node.body[1:], strict=False):
        if (
            isinstance(statement, ast.AnnAssign)
            and isinstance(statement.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            docs.append((statement.target.id, " ".join(following.value.value.split())))
    return docs


def plan_json_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of `RolloutPlan`, generated from the model."""
    attach_field_docstrings()
    schema = RolloutPlan.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
    }


def published_schema_text() -> str:
    """Return the committed copy of the schema, as shipped in the package."""
    return (resources.files("rollout_manager") / SCHEMA_FILE).read_text(encoding="utf-8")


def schema_text() -> str:
    """Return the schema as it should be committed: stable key order, trailing newline."""
    return json.dumps(plan_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_published_schema() -> bool:
    """Rewrite the committed schema from the model; True when it changed."""
    from rollout_manager.storage import atomic_write_text

    path = Path(__file__).with_name(SCHEMA_FILE)
    text = schema_text()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write_text(path, text)
    return True


if __name__ == "__main__":
    print("updated" if write_published_schema() else "unchanged", SCHEMA_FILE)  # noqa: T201
