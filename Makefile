# Two commands: `make demo` plans the seed scenario offline, `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SEED   := scenarios/progressive-rollout

.PHONY: demo test lint typecheck pytest golden clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rollout plan --context $(SEED) -o rollout-plan.md

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest -q

# Regenerate the golden plan of every scenario; review the diff before committing.
golden: $(STAMP)
	$(BIN)/python -m rollout_manager.golden

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache rollout-plan.md
