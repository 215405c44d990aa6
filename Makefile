# Two commands: `make demo` plans the seed scenario offline, `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SEED   := scenarios/progressive-rollout
# The tested versions of the runtime dependencies; the plugin launcher installs with them too.
CONSTRAINTS := .claude-plugin/constraints.txt

.PHONY: demo test lint typecheck pytest golden clean validator validate-plugin promtool constraints bench

# The official plugin validator is the Claude Code CLI, kept in the ignored folder .tools/.
# Pinned: `--profile` needs a 2.1.3xx release, and on Node 20 an unpinned install resolves
# to an old one (newer releases declare node >= 22; the native binary runs on 20 anyway).
CLAUDE_CODE_VERSION ?= 2.1.332
TOOLS        := .tools
CLAUDE_STAMP := $(TOOLS)/.claude-code-$(CLAUDE_CODE_VERSION)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml $(CONSTRAINTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]' -c $(CONSTRAINTS)
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/rollout plan --context $(SEED) -o rollout-plan.md

test: $(STAMP) validate-plugin lint typecheck pytest

$(CLAUDE_STAMP):
	npm install --prefix $(TOOLS) --no-audit --no-fund @anthropic-ai/claude-code@$(CLAUDE_CODE_VERSION)
	touch $@

validator: $(CLAUDE_STAMP)

# promtool validates the Prometheus exports (`promtool check rules`, `promtool test rules`);
# it comes with Debian's prometheus package, installed only when missing.
promtool:
	@command -v promtool >/dev/null 2>&1 || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus; }
	@promtool --version | head -1

validate-plugin: $(CLAUDE_STAMP)
	PATH="$(CURDIR)/$(TOOLS)/node_modules/.bin:$$PATH" claude plugin validate --strict --profile directory .

lint: $(STAMP)
	$(BIN)/ruff check src tests bench bin/rollout-mcp-launch bin/rollout
	$(BIN)/ruff format --check src tests bench bin/rollout-mcp-launch bin/rollout

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy bin/rollout-mcp-launch
	$(BIN)/mypy bin/rollout

pytest: $(STAMP)
	$(BIN)/pytest -q

# Regenerate the published schema, the holiday table and every scenario's golden plan; review the diff.
golden: $(STAMP)
	$(BIN)/python -m rollout_manager.schema
	$(BIN)/python -c "from rollout_manager.planning.us_holidays import write_table as w; print('updated' if w() else 'unchanged', 'us-federal-holidays.json')"
	$(BIN)/python -m rollout_manager.frontdoors.cli_golden

# Start-up and call speed: medians and ratios to the dependency floor, to bench/results.json.
bench: $(STAMP)
	$(BIN)/python bench/run.py

# Pin the runtime dependencies at the versions installed here (after changing pyproject.toml).
constraints: $(STAMP)
	$(BIN)/python -m tests.support.pins

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache rollout-plan.md
