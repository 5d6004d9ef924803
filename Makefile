# Two commands do all set-up: `make demo` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint format check serve clean bench

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

# The demo is a development setup: DEBUG on (a throwaway secret key) for every step.
demo: export DEBUG := true
demo: $(STAMP)  ## migrate the SQLite database, load the seeds, create an editor, serve
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_seeds
	@# The demo editor (--force: its own account gets a fresh password on every run), then the
	@# server; its sign-in is printed last, framed, once the server is up.
	$(BIN)/python scripts/serve_demo.py $(HOST) $(PORT)

test: $(STAMP)  ## the whole suite (DATABASE_URL picks the database; SQLite by default)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)  ## the scale benchmark, e.g. make bench BENCH_ARGS="--events 1000000 --database postgres"
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: export DEBUG := true
check: $(STAMP)  ## Django's system checks and no missing migrations
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache
