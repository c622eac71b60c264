# The course's two commands (see README):
#   make lab    set up on first use, then open the course in JupyterLab
#   make test   set up on first use, then run the whole test suite (lint, unit, notebooks, browser)
# Setup happens once: later runs reuse .venv unless a requirements file changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
COURSE := $(VENV)/.course-installed
DEV    := $(VENV)/.dev-installed
PORT   ?= 8888
# Jupyter refuses to run as root (containers, CI) unless told it is on purpose.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# nbval: run every notebook; compare only cells marked NBVAL_CHECK_OUTPUT (stderr is ignored, see tests/conftest.py)
NBVAL  := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600

.PHONY: help lab test lint notebooks clean

help:
	@echo "make lab    open the course in JupyterLab (sets up .venv the first time)"
	@echo "make test   run every test in fast mode (sets up .venv the first time)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' 2>/dev/null || \
	  { echo "error: this course needs Python 3.10 or newer as '$(PYTHON)'."; \
	    echo "       Install one, or name it: make lab PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "error: could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(COURSE): $(BIN)/python requirements.txt pyproject.toml
	$(BIN)/python -m pip install -r requirements.txt -e .
	@touch $@

$(DEV): $(COURSE) requirements-dev.txt
	$(BIN)/python -m pip install -r requirements-dev.txt
	@touch $@

lab: $(COURSE)
	@echo "Opening JupyterLab on lesson 0. No browser window? Open the http://127.0.0.1:$(PORT)/lab?token=... URL printed below, then 00_start_here.ipynb. Stop with Ctrl+C."
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ROOT_FLAG) notebooks/00_start_here.ipynb

test: $(DEV)
	$(BIN)/ruff check course_utils tests notebooks benchmarks tools
	$(BIN)/ruff format --check course_utils tests notebooks benchmarks tools
	COURSE_FAST=1 $(BIN)/python -m pytest $(NBVAL)

# Re-execute the lessons in place, so their committed outputs are fresh (instructors).
notebooks: $(DEV)
	$(BIN)/python tools/execute_notebooks.py

clean:
	rm -rf $(VENV)
