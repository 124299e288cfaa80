# The two commands a newcomer needs: `make demo` and `make test` (see README.md).
# Both start from PYTHON: used as it is when it has Odoo 18.0, else tools/bootstrap.sh sets up
# .venv with Odoo 18.0 from ODOO_SRC; and from the usual PostgreSQL server, else a private
# cluster in var/pgdata that runs while they do.
SHELL := /bin/bash
PYTHON ?= python3
export PYTHON

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
	@tools/bootstrap.sh tools/demo.py

bench:
	@tools/bootstrap.sh --no-postgres -m pytest benchmarks -q -p no:cacheprovider
	@tools/bootstrap.sh tools/run_bench.py

lint:
	@tools/lint.sh

stress:
	@tools/bootstrap.sh tools/stress.py
