# `make` installs what is missing and runs the default study end to end;
# `make test` runs the tests. `make help` lists every target.
STUDY ?= demo
PYTHON ?= python3
VENV ?= .venv
# A CPU build of torch: this pin takes the wheel already on this machine's disk; an
# unpinned torch would pull a CUDA build of several GB.
TORCH_VERSION ?= 2.13.0

BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STUDY_DIR := corpora/$(STUDY)
BUILD := build/$(STUDY)

export MPLBACKEND := Agg
export PYTHONHASHSEED := 0
# numba compiles UMAP/HDBSCAN kernels on first use; keep them across processes.
export NUMBA_CACHE_DIR := $(CURDIR)/build/cache/numba

.DEFAULT_GOAL := all
.PHONY: all help install run notebooks figures test lint format clean

all: figures ## install what is missing, run $(STUDY) end to end, write its figures

help: ## list the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 12

$(STAMP): pyproject.toml requirements-lock.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==$(TORCH_VERSION)
	$(BIN)/python -m pip install -q -c requirements-lock.txt -e '.[dev]'
	@touch $@

install: $(STAMP) ## create .venv if missing and install the project into it

run: $(STAMP) ## run the pipeline for STUDY (stages whose inputs are unchanged are skipped)
	$(BIN)/framing run $(STUDY_DIR)

notebooks: run ## execute the notebooks into build/STUDY/notebooks (with HTML)
	$(BIN)/framing notebooks $(STUDY_DIR)

figures: notebooks ## write the paper figures to figures/STUDY/

test: $(STAMP) ## run the tests
	$(BIN)/python -m pytest

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check analysis tests benchmarks
	$(BIN)/ruff format --check analysis tests benchmarks

format: $(STAMP) ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix analysis tests benchmarks
	$(BIN)/ruff format analysis tests benchmarks

clean: ## remove build outputs of STUDY (never corpora, never the embedding cache)
	rm -rf $(BUILD) figures/$(STUDY)
