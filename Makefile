# Two commands on a fresh machine:  make demo   |   make test
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
STAMP := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: demo test lint bench clean

# `make demo` installs only the core; `make test` adds the dev tools and the optional extras
# (torch CPU, transformers, ray) whose code paths the suite exercises with locally built tiny models.
$(STAMP): pyproject.toml setup.py src/genguard/detect/classifier/_kernels.c src/genguard/text/_fold.c
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e .
	touch $(STAMP)

$(DEVSTAMP): $(STAMP)
	$(VENV)/bin/pip install -q -e '.[dev,ml,ray]'
	touch $(DEVSTAMP)

demo: $(STAMP)
	$(VENV)/bin/genguard demo

test: $(DEVSTAMP)
	bash scripts/test.sh

lint: $(DEVSTAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy

bench: $(DEVSTAMP)
	$(VENV)/bin/python -m bench.run_all

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
