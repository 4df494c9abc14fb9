# 青小律 kiosk: the two set-up commands of the README are `make run` and `make test`.
# Both install what they need: Debian packages when run as root (otherwise they print
# the apt-get line to run), and a virtual environment in .venv with the project.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STATUTES ?= ../shared/statutes
APT_PACKAGES = $(shell cat deploy/apt-packages.txt | grep -v '^\#')

.PHONY: run test check lint system-deps venv kb screenshots bench clean

system-deps:
	@if [ "$$(id -u)" = "0" ]; then \
	    missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	    if [ -n "$$missing" ]; then \
	        echo "installing Debian packages: $$missing"; \
	        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	    fi; \
	else \
	    missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	    if [ -n "$$missing" ]; then \
	        echo "Not root: please run  sudo apt-get install -y $$missing"; exit 1; \
	    fi; \
	fi

$(BIN)/kiosk: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

venv: $(BIN)/kiosk

kb: venv
	@if [ -d "$(STATUTES)" ]; then $(BIN)/kiosk kb build --statutes $(STATUTES); \
	else $(BIN)/kiosk kb build; fi

# Start the kiosk on its built-in demo knowledge base (windowed on a desktop with
# WINDOWED=1; on a headless machine set QT_QPA_PLATFORM=offscreen or use xvfb-run).
run: system-deps venv kb
	$(BIN)/kiosk run $(if $(WINDOWED),--windowed,)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: system-deps venv lint
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest

screenshots: system-deps venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python tools/screenshots.py docs/screenshots

bench: venv
	$(BIN)/python benchmarks/search_quality.py
	$(BIN)/python benchmarks/search_speed.py
	$(BIN)/python benchmarks/slip_bench.py
	$(BIN)/python benchmarks/speech_bench.py
	QT_QPA_PLATFORM=offscreen $(BIN)/python benchmarks/ui_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
