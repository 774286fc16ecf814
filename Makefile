# Two commands do all set-up on a fresh machine: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

.PHONY: install run test lint typecheck contracts unit bench eval clean

$(BIN)/uv:
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# Installs exactly the locked versions (uv.lock) into .venv, compiled to bytecode: with
# PYTHONDONTWRITEBYTECODE set, every `secbot` process would otherwise compile SQLAlchemy & co.
# from source again (seconds per `secbot ask`).
$(VENV)/.synced: uv.lock pyproject.toml | $(BIN)/uv
	UV_PROJECT_ENVIRONMENT=$(VENV) $(BIN)/uv sync --frozen --inexact --all-extras --quiet \
		--compile-bytecode
	touch $@

install: $(VENV)/.synced
	@$(BIN)/python -m compileall -q bot storage handlers

# The bot on 127.0.0.1:3000 with SQLite (data/secbot.db) and the seed meetings. Without a Teams
# client id, /api/messages runs in local mode (no token needed) for the Agents Playground.
TEAMS_CLIENT_ID := CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID
run: install
	@if [ -z "$$$(TEAMS_CLIENT_ID)" ] && ! grep -qs '^$(TEAMS_CLIENT_ID)=..*' .env; then \
		export CONNECTIONS__SERVICE_CONNECTION__SETTINGS__ANONYMOUS_ALLOWED=true; fi; \
	$(BIN)/secbot serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy bot handlers storage

# The import contracts in pyproject.toml: the core imports no surface, the store no bot, and
# the core's modules import each other in no circle.
contracts: install
	$(BIN)/lint-imports

unit: install
	$(BIN)/pytest

test: lint typecheck contracts unit

# Every benchmarks/bench_*.py in turn: one JSON document with each one's floors and whether
# they hold (exit 1 if any does not); not part of `make test`. One: `make bench B=bench_feeds`.
bench: install
	@$(BIN)/python benchmarks/run.py $(B)

# The shared dev questions against the CLI.
eval: install
	SECBOT_ASK="$(BIN)/secbot ask" python3 ../shared/eval/check_questions.py ../shared/eval/dev_questions.json -v

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
