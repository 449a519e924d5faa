# The two commands of docs/interfaces.md §1. Only Python 3.11+ is needed on the machine.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
PORT ?= 8000

.PHONY: run test lint messages clean backup restore bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt -r requirements-dev.txt
	touch $@ $(STAMP)

run: $(STAMP)
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: $(DEV_STAMP)
	$(BIN)/pytest $(PYTEST_ARGS)

# County scale on PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/sunwu_bench,
# dropped and re-created), written to bench/results.md; BENCH_ARGS="--scale province" for ~1M persons.
bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

messages: $(DEV_STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=bench --ignore=tests
	$(BIN)/python manage.py compilemessages -l zh_Hans --ignore=.venv

# Backup and restore of the PostgreSQL database of DATABASE_URL (README "Backup and restore").
# `make backup [BACKUP_DIR=/srv/backups]` writes backups/<UTC timestamp>.dump (git-ignored);
# `make restore FILE=backups/….dump TARGET_DB=name_or_url` restores it into a new database.
backup: $(STAMP)
	$(BIN)/python manage.py backup_database $(if $(BACKUP_DIR),--output-dir "$(BACKUP_DIR)")

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "make restore FILE=backups/<timestamp>.dump TARGET_DB=<new database>"; exit 2; }
	@test -n "$(TARGET_DB)" || { echo "make restore FILE=backups/<timestamp>.dump TARGET_DB=<new database>"; exit 2; }
	$(BIN)/python manage.py restore_database "$(FILE)" --target-db "$(TARGET_DB)"

clean:
	rm -rf $(VENV) db.sqlite3 .test-media staticfiles
