# Teilhabe: `make run` installs everything and serves the demo; `make test` installs everything and runs the suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMPS := .stamps
PO_FILES := $(wildcard locale/*/LC_MESSAGES/django.po locale_overrides/*/LC_MESSAGES/django.po)

.PHONY: run test install lint format lock messages ci clean

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo_data
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest

install: $(STAMPS)/system $(STAMPS)/python $(STAMPS)/npm $(STAMPS)/messages

$(STAMPS)/system: scripts/install-system-packages.sh
	bash scripts/install-system-packages.sh
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/python: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test]'
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/npm: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/messages: $(PO_FILES) $(STAMPS)/python
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0
	@mkdir -p $(STAMPS) && touch $@

messages: $(STAMPS)/python
	$(BIN)/python manage.py makemessages -l de -l en -l tr -l ar -l ru -l uk --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=locale_overrides --no-obsolete

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMPS)/python
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: $(STAMPS)/python
	{ echo "# Pinned versions of every Python package, for reproducible installs (used as pip constraints)."; \
	  echo "# Regenerate after changing pyproject.toml: make lock"; \
	  $(BIN)/python -m pip freeze --exclude-editable | grep -v '^teilhabe'; } > requirements.lock

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) node_modules $(STAMPS) var
