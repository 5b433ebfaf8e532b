# Tangerang Live: `make run` starts everything, `make test` runs the whole suite
# (`make test-unit`: the unit tests alone, no broker or store).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
PY     := $(VENV)/bin/python

.PHONY: venv run test test-unit typecheck mutate bench fuzz lint clean

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

test: venv typecheck
	$(PY) -m tools.ensure_chromium
	$(PY) -m tools.ensure_axe
	-$(PY) -m tools.ensure_gammu
	$(PY) -m pytest

# Domains, handlers and the kit with no broker and no store: the URIs point nowhere on
# purpose, so a unit test that reaches for either fails instead of finding one.
test-unit: venv
	AMQP_URI=amqp://x:y@127.0.0.1:1/ MONGO_URI=mongodb://127.0.0.1:1/ $(PY) -m pytest tests/unit

# The kit and every domain package (config: pyproject.toml [tool.mypy]).
typecheck: venv
	$(VENV)/bin/mypy

# Mutation lane over the rule modules (pyproject.toml [tool.mutmut]) on tests/unit: killed and
# survived per module and a `mutation score:` line; not part of `make test` (minutes of CPU).
# MODULE=services/x/y.py mutates one module; JOBS=1 on a busy machine.
mutate: venv
	$(PY) -m tools.mutation_lane $(if $(MODULE),--module $(MODULE)) $(if $(SURVIVORS),--survivors)

bench: venv
	@command -v wrk >/dev/null || { test "$$(id -u)" = 0 && apt-get install -y -q wrk; } \
	  || { echo "make bench needs wrk: sudo apt-get install wrk"; exit 1; }
	$(PY) -m tools.bench

# Random fuzzing of every operation for about SECONDS (CI runs a fixed, derandomized budget).
SECONDS ?= 300
fuzz: venv
	FUZZ_RANDOM=1 FUZZ_SECONDS=$(SECONDS) $(PY) -m pytest tests/e2e/test_fuzz.py -q -rf -p no:cacheprovider

# The previous recorded release (a worktree of the commit CHANGELOG.md names) and HEAD on one
# broker, exchanging events across an upgrade (tests/compat; `make test` runs it too).
.PHONY: compat
compat: venv
	$(PY) -m pytest tests/compat

lint: venv
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) .data
