# Commands of the template repository. `make demo` generates the default project and runs it;
# `make test` runs the fast tier of the template tests; `make test-full` the full tier.
PYTHON ?= python3
VENV := .cache/template-venv
PY := $(VENV)/bin/python
DEMO_DIR := .demo
WORKERS ?= 2

.PHONY: demo test test-full bench clean

$(PY): requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $(PY)

demo: $(PY)
	rm -rf $(DEMO_DIR)
	$(VENV)/bin/cookiecutter . --no-input --output-dir $(DEMO_DIR)
	$(MAKE) -C $(DEMO_DIR)/acme_portal run

test: $(PY)
	$(PY) -m pytest -n $(WORKERS) -m "not full"

test-full: $(PY)
	$(PY) -m pytest -n $(WORKERS) --dist loadgroup

bench: $(PY)
	$(PY) bench/run.py

clean:
	rm -rf .cache $(DEMO_DIR)
