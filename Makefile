# Listening Brands: build the blog, plan and publish its social posts.
# Every target bootstraps .venv from the pinned requirements.txt first, so a fresh
# clone needs nothing but `make html` or `make test`.

PY ?= python3
VENV ?= $(CURDIR)/.venv
PYTHON := $(VENV)/bin/python
PELICAN := $(VENV)/bin/pelican
PELICANOPTS ?=

BASEDIR = $(CURDIR)
INPUTDIR = $(BASEDIR)/content
OUTPUTDIR = $(BASEDIR)/output
CONFFILE = $(BASEDIR)/pelicanconf.py
PUBLISHCONF = $(BASEDIR)/publishconf.py

# Deploy: `make deploy` sends output/ to DEPLOY_TARGET (environment or command line; see
# docs/deploy.md). The aliases below set it from Pelican's conventional variables.
DEPLOY_TARGET ?=
SSH_HOST ?= localhost
SSH_PORT ?= 22
SSH_USER ?= deploy
SSH_TARGET_DIR ?= /var/www/listening-brands
S3_BUCKET ?= my-s3-bucket
GITHUB_PAGES_BRANCH ?= gh-pages

PORT ?= 8000
SERVER ?= 127.0.0.1
# Options for `python -m publish cycle` (e.g. PUBLISH_OPTS=--dry-run, --now TIME, --no-link-check).
PUBLISH_OPTS ?=
QUICK ?=
# The private report (docs/report.md): outside output/, so never deployed.
REPORTDIR ?= report

DEBUG ?= 0
ifeq ($(DEBUG), 1)
	PELICANOPTS += -D
endif
RELATIVE ?= 0
ifeq ($(RELATIVE), 1)
	PELICANOPTS += --relative-urls
endif

# One-shot builds go into a fresh folder that replaces output/ (and the plan) only on
# success: $(call site_build,SETTINGS). The live loops (devserver, regenerate) use
# $(DEVSERVER) below, which keeps watching after a failed build.
site_build = $(PYTHON) -m publish build --settings $(1) --content $(INPUTDIR) \
	--output $(OUTPUTDIR) -- $(PELICANOPTS)

.DEFAULT_GOAL := help

help:
	@echo 'Makefile for the Listening Brands blog and publisher'
	@echo ''
	@echo 'Usage:'
	@echo '   make html            (re)build the dev site into output/ (creates .venv first)'
	@echo '   make serve           preview the dev site at http://$(SERVER):$(PORT)/ (built first if'
	@echo '                        output/ holds another build, e.g. make publish'"'"'s)'
	@echo '   make devserver       rebuild on change and serve at http://$(SERVER):$(PORT)/'
	@echo '   make plan            build, then print every scheduled social post and offer'
	@echo '   make publish         one cycle: production build, deploy (if $$DEPLOY_TARGET), post what'
	@echo '                        is due once its page is live, pull metrics, rebuild and deploy'
	@echo '                        again if a header changed; a failure shows make "Error N" with'
	@echo '                        the exit code (1 failed, 2 config or build, 3 unknown, 4 locked)'
	@echo '   make deploy          production build, then upload output/ to $$DEPLOY_TARGET (never posts)'
	@echo '   make status          every planned item: scheduled/due/waiting/sent/failed/unknown/missed'
	@echo '   make report          private report in $(REPORTDIR)/: calendar (+ calendar.ics), previews, performance'
	@echo '                        (never deployed; `make publish` refreshes it too)'
	@echo '   make test            install what the tests drive (chromium, rsync, PostgreSQL, Node 22,'
	@echo '                        the Bluesky servers) when missing, then run every test, ruff and mypy'
	@echo '   make test-fast       the quick loop (under a minute): every test but the slow, browser and'
	@echo '                        Bluesky-stack ones, on $(TEST_WORKERS) processes (TEST_WORKERS=N)'
	@echo '   make lint            ruff check and the type check (mypy)'
	@echo '   make docs            rewrite the program output shown in README.md and docs/ (examples)'
	@echo '   make bench           benchmarks against plain Pelican (QUICK=1 for a smoke run)'
	@echo '   make clean           remove output/ (and leftovers of killed builds) and cache/'
	@echo '   make rsync_upload    make deploy to rsync:$$(SSH_USER)@$$(SSH_HOST):$$(SSH_TARGET_DIR) (ssh port $$(SSH_PORT))'
	@echo '   make s3_upload       make deploy to s3://$$(S3_BUCKET)'
	@echo '   make github          make deploy to the $$(GITHUB_PAGES_BRANCH) branch (GitHub Pages)'
	@echo '   make lock            re-lock requirements*.txt from requirements*.in (pip-tools)'
	@echo ''
	@echo 'Set DEBUG=1 for debug logging, RELATIVE=1 for relative URLs, PORT/SERVER for serve.'

# --- bootstrap -------------------------------------------------------------------
# Two locked sets: requirements.txt (runtime: build, publish, deploy) and
# requirements-dev.txt (tests and tooling). Each stamp is newer than its lock files only
# after a complete install, so an edited lock file reinstalls on the next target.
PIP = $(PYTHON) -m pip install --quiet --disable-pip-version-check

$(VENV)/.installed: requirements.txt
	@test -x $(PYTHON) || $(PY) -m venv $(VENV)
	$(PIP) -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) -r requirements.txt -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

venv-dev: $(VENV)/.installed-dev

# Re-lock both files from requirements.in / requirements-dev.in (pip-tools).
LOCK = $(VENV)/bin/pip-compile --quiet --no-strip-extras --no-emit-index-url --no-emit-find-links
lock: venv-dev
	$(LOCK) --allow-unsafe -o requirements.txt requirements.in
	$(LOCK) -o requirements-dev.txt requirements-dev.in

# --- site --------------------------------------------------------------------------
html: venv
	$(call site_build,$(CONFFILE))

# Under the build lock (util-linux flock, where there is one): never while a build, deploy or
# `make publish` uses output/, whose output.new-* folder this would remove.
CLEAN = rm -rf $(OUTPUTDIR) $(OUTPUTDIR).new-* $(OUTPUTDIR).old-* $(OUTPUTDIR).stamp.json \
	$(OUTPUTDIR).manifest.json $(BASEDIR)/cache
clean:
	@if command -v flock >/dev/null 2>&1; then \
		flock -n -E 75 $(OUTPUTDIR).lock $(CLEAN) || { code=$$?; \
		if [ $$code -eq 75 ]; then echo "clean: $(OUTPUTDIR).lock is held by" \
			"$$(cat $(OUTPUTDIR).lock 2>/dev/null) (a build, deploy or make publish);" \
			"nothing removed: try again when it has finished" >&2; fi; exit $$code; }; \
	else $(CLEAN); fi

# Pelican's rebuild loop (`--fatal errors`: a broken plugin or template fails the build),
# except that a failed build is one line and the next change builds again (`pelican -r`
# stops at the first failed build).
DEVSERVER = $(PYTHON) -m publish.site.devserver $(INPUTDIR) -o $(OUTPUTDIR) --fatal errors $(PELICANOPTS)

regenerate: venv
	$(DEVSERVER) -r -s $(CONFFILE)

# Serves the development site: output/ is kept when the last build there was `make html`'s
# (same settings and options, untouched since), and built first otherwise (after
# `make publish` or `make deploy` it holds the production site, whose absolute URLs leave
# localhost).
serve: venv
	$(PYTHON) -m publish build --settings $(CONFFILE) --content $(INPUTDIR) \
		--output $(OUTPUTDIR) --reuse -- $(PELICANOPTS)
	@echo 'serve: the development site ($(notdir $(CONFFILE))) in $(notdir $(OUTPUTDIR))/ at http://$(SERVER):$(PORT)/'
	$(PELICAN) -l $(INPUTDIR) -o $(OUTPUTDIR) -s $(CONFFILE) -p $(PORT) -b $(SERVER)

devserver: venv
	$(DEVSERVER) -lr -s $(CONFFILE) -p $(PORT) -b $(SERVER)

# --- campaign and publisher --------------------------------------------------------
plan: html
	$(PYTHON) -m publish plan

status: venv
	$(PYTHON) -m publish status

# One publish cycle in Python (publish/commands/cycle_order.py): production build -> deploy if DEPLOY_TARGET
# -> post what is due (each item once its page answers) -> pull metrics -> rebuild and deploy
# again if a header changed (engagement numbers, or the Shared_* pins), under one lock. Make
# itself exits 2 whenever a recipe fails; the publisher's own code (docs/publisher.md) is in
# make's "Error N" line and the cycle's last line. CI wanting the exact code runs
# `.venv/bin/python -m publish cycle` (after `make venv`).
publish: venv
	$(PYTHON) -m publish cycle --settings $(PUBLISHCONF) --content $(INPUTDIR) \
		--output $(OUTPUTDIR) $(if $(DEPLOY_TARGET),--target "$(DEPLOY_TARGET)") \
		--report $(REPORTDIR) $(PUBLISH_OPTS) -- $(PELICANOPTS)

# The private report (docs/report.md), from the plan (rebuilt first when stale), the ledger
# and the history; swapped in whole. Outside output/: never deployed.
report: venv
	$(PYTHON) -m publish report --out $(REPORTDIR)

# --- deploy: production build, then upload; never posts (docs/deploy.md) --------------
deploy: venv
	$(call site_build,$(PUBLISHCONF))
	$(PYTHON) -m publish deploy --site $(OUTPUTDIR) $(if $(DEPLOY_TARGET),--target "$(DEPLOY_TARGET)")

rsync_upload: DEPLOY_TARGET = rsync:$(SSH_USER)@$(SSH_HOST):$(SSH_TARGET_DIR)
rsync_upload: export DEPLOY_SSH_PORT = $(SSH_PORT)
s3_upload: DEPLOY_TARGET = s3://$(S3_BUCKET)
github: DEPLOY_TARGET = github:$(GITHUB_PAGES_BRANCH)
rsync_upload s3_upload github: deploy

# --- quality -----------------------------------------------------------------------
# What the tests drive beyond Python, installed when missing (quick when all is there):
# Debian's chromium, rsync, postgresql, npm, g++ and make (apt-get, as root), Node 22 and the
# reference Bluesky servers (npm ci into tests/atproto). See docs/testing.md.
test-tools:
	tests/setup/ensure-tools

# pytest-xdist: TEST_WORKERS processes (docs/testing.md has the timings behind the default).
# `--dist loadgroup` keeps each xdist_group on one worker: the Bluesky stack starts once.
TEST_WORKERS ?= 3
PYTEST_XDIST = -n $(TEST_WORKERS) --dist loadgroup
# The type check: mypy over publish/, plugins/, contract/ and bench/ ([tool.mypy] in pyproject.toml).
MYPY = $(VENV)/bin/mypy

test: venv-dev test-tools
	$(PYTHON) -m pytest $(PYTEST_XDIST)
	$(VENV)/bin/ruff check .
	$(MYPY)

# The quick loop: no browser, no Bluesky stack, no test marked slow; nothing to install
# beyond .venv. `make test` runs everything before a push.
test-fast: venv-dev
	$(PYTHON) -m pytest $(PYTEST_XDIST) -q -m "not slow and not browser and not bluesky_stack"

lint: venv-dev
	$(VENV)/bin/ruff check .
	$(MYPY)

# Rewrite every `<!-- example: COMMAND -->` block in README.md and docs/ with what COMMAND
# prints in the docs fixture (tests/docs_examples.py); tests/publish/test_docs_examples.py checks them.
docs: venv
	$(PYTHON) -m tests.docs_examples --write

bench: venv-dev
	$(PYTHON) -m bench $(if $(QUICK),--quick,)

.PHONY: help venv venv-dev lock html clean regenerate serve devserver plan status report publish \
	deploy rsync_upload s3_upload github test test-fast test-tools lint bench docs
