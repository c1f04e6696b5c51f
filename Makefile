# Tasks for working on complaintctl (see CONTRIBUTING.md). `make` alone lists them.
PY := .venv/bin/python

.PHONY: help venv test test-fast lint fmt typecheck bench bench-quick ci

help:
	@echo "make venv        create .venv with the package and its test tools"
	@echo "make test        the whole suite, on SQLite and (when reachable) PostgreSQL"
	@echo "make test-fast   SQLite only, without the tests marked slow: the loop while editing"
	@echo "make lint        ruff (lint + format check) and mypy"
	@echo "make fmt         ruff format and the fixes ruff can make"
	@echo "make bench       bench/run (1,000 / 100,000 / 1,000,000 complaints)"
	@echo "make bench-quick bench/run --quick (what CI runs)"
	@echo "make ci          exactly what CI runs (.ci/run; installs Debian packages)"

venv: .venv/bin/complaintctl
.venv/bin/complaintctl: pyproject.toml
	python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'

test: venv
	$(PY) -m pytest -q

test-fast: venv
	COMPLAINTCTL_TEST_ENGINES=sqlite $(PY) -m pytest -q -m "not slow" -n auto

lint: venv
	$(PY) -m ruff check src tests bench
	$(PY) -m ruff format --check src tests bench
	$(PY) -m mypy

fmt: venv
	$(PY) -m ruff check --fix src tests bench
	$(PY) -m ruff format src tests bench

typecheck: venv
	$(PY) -m mypy

bench: venv
	bench/run

bench-quick: venv
	bench/run --quick

ci:
	bash .ci/run
