# One-command developer loop. Every target sets up .venv first (lean: CPU-only torch).
VENV ?= .venv
PY := $(VENV)/bin/python
# The CPU build of torch. Where pip does not find it by itself, point TORCH_INDEX at PyTorch's
# CPU wheel index (see README); a plain `torch` would pull several GB of CUDA packages.
TORCH_SPEC ?= torch==2.13.0
TORCH_INDEX ?=
FRAGE ?= Wer ist Mitglied der Lenkungsgruppe?

.PHONY: run ask test lint eval gate bench fuzz screenshots clean

$(VENV)/.base:
	python3 -m venv $(VENV)
	$(PY) -m pip install -q "$(TORCH_SPEC)" $(if $(TORCH_INDEX),--index-url $(TORCH_INDEX))
	touch $@

$(VENV)/.run: $(VENV)/.base pyproject.toml
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.dev: $(VENV)/.run
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

## run: the chat in the browser on http://127.0.0.1:7860 (builds the index from corpus/ on first start)
run: $(VENV)/.run
	$(VENV)/bin/kim serve

## ask: update the index from corpus/ and answer FRAGE in the terminal
ask: $(VENV)/.run
	$(VENV)/bin/kim ingest
	$(VENV)/bin/kim ask "$(FRAGE)"

## test: all tests (real Chroma server, real MiniLM weights)
# pytest's exit 5 ("no tests collected") is passed on as 5 so that .ci/run can tell it apart.
test: $(VENV)/.dev
	@bash .ci/chromium
	@$(PY) -m pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then echo "pytest: keine Tests gefunden (Exit 5)" >&2; fi; exit $$rc

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy assistant

## eval: every mode and baseline with the bundled model, report to evals/reports, README table
eval: $(VENV)/.dev
	$(VENV)/bin/kim eval --report evals/reports --json-out evals/reports/runs/latest.json
	$(PY) evals/update_readme.py

## gate: what CI checks: hybrid (the default) and lexical, and the LlamaIndex BM25 baseline
gate: $(VENV)/.dev
	$(VENV)/bin/kim eval --modes lexical,hybrid --baselines bm25

## screenshots: the browser tests write their screenshots to docs/ (shown in the README)
screenshots: $(VENV)/.dev
	KIM_SCREENSHOT_DIR=docs $(PY) -m pytest -q tests/ui/test_access.py tests/ui/test_drafting.py \
		tests/access/test_browser.py tests/llm/test_chat_llm.py tests/fetch/test_oparl.py \
		-k "screenshots or usable or kleve or released or streams or inquiry_an_imported"

## bench: speed targets in benchmarks/thresholds.toml (about 15 minutes on 2 cores)
bench: $(VENV)/.dev
	$(PY) benchmarks/bench_reingest.py
	$(PY) benchmarks/bench_cold.py
	$(PY) benchmarks/bench_scale.py
	$(PY) benchmarks/bench_large.py
	$(PY) benchmarks/bench_serve.py
	$(PY) benchmarks/bench_users.py

## fuzz: 3,000+ broken files, a 45 MB text and 30 killed ingests through the real `kim ingest`
fuzz: $(VENV)/.dev
	$(PY) benchmarks/fuzz_ingest.py

clean:
	rm -rf $(VENV) index/manifest.json index/generations index/chroma
