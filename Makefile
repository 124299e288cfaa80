# The two commands a newcomer needs: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3

.PHONY: help test demo bench lint stress

help:
	@echo "make demo   serve Odoo on http://127.0.0.1:8069 with the addon connected to the sandbox"
	@echo "make test   run every test (Odoo's test runner, then pytest); one summary line"
	@echo "make bench  run the benchmarks"
	@echo "make lint   ruff, ruff format --check, pylint-odoo (OCA mandatory), prettier (XML), README.rst"
	@echo "make stress the reliability suite against a real --workers 2 server; one figure a line"

test:
	@tools/run_tests.sh

demo:
	@$(PYTHON) tools/demo.py

bench:
	@$(PYTHON) -m pytest benchmarks -q -p no:cacheprovider

lint:
	@tools/lint.sh

stress:
	@$(PYTHON) tools/stress.py
