"""Planning each analytics statement for its own dates.

The project lets psycopg prepare a statement after its fifth use on a connection (``core/env.py``):
an order's statements then skip PostgreSQL's planner. After five executions PostgreSQL may switch
a prepared statement to a *generic* plan, one chosen without the parameters' values. That is right
for "the row with this id", and wrong for a range whose best plan depends on how wide it is: the
data centre's distinct-buyers count over a year took 20 ms with the generic plan (it walked a
year of days by the ``(day, prev_day)`` index) against about 1 ms planned for its dates (a month
of ``prev_day`` by the other index), measured on the 1,000,000-order bench (bench/README.md).
``custom_plans`` makes PostgreSQL plan every statement inside it for its actual parameters, for
the length of one read, and puts the setting back afterwards.

The setting is made on the connection the read actually uses: the replica's inside a
``lag_tolerant_reads()`` scope (``core/replica.py``), the primary's otherwise. Its transaction is
then the replica's own, which a hot standby allows (read only, ``set_config`` included)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections, transaction

from fenxiao.core.replica import read_alias


@contextmanager
def custom_plans(using: str | None = None) -> Iterator[None]:
    """Inside: every statement on ``using`` (by default the alias reads go to at the moment the
    block is entered) is planned for its parameters (PostgreSQL; elsewhere nothing changes).
    Usable as a decorator: the alias is then chosen at each call."""
    using = using or read_alias()
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('plan_cache_mode'), set_config('plan_cache_mode', 'force_custom_plan', true)"
            )
            (before, _) = cursor.fetchone()
        yield
        # A local setting lasts to the end of the transaction, which may be an enclosing one (a
        # request, a test): put it back. After an error the atomic block's rollback (of the
        # transaction or of its savepoint) undoes the setting itself.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('plan_cache_mode', %s, true)", [before])
