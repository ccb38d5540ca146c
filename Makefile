# Commands of the template repository. `make demo` generates the default project and runs it;
# `make test` runs the fast tier of the template tests; `make test-full` the full tier.
PYTHON ?= python3
VENV := .cache/template-venv
PY := $(VENV)/bin/python
# A stamp named after the requirements' checksum: the tools are reinstalled when the file's
# content changes, not when only its date does. (Touching $(PY) instead would follow the venv's
# symlink to the system interpreter, which an ordinary user may not touch.)
TOOLS := $(VENV)/.installed-$(shell cksum < requirements-dev.txt | cut -d' ' -f1)
DEMO_DIR := .demo
WORKERS ?= 2

.PHONY: demo demo-clean test test-full bench clean

$(TOOLS):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-*
	touch $@

# Regenerates over the previous demo: its database, virtual environment and node_modules stay,
# so a rerun starts in seconds. `make demo-clean` starts over.
demo: $(TOOLS)
	$(VENV)/bin/cookiecutter . --no-input --overwrite-if-exists --output-dir $(DEMO_DIR)
	$(MAKE) -C $(DEMO_DIR)/acme_portal run

demo-clean:
	rm -rf $(DEMO_DIR)

test: $(TOOLS)
	$(PY) -m pytest -n $(WORKERS) -m "not full"

test-full: $(TOOLS)
	$(PY) -m pytest -n $(WORKERS) --dist loadgroup

bench: $(TOOLS)
	$(PY) bench/run.py

clean:
	rm -rf .cache $(DEMO_DIR)
