# The course's two commands (see README):
#   make lab    set up on first use, then open the course in JupyterLab
#   make test   set up on first use, then run the whole test suite (lint, unit, notebooks, browser)
# And for instructors:
#   make site        the course as a static website, in build/site (offline, nothing executed)
#   make test-colab  the unit tests and every notebook on Google Colab's versions (.venv-colab;
#                    .ci/run runs it after make test)
# Setup happens once: later runs reuse .venv unless a requirements file changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
COURSE := $(VENV)/.course-installed
SITE   := $(VENV)/.site-installed
DEV    := $(VENV)/.dev-installed
PORT   ?= 8888
# Jupyter refuses to run as root (containers, CI) unless told it is on purpose.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# nbval: run every lesson; compare only cells marked NBVAL_CHECK_OUTPUT (stderr is ignored, see
# tests/conftest.py). Where the browser tests run (Chromium installed), they run each lesson in
# JupyterLab and compare those cells the same way, and nbval leaves the lessons to them.
# The exercise notebooks run in tests/test_exercise_notebooks.py instead, as committed and
# filled with their solutions, which checks more than nbval would.
# Two workers, each taking a whole test file (or test class) at a time: nbval runs a notebook's
# cells in order in one kernel, and the browser tests keep lesson pages open between tests.
# Files go out in the order tests/conftest.py sets, the slowest first.
PARALLEL := -n 2 --dist loadscope --no-loadscope-reorder
NBVAL  := --nbval-lax --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-cell-timeout=600

# Google Colab's Python (3.13) with its package versions, pinned in requirements-colab.txt.
# python3.13 from PATH if it runs, else one that pyenv installed; override with COLAB_PYTHON=...
COLAB_PYTHON ?= $(or $(shell python3.13 -c '' 2>/dev/null && echo python3.13),$(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13)),python3.13)
COLAB_VENV := .venv-colab
COLAB      := $(COLAB_VENV)/.colab-installed

.PHONY: help lab test lint notebooks site test-colab lab-settings clean

help:
	@echo "make lab         open the course in JupyterLab (sets up .venv the first time)"
	@echo "make test        run every test in fast mode (sets up .venv the first time)"
	@echo "make site        build the course's website into build/site (offline)"
	@echo "make test-colab  run the unit tests and notebooks on Google Colab's versions"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || \
	  { echo "error: this course needs Python 3.11 or newer as '$(PYTHON)'."; \
	    echo "       Install one, or name it: make lab PYTHON=python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { echo "error: could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(COURSE): $(BIN)/python requirements.txt pyproject.toml binder/jupyterlab-overrides.json
	$(BIN)/python -m pip install -r requirements.txt -e .
	@$(MAKE) --no-print-directory lab-settings
	@touch $@

# JupyterLab's defaults for the course, the same as binder/postBuild sets on Binder: lesson 0
# opens without a "get notified about official Jupyter news?" pop-up over it.
lab-settings:
	@settings="$$($(BIN)/jupyter lab path | sed -n 's/^Application directory: *//p')/settings/overrides.d"; \
	  mkdir -p "$$settings" && cp binder/jupyterlab-overrides.json "$$settings/course.json"

$(SITE): $(BIN)/python requirements-site.txt
	$(BIN)/python -m pip install -r requirements-site.txt
	@touch $@

$(DEV): $(COURSE) $(SITE) requirements-dev.txt
	$(BIN)/python -m pip install -r requirements-dev.txt
	@touch $@

lab: $(COURSE)
	@echo "Opening JupyterLab on lesson 0. No browser window? Open the http://127.0.0.1:$(PORT)/lab?token=... URL printed below, then 00_start_here.ipynb. Stop with Ctrl+C."
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ROOT_FLAG) notebooks/00_start_here.ipynb

test: $(DEV)
	$(BIN)/ruff check course_utils tests notebooks benchmarks tools docs
	$(BIN)/ruff format --check course_utils tests notebooks benchmarks tools docs
	COURSE_FAST=1 $(BIN)/python -m pytest $(PARALLEL) $(NBVAL) tests notebooks/[0-9][0-9]_*.ipynb

# The static site: needs only the site tools, not TensorFlow. Open build/site/index.html.
site: $(SITE)
	$(BIN)/python tools/build_site.py

# Colab's versions in a separate environment, rebuilt from scratch when a pin changes.
$(COLAB): requirements-colab.txt requirements-dev.txt pyproject.toml
	@$(COLAB_PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 13) else 1)' 2>/dev/null || \
	  { echo "error: make test-colab needs Python 3.13 (Colab's) as '$(COLAB_PYTHON)'."; \
	    echo "       Install it, or name it: make test-colab COLAB_PYTHON=/path/to/python3.13"; exit 1; }
	rm -rf $(COLAB_VENV)
	$(COLAB_PYTHON) -m venv $(COLAB_VENV)
	$(COLAB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(COLAB_VENV)/bin/python -m pip install -r requirements-colab.txt -r requirements-dev.txt
# Last and on its own: .ci/run sets up .venv at the same time, and both editable installs
# write course_utils.egg-info into the source tree (.venv's is done by then).
	$(COLAB_VENV)/bin/python -m pip install -e '.[colab]'
	@touch $@

# On Colab's versions: the unit tests and every lesson (nbval, fast mode); the exercise
# notebooks run in tests/test_exercise_notebooks.py, as committed and with their solutions.
# Left to `make test`: what does not depend on the versions (Binder's files, the Colab links,
# the site), and the browser tests: JupyterLab 4 cannot show an ipywidgets 7 kernel's
# widgets, and Colab's own front end runs only on Colab.
# (PYDEVD_...: ipykernel 6.17's debugger would warn about Python 3.13's frozen modules.)
test-colab: $(COLAB)
	COURSE_FAST=1 PYDEVD_DISABLE_FILE_VALIDATION=1 $(COLAB_VENV)/bin/python -m pytest $(PARALLEL) $(NBVAL) \
	  -m "not browser" --ignore=tests/test_site.py --ignore=tests/test_binder.py \
	  --ignore=tests/test_colab.py tests notebooks/[0-9][0-9]_*.ipynb

# Re-execute the lessons in place, so their committed outputs are fresh (instructors).
notebooks: $(DEV)
	$(BIN)/python tools/execute_notebooks.py

clean:
	rm -rf $(VENV) $(COLAB_VENV) build
