# The README's two commands: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test install lint migrate seed bench clean

# The local targets use this checkout's development keys for residents' personal data, made in
# var/pii-dev-keys on first use (production sets PII_KEYS, PII_KEY_ID and PII_INDEX_KEY).
LOCAL := PII_DEV_KEYS=true

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(LOCAL) $(BIN)/python manage.py migrate --noinput

run: migrate
	$(LOCAL) $(BIN)/python manage.py seed_demo --if-empty --demo-accounts
	$(LOCAL) $(BIN)/python manage.py rebuild_rollups --if-empty
	$(LOCAL) $(BIN)/python manage.py take_snapshot
	@echo ""
	@echo "泉山六心 is serving on http://$(HOST):$(PORT)/  (back office: http://$(HOST):$(PORT)/admin/)"
	@echo "No broker configured: background tasks (SMS, e-mail) run in-process after each commit; messages print here."
	@echo "Demo officials (password quanshan-demo): district (全区), kuishan (奎山街道), zhujian (区住房和城乡建设局), deputy (区人大代表)"
	@echo ""
	$(LOCAL) DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

seed: migrate
	$(LOCAL) $(BIN)/python manage.py seed_demo

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf var/quanshan.sqlite3 var/media var/staticfiles
