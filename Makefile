# The README's two commands: `make run` and `make test`. Everything installs itself.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test install pango npm browser db demo bench clean

run: install npm db
	$(BIN)/wmo demo load
	$(BIN)/wmo serve

test: install npm browser
	$(BIN)/pytest -q

install: pango $(STAMP)

# WeasyPrint (the letters' PDFs) draws text with Debian's Pango, in the letters' font (DejaVu Sans).
pango:
	@ldconfig -p | grep -q libpangoft2-1.0.so.0 && ldconfig -p | grep -q libpango-1.0.so.0 && [ -d /usr/share/fonts/truetype/dejavu ] || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

npm: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

# The browser tests drive Debian's Chromium with Playwright (never a browser Playwright downloads itself).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

db: install
	$(BIN)/wmo db upgrade

bench: install
	$(BIN)/pip install --quiet -e '.[test,bench]'
	$(BIN)/python bench/timers_sweep.py
	$(BIN)/python bench/timers_sweep.py --url "$${WMO_BENCH_POSTGRES:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
	$(BIN)/python bench/inbox.py
	$(BIN)/python bench/inbox.py --url "$${WMO_BENCH_POSTGRES:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
	$(BIN)/python bench/step.py
	$(BIN)/python bench/step.py --url "$${WMO_BENCH_POSTGRES:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
	$(BIN)/python bench/tasks.py
	$(BIN)/python bench/tasks.py --url "$${WMO_BENCH_POSTGRES:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
	$(BIN)/python bench/storage.py
	$(BIN)/python bench/storage.py --url "$${WMO_BENCH_POSTGRES:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
	$(BIN)/python bench/load.py --url "$${WMO_BENCH_POSTGRES:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"

clean:
	rm -rf $(VENV) node_modules instance
