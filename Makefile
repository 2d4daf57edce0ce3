# Two commands do everything on a fresh machine (see README.md):
#   make book   - make the project's virtual environment (.venv/), install bookgen into it, and build
#                 the website (site/) and the PDF (site/briefing.pdf)
#   make test   - also install what the tests need (Chromium, poppler, qpdf where the system has a
#                 package manager for them; axe-core from npm) and run the test suite
# Nothing is installed into the system's Python: this works with PIP_REQUIRE_VIRTUALENV=1 and on a
# Python marked "externally managed" (PEP 668: Debian 12+, Ubuntu 23.04+, Homebrew).
SYSTEM_PYTHON ?= python3
VENV ?= .venv
PYTHON = $(VENV)/bin/python
PIP = $(PYTHON) -m pip --disable-pip-version-check

.PHONY: book test install install-test test-deps golden venv

venv: $(VENV)/bin/python

$(VENV)/bin/python:
	@$(SYSTEM_PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "error: bookgen needs Python 3.11 or newer; '$(SYSTEM_PYTHON)' is $$($(SYSTEM_PYTHON) --version 2>&1)." \
	         "Run: make book SYSTEM_PYTHON=python3.12 (or another 3.11+ interpreter)" >&2; exit 1; }
	@$(SYSTEM_PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
	  echo "error: '$(SYSTEM_PYTHON) -m venv' failed. On Debian/Ubuntu: sudo apt-get install python3-venv" >&2; exit 1; }

install: venv
	$(PIP) install --quiet -e .

install-test: venv
	$(PIP) install --quiet -e '.[test]'

book: install
	$(VENV)/bin/bookgen build

test-deps: install-test
	@sh scripts/test-deps

test: test-deps
	$(PYTHON) -m pytest -q

# Regenerate the golden docs tree of the seed book after an intended change to the output.
golden: install-test
	$(PYTHON) -m tests.regenerate_golden
