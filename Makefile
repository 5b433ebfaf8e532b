# Tangerang Live: `make run` starts everything, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: venv run test bench lint clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required (set PYTHON=...)"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	@touch $@

run: venv
	$(PY) -m tools.run_platform

test: venv
	$(PY) -m pytest

bench: venv
	$(PY) -m tools.bench

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .data
