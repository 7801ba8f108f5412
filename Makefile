# ROCA: two commands do all set-up.  `make demo` runs the product on the embedded SQLite default;
# `make test` runs the checks (ruff, import contracts, mypy, pytest).  Both build .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ROCA_DATA_DIR ?= $(CURDIR)/var/demo
export ROCA_DATA_DIR

.PHONY: demo test venv lock catalogs lint typecheck clean

venv: $(STAMP)

$(STAMP): requirements/lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	$(BIN)/uv pip sync --quiet --compile-bytecode --python $(BIN)/python requirements/lock.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

demo: venv
	ROCA_ENV=dev $(BIN)/roca demo $(DEMO_ARGS)

test: venv
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy
	$(BIN)/pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

lock:
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -o requirements/lock.txt

# After changing console text: extract it, merge into both catalogs, translate the new zh_CN
# entries in src/roca/web/locale/zh_CN/LC_MESSAGES/messages.po, then run this again to compile.
catalogs: venv
	mkdir -p var
	$(BIN)/pybabel extract -q -F babel.cfg --no-location --omit-header -o var/messages.pot .
	$(BIN)/pybabel update -q -i var/messages.pot -d src/roca/web/locale -D messages --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -q -d src/roca/web/locale -D messages

clean:
	rm -rf $(VENV) var .mypy_cache .pytest_cache .ruff_cache
