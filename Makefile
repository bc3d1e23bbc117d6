# Fenxiao: `make run` serves the embedded mall, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run test lint format ledger-check clean worker beat cluster-test

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

# The storefront's htmx comes from npm at install time (never a CDN, never committed): `npm ci`
# installs exactly package-lock.json, then the dist file goes to a git-ignored static folder.
VENDOR := src/fenxiao/storefront/static/storefront/vendor

# The admin's charts (Apache ECharts) and the H5 icons (Lucide, one SVG file per icon the pages
# name in ICONS) come the same way.
CHART_VENDOR := src/fenxiao/analytics/static/analytics/vendor
ICONS := shopping-bag wallet truck package-check undo-2 gift users chart-no-axes-column share-2 store \
	book-open trophy badge-check user-plus ticket package contact receipt-text hand-coins map-pin qr-code

$(VENDOR)/htmx.min.js: package.json package-lock.json Makefile
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p $(VENDOR)/icons $(CHART_VENDOR)
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx.min.js
	cp node_modules/echarts/dist/echarts.min.js $(CHART_VENDOR)/echarts.min.js
	for i in $(ICONS); do cp node_modules/lucide-static/icons/$$i.svg $(VENDOR)/icons/$$i.svg; done

# The vendored browser assets alone, without the virtualenv: deploy/Dockerfile's node stage runs it.
.PHONY: vendor
vendor: $(VENDOR)/htmx.min.js

# The mini-program's own packages (TDesign, jest, miniprogram-simulate, ESLint), exactly as locked.
MP_DEPS := miniprogram/node_modules/.package-lock.json

$(MP_DEPS): miniprogram/package.json miniprogram/package-lock.json
	npm ci --prefix miniprogram --no-audit --no-fund --loglevel=error
	node miniprogram/test/support/build-npm.js

install: $(BIN)/.installed $(VENDOR)/htmx.min.js $(MP_DEPS)

# The demo runs sandbox WeChat with DEBUG off: say that this is meant (see sandbox_guard.py).
run: export WECHAT_SANDBOX_ALLOWED = true
run: install
	$(BIN)/fenxiao migrate --noinput
	$(BIN)/fenxiao seed_demo --if-empty
	@echo ""
	@echo "  分销商城已启动: http://127.0.0.1:$(PORT)/"
	@echo "  接口文档:       http://127.0.0.1:$(PORT)/api/docs"
	@echo "  运营后台:       http://127.0.0.1:$(PORT)/admin/   账号 admin  密码 fenxiao-demo"
	@echo ""
	$(BIN)/fenxiao runserver 127.0.0.1:$(PORT)

# Background work with a broker (CELERY_BROKER_URL, plus DATABASE_URL and REDIS_URL as for the web
# nodes): any number of workers, each on some or all of the queues; exactly one beat, whose
# schedule file lives under FENXIAO_VAR_DIR (see src/fenxiao/celery.py).
WORKER_QUEUES ?= default,payments,notifications,reports

worker: install
	$(BIN)/celery -A fenxiao worker -Q $(WORKER_QUEUES) --loglevel=INFO

beat: install
	$(BIN)/celery -A fenxiao beat --loglevel=INFO

# pytest, then the mini-program's jest journeys against a live server on their own database.
test: install
	$(BIN)/pytest
	npm --prefix miniprogram test

# lint-imports checks the layers and the faces ([tool.importlinter] in pyproject.toml); our own
# contract types live in lint/. hadolint and scripts/check_deploy.py check deploy/ (compose.yaml,
# and nginx -t when nginx is installed) without a Docker daemon.
lint: install
	$(BIN)/ruff check src tests bench scripts lint deploy
	$(BIN)/ruff format --check src tests bench scripts lint deploy
	PYTHONPATH=lint $(BIN)/lint-imports
	npm --prefix miniprogram run lint
	$(BIN)/hadolint deploy/Dockerfile
	$(BIN)/python scripts/check_deploy.py

format: install
	$(BIN)/ruff format src tests bench scripts lint deploy
	$(BIN)/ruff check --fix src tests bench scripts lint deploy

ledger-check: install
	$(BIN)/fenxiao ledger-check

# The production topology on this machine (PostgreSQL primary + streaming replica on 55432/55433,
# two gunicorn nodes on 18001/18002 behind nginx on 18080, a Celery worker and beat on RabbitMQ,
# Redis db 8) and the checks of tests/cluster against it; see scripts/cluster/. Needs root or the
# postgres user, and Debian's nginx and wrk.
cluster-test: install
	PYTHONPATH=src $(BIN)/python -m scripts.cluster

clean:
	rm -rf $(VENV) var
