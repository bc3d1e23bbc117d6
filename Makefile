# Fenxiao: `make run` serves the embedded mall, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install run test lint format ledger-check clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/fenxiao migrate --noinput
	$(BIN)/fenxiao seed_demo --if-empty
	@echo ""
	@echo "  分销商城已启动: http://127.0.0.1:$(PORT)/"
	@echo "  接口文档:       http://127.0.0.1:$(PORT)/api/docs"
	@echo "  运营后台:       http://127.0.0.1:$(PORT)/admin/   账号 admin  密码 fenxiao-demo"
	@echo ""
	$(BIN)/fenxiao runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

format: install
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

ledger-check: install
	$(BIN)/fenxiao ledger-check

clean:
	rm -rf $(VENV) var
