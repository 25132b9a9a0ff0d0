# convflow: two commands do all set-up on a fresh machine.
#   make run   creates .venv, installs, migrates the SQLite file, loads the reference
#              convention with its 2025 history (no email) and a second example whose term is
#              to come, and starts the service on the embedded defaults
#   make test  creates .venv, installs what the tests need, then lint, types and tests
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
EXAMPLE := examples/convention-metropole-amp-crpv-paca-2025.toml
SECOND  := examples/convention-exemple-quartiers-nord-2027.toml

.PHONY: run test lint pytest faults bench install bytecode browser clean messages emails reads holidays

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

# convflow's own modules byte-compiled (an editable install leaves them as source): where
# PYTHONDONTWRITEBYTECODE is set, each command would otherwise compile every module it imports,
# each time (60-70 ms of `convflow status`). Quick when nothing changed.
bytecode: $(STAMP)
	@$(BIN)/python -m compileall -q states storage workflow notifications bench

install: $(STAMP) bytecode

run: $(STAMP) bytecode
	$(BIN)/convflow init
	$(BIN)/convflow import --skip-existing $(EXAMPLE)
	$(BIN)/convflow import --skip-existing --term-ahead $(SECOND)
	@echo "A fresh administrator token for the dashboard (shown once):"
	@$(BIN)/convflow token create --name "admin-$$(date +%Y%m%d-%H%M%S)" --role admin
	$(BIN)/convflow serve

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The browser tests drive Debian's Chromium (never a downloaded browser); installing it needs
# root, as on CI. Without it they are skipped, unless CONVFLOW_REQUIRE_BROWSER=1.
browser:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else echo "Chromium is not installed and cannot be here: browser tests will be skipped"; fi; }

pytest: $(STAMP) bytecode browser
	$(BIN)/pytest

test: lint pytest

# Bring the message catalogues (workflow/wording/locale) up to date with the code: new codes,
# labels and sentences arrive untranslated; `make test` fails until each has its French.
messages: $(STAMP)
	$(BIN)/python -m workflow.wording.extract

# The email gallery a legal officer reviews (docs/EMAILS.md): every email as its reader gets
# it; `make test` fails until it is regenerated after a template changes.
emails: $(STAMP)
	$(BIN)/convflow emails --sample -o docs/EMAILS.md

# The status's queries compiled for `convflow status`'s reader on the bare driver
# (storage/reads.json); `make test` fails until it is regenerated after a query or table changes.
reads: $(STAMP)
	$(BIN)/python -m storage.reads

# Metropolitan France's public holidays as the installed `holidays` computes them
# (states/holiday_table.py); `make test` fails until it is regenerated after that package changes.
holidays: $(STAMP)
	$(BIN)/python -m workflow.ops.holiday_table

# The fault-injection scenarios at full size (1 000 conventions, 25 kills...); `make test` runs
# them CI-sized. Figures are printed at the end and written to faults-report.json.
faults: $(STAMP) bytecode
	CONVFLOW_FAULTS_SCALE=full CONVFLOW_FAULTS_REPORT=faults-report.json \
	  $(BIN)/pytest tests/faults -m faults

bench: $(STAMP) bytecode
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache *.egg-info
