"""The read replica (issue 21): only reads inside ``lag_tolerant_reads()`` go to it, never
inside a transaction on the primary, never without ``DATABASE_REPLICA_URL``; writes never. And
the data centre's API really reads through the ``replica`` alias (a mirror of the test database
here, the streaming replica in the cluster test)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.template import engines
from django.template.response import SimpleTemplateResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.core import replica
from fenxiao.core.replica import (
    REPLICA_DB_ALIAS,
    ReplicaRouter,
    lag_tolerant_iter,
    lag_tolerant_reads,
    read_alias,
)
from tests.support import Api

router = ReplicaRouter()


@pytest.fixture
def with_replica(monkeypatch) -> None:
    """As if DATABASE_REPLICA_URL were set (routing decisions only; nothing connects)."""
    monkeypatch.setattr(replica, "replica_configured", lambda: True)


def test_outside_the_scope_reads_go_to_the_primary(with_replica):
    assert router.db_for_read(User) == DEFAULT_DB_ALIAS


def test_inside_the_scope_reads_go_to_the_replica_and_come_back_after(with_replica):
    with lag_tolerant_reads():
        assert router.db_for_read(User) == REPLICA_DB_ALIAS
        assert router.db_for_write(User) == DEFAULT_DB_ALIAS
    assert router.db_for_read(User) == DEFAULT_DB_ALIAS


def test_the_scope_decorates_a_function(with_replica):
    @lag_tolerant_reads()
    def read() -> str:
        return read_alias()

    assert read() == REPLICA_DB_ALIAS
    assert read_alias() == DEFAULT_DB_ALIAS


def test_without_a_replica_the_scope_changes_nothing(monkeypatch):
    monkeypatch.setattr(replica, "replica_configured", lambda: False)
    with lag_tolerant_reads():
        assert router.db_for_read(User) == DEFAULT_DB_ALIAS


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_on_the_primary_reads_stay_there(with_replica):
    with lag_tolerant_reads():
        with transaction.atomic():
            assert router.db_for_read(User) == DEFAULT_DB_ALIAS
        assert router.db_for_read(User) == REPLICA_DB_ALIAS


def test_the_scope_belongs_to_its_thread(with_replica):
    seen: list[str] = []
    with lag_tolerant_reads():
        worker = threading.Thread(target=lambda: seen.append(read_alias()))
        worker.start()
        worker.join()
        assert read_alias() == REPLICA_DB_ALIAS
    assert seen == [DEFAULT_DB_ALIAS]


def test_an_iteration_is_in_the_scope_only_while_it_fetches(with_replica):
    def rows() -> Iterator[str]:
        yield read_alias()
        yield read_alias()

    consumer_saw = []
    for fetched in lag_tolerant_iter(rows()):
        consumer_saw.append((fetched, read_alias()))
    assert consumer_saw == [(REPLICA_DB_ALIAS, DEFAULT_DB_ALIAS)] * 2


def test_the_replica_is_never_migrated():
    assert router.allow_migrate(REPLICA_DB_ALIAS, "orders") is False
    assert router.allow_migrate(DEFAULT_DB_ALIAS, "orders") is None


def test_a_change_list_is_read_in_the_scope_only_when_looked_at(with_replica):
    """GET renders the list (its queries run at render time) inside the scope; a POST (an action,
    list_editable) reads what it changes from the primary."""

    class Site:
        _registry: dict = {}

    class FakeAdmin:
        def changelist_view(self, request, extra_context=None):
            if request.method == "POST":
                return HttpResponse(read_alias())
            return SimpleTemplateResponse(engines["django"].from_string("{{ read }}"), {"read": Reader()})

    class Reader:
        def __str__(self) -> str:
            return read_alias()

    model_admin = FakeAdmin()
    Site._registry = {User: model_admin}
    replica.lag_tolerant_changelists(Site)
    replica.lag_tolerant_changelists(Site)  # twice: wrapped once
    factory = RequestFactory()
    get = factory.get("/admin/accounts/user/")
    get.user = AnonymousUser()
    assert model_admin.changelist_view(get).content.decode() == REPLICA_DB_ALIAS
    assert model_admin.changelist_view(factory.post("/admin/accounts/user/")).content.decode() == DEFAULT_DB_ALIAS


def test_every_registered_admin_change_list_is_wrapped():
    from django.contrib import admin

    import fenxiao.urls  # noqa: F401  (wraps them before building the admin's URLs)

    assert admin.site._registry
    assert all(getattr(a.changelist_view, "lag_tolerant", False) for a in admin.site._registry.values())


# -- through a real second alias ------------------------------------------------------------


@pytest.fixture
def replica_alias(transactional_db) -> Iterator[str]:
    """The ``replica`` alias: the configured one when this run has DATABASE_REPLICA_URL, else a
    mirror of the test database added for this test (a second connection to the same database,
    as Django's TEST MIRROR makes). Data is committed (transactional test) so both see it."""
    if REPLICA_DB_ALIAS in connections.settings:
        yield REPLICA_DB_ALIAS
        return
    mirror = {**connections[DEFAULT_DB_ALIAS].settings_dict, "TEST": {"MIRROR": DEFAULT_DB_ALIAS}}
    if mirror["ENGINE"] == "django.db.backends.postgresql":
        mirror["OPTIONS"] = {**mirror.get("OPTIONS", {}), "application_name": "fenxiao-replica"}
    connections.settings[REPLICA_DB_ALIAS] = mirror
    # Opened here: the test case forbids opening connections to aliases it was not declared
    # with, and this one did not exist when it was.
    connections[REPLICA_DB_ALIAS].connect()
    try:
        yield REPLICA_DB_ALIAS
    finally:
        connections[REPLICA_DB_ALIAS].close()
        del connections[REPLICA_DB_ALIAS]
        del connections.settings[REPLICA_DB_ALIAS]


def _analytics_reads(queries: list[dict]) -> list[str]:
    return [q["sql"] for q in queries if "analytics_" in q["sql"]]


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_the_data_centre_api_reads_through_the_replica(replica_alias):
    assert replica.replica_configured()
    boss = User.objects.create(username="boss", is_staff=True, is_superuser=True)
    api = Api(token_pair_issue(user_id=boss.id, scope="staff").access)

    with (
        CaptureQueriesContext(connections[replica_alias]) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        response = api.get("/api/v1/admin/analytics/overview", {"from": "2026-11-01", "to": "2026-11-30"})
        ranked = api.get(
            "/api/v1/admin/analytics/rankings", {"from": "2026-11-01", "to": "2026-11-30", "kind": "products"}
        )

    assert response.status_code == 200, response.json()
    assert ranked.status_code == 200, ranked.json()
    assert _analytics_reads(on_replica.captured_queries)
    assert not _analytics_reads(on_primary.captured_queries)
    # The staff token's user is read from the primary: outside the data centre's scope.
    assert any("accounts_user" in q["sql"] for q in on_primary.captured_queries)
    if connections[replica_alias].vendor == "postgresql":
        # custom_plans acted on the replica's connection, where the reads ran
        assert any("plan_cache_mode" in q["sql"] for q in on_replica.captured_queries)
        assert not any("plan_cache_mode" in q["sql"] for q in on_primary.captured_queries)


@pytest.mark.django_db(transaction=True, databases="__all__")
def test_writes_in_the_scope_go_to_the_primary(replica_alias):
    with CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary, lag_tolerant_reads():
        User.objects.create(username="written")
        assert User.objects.using(DEFAULT_DB_ALIAS).filter(username="written").exists()
    assert any("INSERT" in q["sql"] for q in on_primary.captured_queries)
