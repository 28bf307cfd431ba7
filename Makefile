# Two commands for a fresh machine (see README.md):
#   make lab   - create .venv if missing, install the course, open JupyterLab on the first lesson
#   make test  - create .venv if missing, install test tools (and Debian's chromium), run every test
# Other targets: make present (lessons as live slides), make editions (student/solutions exercise
# notebooks), make bench, make lint, make clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
LAB_ARGS ?=
CHROMIUM ?= /usr/bin/chromium

ifeq ($(shell id -u),0)
ROOT_FLAG := --allow-root
endif

.PHONY: lab test lint editions bench clean venv-check present app

venv-check:
	@$(PYTHON) -c "import venv, ensurepip" 2>/dev/null || { \
	  echo "make: $(PYTHON) lacks venv support; install it first (Debian/Ubuntu: apt-get install python3-venv python3-pip)"; \
	  exit 1; }

$(BIN)/python: | venv-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

# JupyterLab defaults for the course (no news pop-up asking to go online, no update check):
# copied into the environment, where JupyterLab reads overrides.json.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json
# The course's Voila templates (slides with local reveal.js CSS; the app without CDN links):
# copied where Voila finds them.
VOILA_TEMPLATES := $(VENV)/share/jupyter/voila/templates
SLIDES_PORT ?= 8866
APP_PORT ?= 8867
define install_jupyter_files
	install -D -m 644 jupyter/overrides.json $(LAB_SETTINGS)
	mkdir -p $(VOILA_TEMPLATES)
	for t in jupyter/voila/templates/*/; do rm -rf $(VOILA_TEMPLATES)/$$(basename $$t); cp -r $$t $(VOILA_TEMPLATES)/; done
endef
JUPYTER_FILES := jupyter/overrides.json $(shell find jupyter/voila -type f)

# Stamp files: reinstall only when the dependency list or the pins change.
$(VENV)/.lab-installed: pyproject.toml constraints.txt $(JUPYTER_FILES) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	$(install_jupyter_files)
	touch $@

$(VENV)/.test-installed: pyproject.toml constraints.txt $(JUPYTER_FILES) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[test]"
	$(install_jupyter_files)
	touch $@ $(VENV)/.lab-installed

lab: $(VENV)/.lab-installed
	$(BIN)/jupyter lab --port=$(PORT) $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" \
	  --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb --LabApp.news_url=None $(LAB_ARGS)

# Every lesson as reveal.js slides with live widgets, served by Voila on this machine only:
# open the printed address, pick a lesson (F full screen, S speaker view). Notebooks never change.
present: $(VENV)/.lab-installed
	$(BIN)/voila notebooks --template=course-slides --no-browser \
	  --Voila.ip=127.0.0.1 --port=$(SLIDES_PORT) \
	  --MappingKernelManager.cull_idle_timeout=300 --MappingKernelManager.cull_interval=60

# The case-study lab (lesson 12) as an app without code, served by Voila on this machine only.
app: $(VENV)/.lab-installed
	$(BIN)/voila notebooks/12_case_study_lab.ipynb --template=course-app --no-browser \
	  --Voila.ip=127.0.0.1 --port=$(APP_PORT) \
	  --MappingKernelManager.cull_idle_timeout=600 --MappingKernelManager.cull_interval=60

# Debian's chromium for the browser smoke test (never `playwright install`: it downloads).
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v sudo >/dev/null 2>&1; then \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "make test needs Debian's chromium at $(CHROMIUM): run 'apt-get install chromium' as root"; \
	  exit 1; \
	fi

# configurable-http-proxy for the whole-class JupyterHub test (tests/test_hub.py): from npm into
# .venv/node, never globally. Needs Node.js 20+ (Debian/Ubuntu: apt-get install nodejs npm).
CHP_VERSION := 5.3.0
CHP := $(VENV)/node/node_modules/.bin/configurable-http-proxy
.PHONY: hub-proxy
hub-proxy: $(CHP)
$(CHP):
	@command -v npm >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  elif command -v sudo >/dev/null 2>&1; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; \
	  fi; }
	@node -e 'process.exit(Number(process.versions.node.split(".")[0]) < 20 ? 1 : 0)' 2>/dev/null || { \
	  echo "make: configurable-http-proxy $(CHP_VERSION) needs Node.js 20+ and npm (Debian/Ubuntu: apt-get install nodejs npm)"; \
	  exit 1; }
	npm install --no-fund --no-audit --loglevel=error --prefix $(VENV)/node configurable-http-proxy@$(CHP_VERSION)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check course tests scripts benchmarks

test: $(VENV)/.test-installed $(CHROMIUM) $(CHP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check course tests scripts benchmarks
	# tests/conftest.py points COURSE_PROGRESS_FILE at a temporary file for the whole run.
	CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -n 2 --dist loadfile --nbval --nbval-current-env -p no:cacheprovider tests notebooks exercises

editions: $(VENV)/.lab-installed
	$(BIN)/python scripts/make_editions.py --out build/editions

# Static publications, offline, from one execution pass (build/executed, rerun only for what
# changed): the course site (build/book/_build/html), a reveal.js deck per lesson
# (build/slides) and a PDF per lesson and exercise notebook (build/handouts, Debian's chromium).
.PHONY: book slides handouts
book: $(VENV)/.test-installed
	$(BIN)/python scripts/execute_notebooks.py
	$(BIN)/python scripts/build_book.py

slides: $(VENV)/.test-installed
	$(BIN)/python scripts/execute_notebooks.py
	$(BIN)/python scripts/build_decks.py

handouts: $(VENV)/.test-installed $(CHROMIUM)
	$(BIN)/python scripts/execute_notebooks.py
	$(BIN)/python scripts/build_book.py
	CHROMIUM=$(CHROMIUM) $(BIN)/python scripts/build_handouts.py

bench: $(VENV)/.test-installed $(CHROMIUM) $(CHP)
	@rm -rf build/bench; uptime
	@status=0; for script in benchmarks/bench_*.py; do \
	  echo "== $$script"; CHROMIUM=$(CHROMIUM) $(BIN)/python $$script || status=1; done; \
	$(BIN)/python benchmarks/report.py; exit $$status

clean:
	rm -rf build .pytest_cache .ruff_cache .hypothesis
