# relstudio — two commands set up a fresh Debian/Ubuntu machine:
#   make run    opens the workstation on the demo track (prints the analysis when there is no display)
#   make test   runs the test suite (offscreen Qt, CPU) and the import-linter contracts
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TORCH := torch==2.13.0
SYS_PKGS := libportaudio2 libegl1 libgl1 libxkbcommon0 libfontconfig1 libdbus-1-3 libglib2.0-0 \
            xvfb libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
            libxcb-shape0 libxkbcommon-x11-0

.PHONY: run test setup sysdeps venv bench bundle selftest clean retrain renderdeps

setup: sysdeps venv

# System libraries for Qt and PortAudio: installed only when running as root and missing.
# $(call apt_missing,PACKAGES,WHEN-NOT-ROOT): install the missing PACKAGES when root, else print a note.
apt_missing = missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "note: missing system packages (install them as root):$$missing"; $(2) fi; \
	fi

sysdeps:
	@$(call apt_missing,$(SYS_PKGS),)

venv: $(STAMP)

# torch first, from the pinned CPU wheel, so no dependency pulls a CUDA build.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip >/dev/null 2>&1 || true
	$(PY) -c "import torch" 2>/dev/null || $(PY) -m pip install -q $(TORCH)
	$(PY) -m pip install -q -e ".[dev]"
	touch $(STAMP)

run: setup
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then \
	  $(VENV)/bin/relstudio-gui resources/demo/feelings.ogg; \
	else \
	  $(VENV)/bin/relstudio demo; \
	fi

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest
	$(VENV)/bin/lint-imports

bench: setup
	$(PY) benchmarks/run.py

bundle: setup
	$(VENV)/bin/pyinstaller --noconfirm --clean relstudio.spec

selftest: bundle
	QT_QPA_PLATFORM=offscreen dist/relstudio/relstudio --selftest

# The instrument experts are trained on phrases rendered with fluidsynth from these soundfonts only.
RENDER_PKGS := fluidsynth fluid-soundfont-gm fluidr3mono-gm-soundfont timgm6mb-soundfont minuet-data

renderdeps:
	@$(call apt_missing,$(RENDER_PKGS),exit 1;)

retrain: setup renderdeps
	$(PY) benchmarks/retrain_shipped.py

clean:
	rm -rf build dist .pytest_cache
