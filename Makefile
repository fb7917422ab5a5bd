# Balai: `make run` serves the demo, `make test` runs every check. Both install what is missing.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_LINK_MODE := copy
PYTHON ?= python3
UV := $(PYTHON) -m uv
RUN := $(UV) run --frozen --quiet
# The suite spreads over the machine's cores (pytest-xdist; PYTEST_JOBS=0 runs it in one process).
PYTEST_JOBS ?= $(shell nproc 2>/dev/null || echo 2)
# PYTEST_ARGS adds options to both runs, e.g. `make test PYTEST_ARGS=--durations=50` to see the slowest tests.
PYTEST_ARGS ?=
PYTEST := $(RUN) pytest -q -n $(PYTEST_JOBS) --dist loadgroup $(PYTEST_ARGS)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint install install-production system-deps vendor gates test-sqlite test-postgres smoke messages bench lighthouse screenshots clean

run: install
	$(RUN) balai run

install:
	@PYTHON=$(PYTHON) scripts/ensure-uv.sh
	@$(UV) sync --frozen --quiet
	@scripts/vendor-static.sh

# A server (docs/deploy.md, step 3): only what Balai needs to run, no test or lint tools. uv itself and the
# package cache stay in this checkout (.cache/), not in the service user's home, which is the state directory.
install-production: export PYTHONUSERBASE := $(or $(PYTHONUSERBASE),$(CURDIR)/.cache/python)
install-production: export UV_CACHE_DIR := $(or $(UV_CACHE_DIR),$(CURDIR)/.cache/uv)
install-production:
	@PYTHON=$(PYTHON) scripts/ensure-uv.sh
	@$(UV) sync --frozen --no-dev --quiet

# Debian packages the tests need: chromium for browser tests, postgresql for the second run, nginx and openssl
# for the deploy smoke test.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null 2>&1 || missing="$$missing nginx"; \
	command -v openssl >/dev/null 2>&1 || missing="$$missing openssl"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing fonts-noto-core >/dev/null; \
	fi

vendor: install
	@scripts/vendor-static.sh --test

lint: install
	$(RUN) ruff check .
	$(RUN) ruff format --check .
	$(RUN) mypy balai
	$(RUN) lint-imports

# check --deploy judges the settings here: on an empty database, so that a demo in var/ (balai.E001, E002) does not count,
# and with the STATIC_ROOT of deploy/balai.env.example, so that a clone in a 0750 home does not count (balai.W010).
gates: install
	$(RUN) python manage.py makemigrations --check --dry-run
	$(RUN) python scripts/check_translations.py
	BALAI_HTTPS=true SECRET_KEY=$$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')-deploy-check-only-0123456789 \
	  ALLOWED_HOSTS=balai.example.go.id SITE_URL=https://balai.example.go.id DATABASE_URL=sqlite://:memory: \
	  STATIC_ROOT=/var/www/balai/static $(RUN) python manage.py check --deploy --fail-level WARNING

test-sqlite: install system-deps vendor
	DATABASE_URL=sqlite:///$(CURDIR)/var/test.sqlite3 $(PYTEST) -p no:randomly

test-postgres: install system-deps vendor
	scripts/with-postgres.sh $(PYTEST)

# docs/deploy.md followed on this machine: PostgreSQL, nginx, balai serve and worker, a report, backup, restore, reload.
smoke: install system-deps
	@if ! PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null 2>&1; then echo "deploy smoke skipped: nginx is not installed (apt-get install nginx)"; \
	elif ! command -v openssl >/dev/null 2>&1; then echo "deploy smoke skipped: openssl is not installed (apt-get install openssl)"; \
	else scripts/deploy-smoke.sh; fi

test: lint gates test-sqlite test-postgres smoke
	@echo "make test: all checks passed on SQLite and PostgreSQL"

messages: install
	$(RUN) python manage.py makemessages -l id --no-obsolete --add-location file
	$(RUN) python scripts/check_translations.py --compile

# Performance figures on SQLite and PostgreSQL (bench/README.md); the last line sums them up.
# BENCH_SCALE=small: 10,000 then 100,000 reports, about 5 minutes; BENCH_SCALE=full: up to 1,000,000.
BENCH_SCALE ?= small
bench: install system-deps
	BENCH_SCALE=$(BENCH_SCALE) $(RUN) python -m bench.run

# Lighthouse (mobile) on the demo's home page and report form; scores go into the newest bench/results file.
lighthouse: install system-deps
	RUN="$(RUN)" bench/lighthouse.sh

screenshots: install
	$(RUN) python scripts/screenshots.py

clean:
	rm -rf .venv var/static .cache
