# Two commands: `make run` serves the demo, `make test` runs every check. Both set up first.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTHON ?= python3
HOST   ?= 127.0.0.1:8000

.PHONY: run test setup system lint migrate demo check-migrations clean

run: setup migrate demo
	$(PY) -m motcua collectstatic --noinput -v 0
	@echo "Mot Cua đang chạy tại http://$(HOST)/  (quản trị: http://$(HOST)/admin/, API: http://$(HOST)/api/docs)"
	$(VENV)/bin/gunicorn motcua.wsgi --bind $(HOST) --workers 2 --access-logfile -

test: setup lint check-migrations
	$(VENV)/bin/pytest $(PYTEST_ARGS)

setup: system $(STAMP)

system:
	@sh scripts/system-deps.sh

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

lint:
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

check-migrations:
	$(PY) -m motcua makemigrations --check --dry-run

migrate:
	$(PY) -m motcua migrate --noinput -v 0

demo:
	$(PY) -m motcua load_demo --with-dossiers

clean:
	rm -rf $(VENV) var
