"""``custom_plans`` plans the data centre's range queries for their own dates, for one read only:
the setting is back as it was afterwards, also when the read fails."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from fenxiao.core.plans import custom_plans

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="plan_cache_mode is PostgreSQL's")


def plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW plan_cache_mode")
        return cursor.fetchone()[0]


def test_statements_inside_are_planned_for_their_parameters_and_the_setting_comes_back(db):
    before = plan_cache_mode()
    with custom_plans():
        assert plan_cache_mode() == "force_custom_plan"
    assert plan_cache_mode() == before


def test_a_failing_read_leaves_the_setting_as_it_was(db):
    before = plan_cache_mode()
    with pytest.raises(ZeroDivisionError), transaction.atomic(), custom_plans():
        1 / 0  # noqa: B018
    assert plan_cache_mode() == before


def test_it_decorates_a_read(db):
    @custom_plans()
    def read() -> str:
        return plan_cache_mode()

    assert read() == "force_custom_plan"
    assert plan_cache_mode() != "force_custom_plan"
