# Tangerang Live: `make run` starts everything, `make test` runs the whole suite.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: venv run test bench fuzz lint clean

venv: $(VENV)/.installed

# requirements-dev.lock includes the runtime lock (-r requirements.lock).
$(VENV)/.installed: requirements.lock requirements-dev.lock
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required (set PYTHON=...)"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements-dev.lock
	@touch $@

run: venv
	-@$(PY) -m tools.ensure_gammu
	$(PY) -m tools.run_platform

test: venv
	$(PY) -m tools.ensure_chromium
	$(PY) -m tools.ensure_axe
	-$(PY) -m tools.ensure_gammu
	$(PY) -m pytest

bench: venv
	@command -v wrk >/dev/null || { test "$$(id -u)" = 0 && apt-get install -y -q wrk; } \
	  || { echo "make bench needs wrk: sudo apt-get install wrk"; exit 1; }
	$(PY) -m tools.bench

# Random fuzzing of every operation for about SECONDS (CI runs a fixed, derandomized budget).
SECONDS ?= 300
fuzz: venv
	FUZZ_RANDOM=1 FUZZ_SECONDS=$(SECONDS) $(PY) -m pytest tests/e2e/test_fuzz.py -q -rf -p no:cacheprovider

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .data
