# Two commands on a fresh clone: `make demo` (the full cycle on the bundled demo site)
# and `make test` (lint, types, tests). Each sets up its own virtualenv in .venv.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: install demo test lint bench clean docs

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/newsspider demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

docs: $(STAMP)
	$(BIN)/python -m newsspider.clidoc > docs/cli.md

bench: $(STAMP)
	$(BIN)/python bench/crawl.py

clean:
	rm -rf $(VENV) demo-out feeds-out .pytest_cache .mypy_cache .ruff_cache
