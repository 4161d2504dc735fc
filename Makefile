# Two commands on a fresh machine (Python 3.11+, git, make):
#   make demo   installs vaultfu in .venv and runs `vaultfu agenda` on a fresh copy of
#               sample-vault (demo-vault/, ignored by git), so the repository stays clean
#   make test   installs the test tools in .venv and runs lint, types and the tests
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

# setuptools prints a boxed notice on every editable install ("be careful with folders named like
# your package"); it is about this very checkout, so a new user is not shown it.
$(BIN)/vaultfu: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS="ignore::UserWarning:setuptools.command.editable_wheel" \
	  $(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/vaultfu
	rm -rf demo-vault && cp -R sample-vault demo-vault
	$(BIN)/vaultfu agenda demo-vault

lint: $(BIN)/vaultfu
	$(BIN)/ruff check vaultfu tests bench
	$(BIN)/ruff format --check vaultfu tests bench
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) demo-vault .pytest_cache .mypy_cache .ruff_cache .hypothesis
