# labapp: `make run` serves the site with its worker; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test lint bench install install-dev clean translations

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed $@

# Compiled catalogs (.mo) are built here, not kept in git: the .po files are the source.
MO := $(patsubst %.po,%.mo,$(wildcard labapp/translations/*/LC_MESSAGES/messages.po))
$(MO): %.mo: %.po | $(VENV)/.installed
	$(BIN)/python -m tools.translations compile

install: $(VENV)/.installed $(MO)
install-dev: $(VENV)/.installed-dev $(MO)

# After changing user-visible text: extract it, update every language's catalog, fill it from the
# fragments, compile it (README, "Languages").
translations: install-dev
	$(BIN)/python -m tools.translations

run: install
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	@echo "Serving on http://127.0.0.1:$(PORT) with the background worker (Ctrl-C stops both)."
	@trap 'kill 0' INT TERM EXIT; \
	  $(FLASK) worker --interval 5 & \
	  $(FLASK) run --host 127.0.0.1 --port $(PORT)

# Lint first, so CI (which runs `make test`) fails on a type error or a broken layer too.
test: lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff (style, bandit rules, dead noqa), mypy on labapp (settings in pyproject.toml), and the
# import-linter contracts in pyproject.toml.
lint: install-dev
	$(BIN)/ruff check labapp tests benchmarks tools config.py wsgi.py deploy
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install-dev
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache

# Browser tests save screenshots to tests/artifacts/; this refreshes the ones the README shows.
.PHONY: screenshots
screenshots: install-dev
	$(BIN)/python -m pytest tests/browser/test_screenshots.py -q
	mkdir -p docs/screenshots
	cp tests/artifacts/home-*.png tests/artifacts/session-*.png tests/artifacts/manage-*.png tests/artifacts/roster-*.png docs/screenshots/
