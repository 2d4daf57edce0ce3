# Two commands do everything on a fresh machine (see README.md):
#   make book   - install bookgen and build the website (site/) and the PDF (site/briefing.pdf)
#   make test   - install what the tests need (Chromium, poppler, axe-core) and run the test suite
PYTHON ?= python3
PIP = $(PYTHON) -m pip

.PHONY: book test install test-deps golden

install:
	$(PIP) install --quiet --disable-pip-version-check -e '.[test]'

book: install
	bookgen build

test-deps: install
	@if ! command -v chromium >/dev/null || ! command -v pdftotext >/dev/null; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
	fi
	@if [ ! -f tests/node_modules/axe-core/axe.min.js ]; then \
	  npm install --silent --no-audit --no-fund --prefix tests >/dev/null; \
	fi

test: test-deps
	$(PYTHON) -m pytest -q

# Regenerate the golden docs tree of the seed book after an intended change to the output.
golden: install
	$(PYTHON) -m tests.regenerate_golden
