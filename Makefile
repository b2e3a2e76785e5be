# newsprism: `make run` opens the dashboard on the seeds, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
PORT ?= 8501

.PHONY: install run test test-unit bench bench-pages eval lint chromium valgrind clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,ray]'
	$(BIN)/newsprism prepare
	touch $(STAMP)

run: install
	$(BIN)/newsprism app seeds --port $(PORT)

# $(call debian,package,commands that tell it is there,what needs it): install a Debian package
# when none of the commands is found and we are root; otherwise say what is missing.
define debian
	@if $(foreach c,$(2),command -v $(c) >/dev/null 2>&1 ||) false; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Debian $(1) for the $(3)"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(1) >/dev/null; \
	else echo "$(1) is missing and this is not root: install it (apt-get install $(1)) for the $(3)"; fi
endef

# Debian's chromium for the browser tests and static chart export, when missing and we are root.
chromium:
	$(call debian,chromium,chromium chromium-browser,browser tests)

# Debian's valgrind, whose callgrind bench_count's tests run, when missing and we are root.
valgrind:
	$(call debian,valgrind,valgrind,instruction-count tests)

test: install chromium valgrind
	$(BIN)/python -m pytest -q -n 2 --dist loadfile -p no:cacheprovider

test-unit: install
	$(BIN)/python -m pytest -q -n 2 tests/unit -p no:cacheprovider

# the real benchmark (minutes; the unit suite only smoke-tests its steps): every step on 10,000
# synthetic articles, then `analyze` end to end on the real interleaved and grouped corpora, one
# worker and two, three runs each in turn, against langdetect + dateparser on the same files
bench: install
	$(BIN)/newsprism bench --articles 10000

# every page in Chromium, navigation to last chart drawn, on the seeds and 10,000 articles
bench-pages: install chromium
	$(BIN)/python -m dashboard.bench.bench_pages --articles 10000

eval: install
	$(BIN)/newsprism eval

lint: install
	$(BIN)/ruff check dashboard tests
	$(BIN)/ruff format --check dashboard tests
	$(BIN)/mypy dashboard

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
