# The two commands: `make run` and `make test`. Everything else is a helper for them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PORT   ?= 8501
# This machine only; `make run ADDRESS=0.0.0.0` behind a TLS reverse proxy.
ADDRESS ?= 127.0.0.1

.PHONY: run test bench install lock clean

# A fresh machine needs only Python 3.11+ and make: the venv and the pinned dependencies come
# from requirements.lock; the stamp re-installs when the lock or pyproject.toml changes.
$(STAMP):
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed (make PYTHON=python3.11 ...)" if sys.version_info < (3, 11) else 0)'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Local keys (git-ignored .streamlit/secrets.toml) if there are none, the demo data if the
# database is empty, and one demo account per role (printed, and kept in var/demo-accounts.txt).
run: install
	$(BIN)/cii secrets init
	$(BIN)/cii demo --if-empty
	$(BIN)/streamlit run dashboard/app.py --server.port=$(PORT) --server.address=$(ADDRESS)

test: install
	$(BIN)/python -m pytest

# PostgreSQL joins the benchmark when this server answers within 2 s (checked by bench itself,
# which says why it skipped it otherwise); `make bench CII_BENCH_DATABASE_URL=` is SQLite only.
bench: export CII_BENCH_DATABASE_URL ?= $(or $(CII_TEST_DATABASE_URL),postgresql+psycopg://postgres@127.0.0.1:5432/test)
bench: install
	@$(BIN)/python -m bench

# Re-resolve the pins from pyproject.toml (needs the network); review the diff before committing.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet ".[test]"
	{ echo "# Pinned, fully resolved dependencies (pip freeze of a fresh venv). Regenerate with \`make lock\`."; \
	  .venv-lock/bin/python -m pip freeze --exclude cii-dashboard; echo "setuptools==80.9.0"; } > requirements.lock
	rm -rf .venv-lock

clean:
	rm -rf $(VENV) .pytest_cache
