"""The parsers that read settings out of the environment (``fenxiao/core/env.py``): what counts as
true, how lists and numbers are read, and that a bad value stops the process at start-up with the
variable's name instead of failing later in a request."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from fenxiao.core.env import (
    database,
    env_bool,
    env_int,
    env_list,
    postgres_pool,
    replica_database,
    secret_key,
    trusted_proxies,
)

PG_URL = "postgres://postgres@127.0.0.1:5432/fenxiao_env_check"


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on", "On"])
def test_a_true_word_is_true(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "no", "off", "nope"])
def test_any_other_word_is_false(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", True) is False


@pytest.mark.parametrize("default", [True, False])
def test_unset_or_empty_is_the_default(monkeypatch, default):
    monkeypatch.delenv("FLAG", raising=False)
    assert env_bool("FLAG", default) is default
    monkeypatch.setenv("FLAG", "")
    assert env_bool("FLAG", default) is default


def test_a_list_drops_blanks_and_spaces(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example , b.example,, ")
    assert env_list("HOSTS", "x") == ["a.example", "b.example"]
    monkeypatch.delenv("HOSTS")
    assert env_list("HOSTS", "x,y") == ["x", "y"]
    assert env_list("HOSTS", "") == []


def test_an_integer_is_read_and_unset_or_empty_is_the_default(monkeypatch):
    monkeypatch.setenv("N", "42")
    assert env_int("N", 7) == 42
    monkeypatch.setenv("N", "")
    assert env_int("N", 7) == 7
    monkeypatch.delenv("N")
    assert env_int("N", 7) == 7


def test_a_malformed_integer_is_refused(monkeypatch):
    monkeypatch.setenv("N", "ten")
    with pytest.raises(ValueError):
        env_int("N", 7)


def test_a_set_secret_key_is_taken_as_given(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "given")
    assert secret_key(tmp_path) == "given"
    assert not (tmp_path / "secret_key").exists()


def test_without_a_secret_key_the_embedded_mall_keeps_one_under_var(monkeypatch, tmp_path):
    for name in ("SECRET_KEY", "FENXIAO_REQUIRE_SECRET_KEY", "WECHAT_MODE"):
        monkeypatch.delenv(name, raising=False)
    first = secret_key(tmp_path)
    assert len(first) > 40
    assert secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("env", [{"WECHAT_MODE": "live"}, {"FENXIAO_REQUIRE_SECRET_KEY": "1"}])
def test_production_without_a_secret_key_is_refused(monkeypatch, tmp_path, env):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        secret_key(tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_trusted_proxies_take_addresses_and_networks(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12,::1")
    assert trusted_proxies() == ["10.0.0.1", "172.16.0.0/12", "::1"]
    monkeypatch.delenv("TRUSTED_PROXIES")
    assert trusted_proxies() == []


def test_a_trusted_proxy_that_is_a_name_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "10.0.0.0/8,nginx.internal")
    with pytest.raises(ImproperlyConfigured, match=r"TRUSTED_PROXIES: 'nginx\.internal'"):
        trusted_proxies()


def _clear_database_env(monkeypatch) -> None:
    for name in ("DATABASE_URL", "DB_CONN_MAX_AGE", "DB_PREPARED_STATEMENTS", "DB_POOL_MIN_SIZE", "DB_POOL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


def test_the_embedded_database_is_the_sqlite_file_in_wal_mode(monkeypatch, tmp_path):
    _clear_database_env(monkeypatch)
    db = database(tmp_path / "mall.sqlite3", pool_max_size=4)
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"] == str(tmp_path / "mall.sqlite3")
    assert db["CONN_MAX_AGE"] == 0
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert "pool" not in db["OPTIONS"]


def test_postgres_prepares_repeated_statements_unless_told_not_to(monkeypatch, tmp_path):
    _clear_database_env(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", PG_URL)
    db = database(tmp_path / "unused.sqlite3", pool_max_size=0)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert db["CONN_MAX_AGE"] == 60
    assert db["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5, "application_name": "fenxiao"}
    monkeypatch.setenv("DB_PREPARED_STATEMENTS", "false")
    assert database(tmp_path / "unused.sqlite3", pool_max_size=0)["OPTIONS"] == {"application_name": "fenxiao"}


def test_a_postgres_pool_replaces_persistent_connections(monkeypatch, tmp_path):
    _clear_database_env(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", PG_URL)
    monkeypatch.setenv("DB_CONN_MAX_AGE", "0")
    db = database(tmp_path / "unused.sqlite3", pool_max_size=8)
    assert db["CONN_MAX_AGE"] == 0
    assert db["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 10}


def test_a_pool_with_persistent_connections_is_refused(monkeypatch):
    monkeypatch.setenv("DB_CONN_MAX_AGE", "60")
    with pytest.raises(ImproperlyConfigured, match="DB_POOL_MAX_SIZE needs DB_CONN_MAX_AGE=0"):
        postgres_pool(4)


def test_the_pool_minimum_never_exceeds_its_maximum(monkeypatch):
    monkeypatch.delenv("DB_CONN_MAX_AGE", raising=False)
    monkeypatch.setenv("DB_POOL_MIN_SIZE", "10")
    monkeypatch.setenv("DB_POOL_TIMEOUT", "3")
    assert postgres_pool(4) == {"min_size": 4, "max_size": 4, "timeout": 3}


def test_the_replica_is_tuned_like_the_primary_and_names_itself(monkeypatch, tmp_path):
    _clear_database_env(monkeypatch)
    monkeypatch.delenv("DATABASE_REPLICA_URL", raising=False)
    assert replica_database(pool_max_size=0) is None
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgres://fenxiao@10.0.0.6:5433/fenxiao")
    db = replica_database(pool_max_size=0)
    assert (db["HOST"], db["PORT"], db["NAME"], db["CONN_MAX_AGE"]) == ("10.0.0.6", 5433, "fenxiao", 60)
    assert db["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5, "application_name": "fenxiao-replica"}
    assert db["TEST"] == {"MIRROR": "default"}  # tests read the default test database through it


def test_an_application_name_in_the_url_is_kept(monkeypatch, tmp_path):
    _clear_database_env(monkeypatch)
    monkeypatch.setenv("DATABASE_URL", PG_URL + "?application_name=mall-web-1")
    assert database(tmp_path / "unused.sqlite3", pool_max_size=0)["OPTIONS"]["application_name"] == "mall-web-1"
