# Two commands for a new user: `make run` (install the app and start it) and `make test` (install the test
# tools and run the tests). Both create and reuse a virtual environment in .venv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install install-dev lint bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .

install-dev: install
	$(BIN)/pip install --quiet -r requirements-dev.txt

run: install
	$(BIN)/streamlit run streamlit_app.py --server.headless true --browser.gatherUsageStats false

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bench: install
	$(BIN)/python bench/bench_engine.py

# Regenerate docs/screenshot.png and docs/compare.png (real browser; tests never write into docs/).
screenshots: install-dev
	$(BIN)/python scripts/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
