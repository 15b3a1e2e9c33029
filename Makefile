# Two entry points: `make run` (the bot) and `make test` (lint, types, tests).
# Each creates .venv and installs the pinned requirements on first use.
# `make test-local-model` (not part of `make test`: it builds llama.cpp once, in
# .venv-local/, and takes minutes) runs one quiz against a real small model.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-local-model bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: requirements.txt constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(BIN)/python bot.py

test: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest

test-local-model: $(VENV)/.dev
	$(BIN)/python -m tools.local_model

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
