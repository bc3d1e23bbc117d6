"""A database that cannot be reached right now (PostgreSQL out of connection slots, refusing,
restarting; SQLite locked by another writer past the busy timeout) is answered 503 with
``Retry-After``: the API in its ``{"code", "message"}`` shape, the storefront and the admin with a
page that needs no database. Any other database error is still a 500.

The errors are real ones, made by the driver against a real server or file: a PostgreSQL role
that has no connection slot left (the server's own "too many connections", SQLSTATE 53300), a
SQLite file another connection holds, a server port nothing listens on."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection, transaction
from django.db.backends.sqlite3.base import DatabaseWrapper as SqliteWrapper
from django.test import Client

from fenxiao.core.unavailable import database_unavailable
from tests.support import Api

# Every test opens connections, the test database's or probes of its own (pytest-django guards both).
pytestmark = pytest.mark.django_db


def sqlite_error(path, sql: str, *, hold_lock: bool = False) -> OperationalError:
    """The error Django raises for ``sql`` on the SQLite file at ``path``, with no busy wait."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE IF NOT EXISTS t (x int)")
    if hold_lock:
        holder.execute("BEGIN IMMEDIATE")  # another writer holds the file
    wrapper = SqliteWrapper({**connection.settings_dict, "NAME": str(path), "OPTIONS": {"timeout": 0}}, alias="probe")
    try:
        with pytest.raises(OperationalError) as raised:
            wrapper.cursor().execute(sql)
        return raised.value
    finally:
        wrapper.close()
        holder.close()


def refused_connection_error() -> OperationalError:
    """What Django raises when PostgreSQL cannot be reached at all."""
    from django.db.backends.postgresql.base import DatabaseWrapper as PgWrapper

    settings_dict = {**connection.settings_dict, "ENGINE": "django.db.backends.postgresql"}
    settings_dict |= {"NAME": "fenxiao", "HOST": "127.0.0.1", "PORT": "1", "OPTIONS": {}, "CONN_MAX_AGE": 0}
    wrapper = PgWrapper(settings_dict, alias="probe")
    with pytest.raises(OperationalError) as raised:
        wrapper.ensure_connection()
    return raised.value


# --- which errors mean "unavailable" ----------------------------------------------------------


def test_sqlite_locked_past_the_busy_timeout_is_unavailable(tmp_path):
    locked = sqlite_error(tmp_path / "db.sqlite3", "INSERT INTO t VALUES (1)", hold_lock=True)
    assert "database is locked" in str(locked)
    assert database_unavailable(locked)


def test_a_sqlite_file_that_cannot_be_opened_is_unavailable(tmp_path):
    path = str(tmp_path / "gone" / "db.sqlite3")
    wrapper = SqliteWrapper({**connection.settings_dict, "NAME": path, "OPTIONS": {}}, alias="probe")
    with pytest.raises(OperationalError) as raised:
        wrapper.ensure_connection()
    assert database_unavailable(raised.value)


def test_a_sqlite_error_in_the_query_itself_is_not(tmp_path):
    broken = sqlite_error(tmp_path / "db.sqlite3", "SELECT * FROM no_such_table")
    assert not database_unavailable(broken)


def test_a_postgresql_server_that_refuses_connections_is_unavailable():
    refused = refused_connection_error()
    assert isinstance(refused.__cause__, psycopg.OperationalError)
    assert database_unavailable(refused)


@pytest.mark.postgres_only
def test_a_postgresql_statement_cancelled_by_its_timeout_is_not(transactional_db):
    with pytest.raises(OperationalError) as raised, transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 1")
        cursor.execute("SELECT pg_sleep(1)")
    assert raised.value.__cause__.sqlstate == "57014"
    assert not database_unavailable(raised.value)


# --- how they are answered --------------------------------------------------------------------


@pytest.fixture
def database_down(transactional_db, monkeypatch):
    """From now on every query fails the way this database fails when it cannot be reached (in
    real transactions: a failed query inside the test's own would break the checks after it)."""
    error = refused_connection_error() if connection.vendor == "postgresql" else None
    if error is None:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            error = sqlite_error(Path(folder) / "db.sqlite3", "INSERT INTO t VALUES (1)", hold_lock=True)

    def fail(*args, **kwargs):
        raise error

    def down() -> None:
        monkeypatch.setattr(connection, "cursor", fail)
        monkeypatch.setattr(connection, "chunked_cursor", fail)

    return down


def assert_unavailable_json(response) -> None:
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert response.json() == {"code": "SERVICE_UNAVAILABLE", "message": "服务繁忙，请稍后再试"}


def assert_unavailable_page(response, home: str) -> None:
    assert response.status_code == 503, response.content
    assert response["Retry-After"] == "5"
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "服务繁忙，请稍后再试" in page and f'href="{home}"' in page


def test_the_api_answers_503_with_retry_after(database_down):
    shopper = get_user_model().objects.create(username="wx_a", openid="a")
    from fenxiao.accounts.tokens import token_pair_issue

    api = Api(token_pair_issue(user_id=shopper.pk, scope="user").access)
    database_down()

    assert_unavailable_json(Api().get("/api/v1/products"))
    assert_unavailable_json(api.get("/api/v1/cart/items"))  # the token's user cannot be read
    assert_unavailable_json(Api().post("/api/v1/auth/wechat-login", {"code": "sandbox-a"}))


def test_the_storefront_answers_a_503_page(database_down):
    database_down()

    assert_unavailable_page(Client(raise_request_exception=False).get("/"), home="/")


def test_the_admin_answers_a_503_page_even_when_the_session_cannot_be_read(database_down, admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    database_down()

    assert_unavailable_page(client.get("/admin/"), home="/admin/")


def test_a_database_error_that_is_not_an_outage_is_still_a_500(transactional_db, monkeypatch, tmp_path):
    broken = sqlite_error(tmp_path / "db.sqlite3", "SELECT * FROM no_such_table")

    def fail(*args, **kwargs):
        raise broken

    monkeypatch.setattr(connection, "cursor", fail)
    response = Api().get("/api/v1/products")

    assert response.status_code == 500
    assert response.json()["code"] == "SERVER_ERROR"
    assert Client(raise_request_exception=False).get("/").status_code == 500


# --- PostgreSQL out of connection slots, for real ---------------------------------------------


@pytest.fixture
def role_without_slots(transactional_db):
    """A login role PostgreSQL allows no connection at all (CONNECTION LIMIT 0): connecting as it
    gets the server's own refusal, SQLSTATE 53300, as when max_connections is used up."""
    db = connection.settings_dict
    params = {"dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"]}
    params |= {"port": db["PORT"] or 5432}
    name = f"{db['NAME']}_no_slots"[:63]
    admin = psycopg.connect(**params, autocommit=True)
    admin.execute(f'DROP ROLE IF EXISTS "{name}"')
    admin.execute(f'CREATE ROLE "{name}" LOGIN CONNECTION LIMIT 0')
    params["user"] = name
    try:
        psycopg.connect(**params).close()
        pytest.fail("the role got a connection")
    except psycopg.OperationalError as exc:
        if "too many connections" not in str(exc):
            pytest.skip(f"the server refuses the role otherwise: {exc}")
    yield name
    admin.execute(f'DROP ROLE IF EXISTS "{name}"')
    admin.close()


@contextmanager
def connecting_as(role: str) -> Iterator[None]:
    """New connections of the test database log in as ``role``. With a pool (DB_POOL_MAX_SIZE) the
    pool is rebuilt for it, waiting a second rather than ten for a connection it cannot get."""
    settings_dict = connection.settings_dict
    saved = settings_dict["USER"], settings_dict["OPTIONS"].get("pool")
    connection.close()
    connection.close_pool()
    settings_dict["USER"] = role
    if saved[1]:
        settings_dict["OPTIONS"]["pool"] = {**saved[1], "timeout": 1}
    try:
        yield
    finally:
        connection.close()
        connection.close_pool()
        settings_dict["USER"] = saved[0]
        if saved[1]:
            settings_dict["OPTIONS"]["pool"] = saved[1]


@pytest.mark.postgres_only
def test_postgresql_out_of_connection_slots_is_503_on_the_api_the_storefront_and_the_admin(role_without_slots):
    operator = get_user_model().objects.create_superuser("boss", password="s3cret-pass-123")
    console = Client(raise_request_exception=False)
    console.force_login(operator)

    with connecting_as(role_without_slots):
        assert_unavailable_json(Api().get("/api/v1/products"))
        assert_unavailable_page(Client(raise_request_exception=False).get("/"), home="/")
        assert_unavailable_page(console.get("/admin/"), home="/admin/")
