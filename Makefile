# `make` installs what is missing and runs the default study end to end;
# `make test` runs the tests. `make help` lists every target.
#
# How the build stays incremental, and notices what is missing:
#  - the pipeline (`framing run`) fingerprints every stage by its code (its module and
#    every analysis module that imports, comments and docstrings aside), the part of
#    study.yaml it reads, its raw inputs and its inputs' fingerprints, and skips unchanged
#    stages; a table file is rewritten only when its content changes;
#  - it also writes build/<study>/pipeline.d, naming every table it writes and every raw
#    file it reads (a study may read data outside its folder): a missing table or a
#    changed input file re-runs it, and so rebuilds the table;
#  - each executed notebook has a dependency file (build/<study>/notebooks/<name>.d, like a
#    compiler's -MD output) naming the tables it read, so a notebook re-runs only when its
#    source, the package code or one of those tables changed; every target a recipe
#    rebuilt is touched, so it is newer than what it was built from.
# A codebook edit therefore re-scores and redraws the framing figures, and neither
# re-embeds nor re-fits topics; a second `make` with nothing changed does nothing.
STUDY ?= demo
STUDY_DIR ?= corpora/$(STUDY)
# Where tables and figures go: build/ and figures/, or $FRAMING_BUILD_DIR and
# $FRAMING_FIGURES_DIR when set. Named relative to the project when inside it, as
# `framing` names them in the dependency files it writes.
BUILD_ROOT ?= $(or $(FRAMING_BUILD_DIR),build)
FIGURES_ROOT ?= $(or $(FRAMING_FIGURES_DIR),figures)
override BUILD_ROOT := $(patsubst $(CURDIR)/%,%,$(abspath $(BUILD_ROOT)))
override FIGURES_ROOT := $(patsubst $(CURDIR)/%,%,$(abspath $(FIGURES_ROOT)))
PYTHON ?= python3
VENV ?= .venv
# A CPU build of torch: this pin takes the wheel already on this machine's disk; an
# unpinned torch would pull a CUDA build of several GB.
TORCH_VERSION ?= 2.13.0

BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := $(BUILD_ROOT)/$(STUDY)
FIGURES := $(FIGURES_ROOT)/$(STUDY)
PIPELINE := $(BUILD)/.pipeline
STUDY_FILES := $(shell find $(STUDY_DIR) -type f 2>/dev/null)
CODE := $(shell find analysis -name '*.py' -o -name '*.mplstyle' 2>/dev/null)
NOTEBOOK_SOURCES := $(sort $(wildcard notebooks/[0-9][0-9]_*.py))
NOTEBOOKS := $(patsubst notebooks/%.py,$(BUILD)/notebooks/%.ipynb,$(NOTEBOOK_SOURCES))
INDEX := $(BUILD)/index.html

export MPLBACKEND := Agg
export PYTHONHASHSEED := 0
export FRAMING_BUILD_DIR := $(abspath $(BUILD_ROOT))
export FRAMING_FIGURES_DIR := $(abspath $(FIGURES_ROOT))
# numba compiles UMAP/HDBSCAN kernels on first use; keep them across processes.
export NUMBA_CACHE_DIR := $(abspath $(BUILD_ROOT))/cache/numba

.DEFAULT_GOAL := all
.PHONY: all help install run notebooks figures report lab test lint format bench bench-quick clean clean-cache \
	collect config-reference FORCE

all: report ## install what is missing, run STUDY end to end: tables, notebooks, figures, index.html

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' Makefile | sed -E 's/:.*## /\t/' | expand -t 14

$(STAMP): pyproject.toml requirements-lock.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q torch==$(TORCH_VERSION)
	$(BIN)/python -m pip install -q -c requirements-lock.txt -e '.[dev]'
	@touch $@

install: $(STAMP) ## create .venv if missing and install the project into it

# PIPELINE_TABLES and PIPELINE_INPUTS, written by `framing run` (absent before its first run).
-include $(BUILD)/pipeline.d
MISSING_TABLES := $(filter-out $(wildcard $(PIPELINE_TABLES)),$(PIPELINE_TABLES))

$(PIPELINE): $(STUDY_FILES) $(PIPELINE_INPUTS) $(CODE) $(STAMP) $(if $(MISSING_TABLES),FORCE)
	$(BIN)/framing run $(STUDY_DIR)
	@touch $@

FORCE:

# Tables come from the pipeline; make re-reads their times after it ran.
$(BUILD)/%.parquet: $(PIPELINE) ;

run: $(PIPELINE) ## run the pipeline for STUDY (unchanged stages are skipped)

# Collection is explicit: `make` never fetches anything. Collected data is input and
# lives in corpora/STUDY/collected/ (git-ignored; `make clean` never touches it).
collect: $(STAMP) ## fetch STUDY's coverage from the web (sources under `collect:` in study.yaml)
	$(BIN)/framing collect $(STUDY_DIR) $(COLLECT_FLAGS)


# `framing` leaves an output file alone when its content is unchanged (its time then says
# when it last changed); a target make has just rebuilt must look new, so it is touched.
# Without that, a notebook whose output did not change (06_validation of a study without
# gold codes, after its table was rewritten) stayed older than the table and re-ran on
# every `make`.
$(BUILD)/notebooks/%.ipynb: notebooks/%.py $(CODE) | $(PIPELINE)
	$(BIN)/framing notebooks $(STUDY_DIR) --only $*
	@touch $@

-include $(wildcard $(BUILD)/notebooks/*.d)

notebooks: $(NOTEBOOKS) ## execute the notebooks whose inputs changed (build/STUDY/notebooks, with HTML)

figures: notebooks ## write the paper figures to figures/STUDY/ (PDF, SVG, PNG + provenance JSON)

$(INDEX): $(NOTEBOOKS)
	$(BIN)/framing report $(STUDY_DIR)
	@touch $@

report: $(INDEX) ## build/STUDY/index.html: every figure with its caption, links to notebooks

# Extra arguments for `jupyter lab`, e.g. LAB_ARGS="--no-browser --port 8899".
LAB_ARGS ?=
# Jupyter refuses to run as root unless told to (containers, CI machines often are root).
LAB_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

lab: $(STAMP) ## JupyterLab on notebooks/ for STUDY with the project's kernel; LAB_ARGS pass through
	$(BIN)/python -m ipykernel install --sys-prefix --name framing-analysis \
		--display-name "Python (framing-analysis)" >/dev/null
	FRAMING_STUDY=$(STUDY) $(BIN)/jupyter lab notebooks/ $(LAB_ROOT) $(LAB_ARGS)

test: $(STAMP) ## run the tests
	$(BIN)/python -m pytest

config-reference: $(STAMP) ## regenerate corpora/study-yaml-reference.md from the config models
	$(BIN)/framing config-reference

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: $(STAMP) ## run the benchmarks (needs ../shared/data); results and summary.md in benchmarks/results/
	@for script in $(filter-out benchmarks/summary.py,$(wildcard benchmarks/*.py)); do \
		echo "== $$script"; $(BIN)/python $$script || exit 1; done
	$(BIN)/python benchmarks/summary.py

# The quick variants only (a few minutes): encoding on 120 sentences, collection of 400
# pages, the scale benchmark at 500 and 1,000 articles; the topics and codebook-edit rows
# of summary.md then come from the last full run, and say when it was.
bench-quick: $(STAMP) ## quick benchmarks (a few minutes) and benchmarks/results/summary.md
	$(BIN)/python benchmarks/encoding.py --quick
	$(BIN)/python benchmarks/collect.py --pages 400
	$(BIN)/python benchmarks/scale.py --quick
	$(BIN)/python benchmarks/summary.py --quick

clean: ## delete build/STUDY and figures/STUDY (never corpora, never the embedding cache)
	rm -rf $(BUILD) $(FIGURES)

clean-cache: ## delete the embedding and numba caches (everything is re-encoded next run)
	rm -rf $(BUILD_ROOT)/cache
