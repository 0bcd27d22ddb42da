# Two commands for a fresh machine: `make run` and `make test`.
# Everything else here is a step they depend on.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export FLASK_APP := app
export SUARA_ENV ?= development

.PHONY: run test setup deps vendor translations db demo lint format bench chromium clean

run: setup db demo
	$(BIN)/gunicorn -c python:app.gunicorn_config --bind 127.0.0.1:$(PORT) 'app:create_app()'

test: setup chromium
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

setup: deps vendor translations

# The venv is rebuilt only when pyproject.toml changes.
deps: $(BIN)/.installed
$(BIN)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

vendor: static/vendor/.installed
static/vendor/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	mkdir -p static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js
	touch $@

translations: deps
	$(BIN)/pybabel compile -d translations

# Extract new strings after editing templates or code, then translate both catalogs.
messages: deps
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext -o translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching --ignore-obsolete

db: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask directory load

demo: db
	PORT=$(PORT) $(BIN)/flask demo load

chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) node_modules static/vendor instance
