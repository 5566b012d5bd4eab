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
# CONFINE=1: every path in study.yaml must stay inside the study folder (someone else's study).
CONFINE ?=
# Where tables and figures go: build/ and figures/, or $FRAMING_BUILD_DIR and
# $FRAMING_FIGURES_DIR when set. Named relative to the project when inside it, as
# `framing` names them in the dependency files it writes.
BUILD_ROOT ?= $(or $(FRAMING_BUILD_DIR),build)
FIGURES_ROOT ?= $(or $(FRAMING_FIGURES_DIR),figures)
override BUILD_ROOT := $(patsubst $(CURDIR)/%,%,$(abspath $(BUILD_ROOT)))
override FIGURES_ROOT := $(patsubst $(CURDIR)/%,%,$(abspath $(FIGURES_ROOT)))
PYTHON ?= python3
VENV ?= .venv
# torch, CPU build: this version from PyTorch's CPU wheel index (an unpinned torch from
# PyPI is a CUDA build of several GB). A machine with a local wheel folder in
# PIP_FIND_LINKS (like the shared development machine) takes the wheel from there.
TORCH_VERSION ?= 2.13.0
TORCH_INDEX ?= $(if $(PIP_FIND_LINKS),,https://download.pytorch.org/whl/cpu)

# Which Python environment: an active conda env ($CONDA_PREFIX, e.g. the one
# environment.yml makes) is used as it is, with no second .venv; conda's `base` env is
# never installed into. USE_CONDA=0 always uses .venv; USE_CONDA=1 insists on conda.
USE_CONDA ?= $(if $(and $(CONDA_PREFIX),$(filter-out base,$(CONDA_DEFAULT_ENV))),1,0)
ifeq ($(USE_CONDA),1)
ifeq ($(CONDA_PREFIX),)
$(error USE_CONDA=1 but no conda env is active: run `conda activate framing-analysis` first)
endif
ENV_DIR := $(CONDA_PREFIX)
else
ENV_DIR := $(VENV)
endif

BIN := $(ENV_DIR)/bin
STAMP := $(ENV_DIR)/.framing-analysis-installed
PIP := $(BIN)/python -m pip
# Every run prints its 15 slowest tests (pyproject.toml addopts).
# Tests run on up to 4 cores (pytest-xdist); each test file stays on one worker, so a
# module's fixtures (a collected study, a built one) are made once. TEST_WORKERS=0 runs
# them in this process.
TEST_WORKERS ?= $(shell python3 -c "import os; print(min(4, os.cpu_count() or 1))" 2>/dev/null || echo 1)
PYTEST := $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile
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
.PHONY: all help install run notebooks figures report lab test test-all mutation lint format \
	lock bench bench-quick clean clean-cache collect config-reference FORCE

all: report ## install what is missing, run STUDY end to end: tables, notebooks, figures, index.html

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' Makefile | sed -E 's/:.*## /\t/' | expand -t 14

$(STAMP): pyproject.toml requirements-lock.txt
ifeq ($(USE_CONDA),0)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
endif
	$(PIP) install -q torch==$(TORCH_VERSION) $(if $(TORCH_INDEX),--extra-index-url $(TORCH_INDEX))
	$(PIP) install -q -c requirements-lock.txt -e '.[dev]'
	@touch $@

install: $(STAMP) ## install the project into .venv (created if missing) or the active conda env

# PIPELINE_TABLES and PIPELINE_INPUTS, written by `framing run` (absent before its first run).
-include $(BUILD)/pipeline.d
MISSING_TABLES := $(filter-out $(wildcard $(PIPELINE_TABLES)),$(PIPELINE_TABLES))

$(PIPELINE): $(STUDY_FILES) $(PIPELINE_INPUTS) $(CODE) $(STAMP) $(if $(MISSING_TABLES),FORCE)
	$(BIN)/framing run $(STUDY_DIR)$(if $(CONFINE), --confine)
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
	@$(BIN)/python -c "import jupyterlab" 2>/dev/null || \
		$(PIP) install -q -c requirements-lock.txt -e '.[dev,lab]'
	$(BIN)/python -m ipykernel install --sys-prefix --name framing-analysis \
		--display-name "Python (framing-analysis)" >/dev/null
	FRAMING_STUDY=$(STUDY) $(BIN)/jupyter lab notebooks/ $(LAB_ROOT) $(LAB_ARGS)

test: $(STAMP) ## the fast tier: tests neither `slow` nor needing ../shared/data (~3 min)
	$(PYTEST) -m "not slow and not shared_data"

test-all: $(STAMP) ## every test (slow, real data; property tests at 500 examples), then the mutation check
	HYPOTHESIS_PROFILE=ci $(PYTEST)
	$(BIN)/python -m tests.mutation.check

mutation: $(STAMP) ## plant bugs in a copy of the code; fails unless a test catches each
	$(BIN)/python -m tests.mutation.check

# The property tests draw 500 examples and more under this profile (a few dozen otherwise).
config-reference: $(STAMP) ## regenerate corpora/study-yaml-reference.md from the config models
	$(BIN)/framing config-reference

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# `make lock` writes requirements-lock.txt with uv: every package of '.[dev,lab]' pinned,
# torch at TORCH_VERSION's CPU build. uv finds that build in the local wheel folder
# (TORCH_WHEELS, default PIP_FIND_LINKS) or on PyPI + PyTorch's CPU index.
LOCK_PYTHON := 3.11
TORCH_WHEELS ?= $(PIP_FIND_LINKS)
TORCH_SOURCE := $(if $(TORCH_WHEELS),--find-links $(TORCH_WHEELS),--extra-index-url \
	$(or $(TORCH_INDEX),https://download.pytorch.org/whl/cpu) --index-strategy unsafe-best-match)
LOCK_COMMAND := echo torch==$(TORCH_VERSION)+cpu | uv pip compile pyproject.toml - --all-extras \
	--python-version $(LOCK_PYTHON) $(TORCH_SOURCE) --no-header --quiet -o requirements-lock.txt

lock: $(STAMP) ## regenerate requirements-lock.txt from pyproject.toml with uv
	@$(BIN)/python -c "import uv" 2>/dev/null || $(PIP) install -q 'uv>=0.5'
	export PATH="$(abspath $(BIN)):$$PATH" && $(LOCK_COMMAND)
	@sed -i.bak -E 's/^torch==([0-9.]+)[+]cpu$$/torch==\1/' requirements-lock.txt
	@{ echo '# Every package of pip install -e ".[dev,lab]", pinned. pip uses this file as'; \
	   echo '# constraints (make install, environment.yml). Written by `make lock`, which ran'; \
	   echo "# (uv $$($(BIN)/uv --version | cut -d' ' -f2), Linux x86-64, Python $(LOCK_PYTHON)):"; \
	   echo '#   $(LOCK_COMMAND)'; \
	   echo '# and then dropped the local label of the torch pin (2.13.0+cpu -> 2.13.0), so'; \
	   echo '# the pin fits the CPU build on every platform.'; \
	   cat requirements-lock.txt; } > requirements-lock.txt.tmp
	@mv requirements-lock.txt.tmp requirements-lock.txt && rm -f requirements-lock.txt.bak

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
