from __future__ import annotations

import shutil
from contextlib import contextmanager

import pytest
from django.core.cache import cache


def pytest_sessionstart(session):
    from tests import openapi_answers

    openapi_answers.start()


def pytest_sessionfinish(session, exitstatus):
    """Every error an operation answered in this session must be in the OpenAPI document."""
    from tests import openapi_answers

    problems = openapi_answers.undocumented()
    if problems:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        lines = ["API answers missing from the OpenAPI document (declare them, see core/openapi_errors.py):"]
        lines += [f"  {problem}" for problem in problems]
        if reporter is not None:
            reporter.write_line("\n".join(lines), red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _isolated_cache(settings, tmp_path):
    """Each test starts with an empty cache (throttles, token caches), no product page kept rendered
    and its own media folder."""
    from fenxiao.catalog.api.product_page import product_pages_forget

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    product_pages_forget()
    yield
    cache.clear()
    product_pages_forget()


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """``with commit(): ...`` runs what would run after the transaction commits (event handlers,
    payouts), including what those callbacks schedule in turn."""

    @contextmanager
    def run():
        with django_capture_on_commit_callbacks(execute=True):
            yield

    return run


@pytest.fixture(autouse=True)
def _postgres_only(request):
    from django.db import connection

    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks and concurrent transactions are no-ops on SQLite")


@pytest.fixture(autouse=True)
def _default_tiers_after_a_flush(request):
    """A transactional test starts after the one before it flushed every table, the tiers the
    migrations seed included (every mall has them); put them back, as on a new database."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    from importlib import import_module

    from django.apps import apps
    from django.db import connection

    if not transactional or (request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql"):
        return  # (a PostgreSQL-only test is skipped on SQLite: no database to set up for it)

    request.getfixturevalue("transactional_db")
    import_module("fenxiao.distribution.migrations.0002_default_tiers").create_tiers(apps, None)


@pytest.fixture(scope="session")
def _sandbox_key_files(tmp_path_factory):
    """Throwaway WeChat Pay sandbox keys, made once per test session (RSA generation is slow)."""
    from fenxiao.integrations.wechat.pay.sandbox_keys import SandboxKeys

    folder = tmp_path_factory.mktemp("wechatpay-sandbox-keys")
    SandboxKeys.load_or_create(folder)
    return folder


@pytest.fixture(autouse=True)
def sandbox_dir(settings, tmp_path, _sandbox_key_files):
    """Every test runs WeChat Pay in sandbox mode with its own state folder, never under var/."""
    from fenxiao.integrations.wechat.pay import factory as gateway_module

    folder = tmp_path / "wechatpay-sandbox"
    folder.mkdir(mode=0o700)
    for name in ("merchant.pem", "wechatpay.pem", "apiv3.key"):
        shutil.copy2(_sandbox_key_files / name, folder / name)
    settings.WECHAT_MODE = "sandbox"
    settings.WECHATPAY_SANDBOX_DIR = folder
    settings.WECHATPAY_MCHID = ""
    settings.WECHATPAY_APPID = ""
    gateway_module.reset_pay_gateway()
    yield folder
    gateway_module.reset_pay_gateway()


@pytest.fixture(autouse=True)
def _ledger_invariant(request):
    """Never lose or invent a fen: after every test that used the database, every ledger
    transaction sums to zero and every cached balance equals its legs. The ledger's own tests
    corrupt the book on purpose to see the check catch it, and check it themselves."""
    uses_db = request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames)
    if not uses_db or request.node.nodeid.startswith("tests/ledger/"):
        yield
        return
    request.getfixturevalue("db")  # set up first, so the check below runs before the rollback
    yield
    from fenxiao.ledger.checks import ledger_check

    # A test may have patched the database connection itself (to play an outage): the patches go
    # now rather than at the monkeypatch fixture's own teardown, which comes after this one.
    request.getfixturevalue("monkeypatch").undo()
    problems = ledger_check()
    assert problems == [], [p.description for p in problems]


@pytest.fixture(autouse=True)
def _replica_only_where_declared(request, monkeypatch):
    """With DATABASE_REPLICA_URL set, the ``replica`` alias is a mirror of the test database, and
    Django's test cases refuse connections to aliases a test did not declare. Lag-tolerant reads
    stay on ``default`` except in tests that declare the replica (``databases="__all__"`` or a
    list naming it), such as tests/core/test_replica_router.py."""
    marker = request.node.get_closest_marker("django_db")
    databases = marker.kwargs.get("databases") if marker is not None else None
    if databases != "__all__" and "replica" not in (databases or ()):
        monkeypatch.setattr("fenxiao.core.replica.replica_configured", lambda: False)
