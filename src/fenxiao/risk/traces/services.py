"""Writing and erasing client traces (issue 19 §1): the device id and IP of an order placement, a
referral binding or an invitation, read from the request's ``core.client_context``. Kept 180
days, then erased by the ``risk.client_traces`` sweep: long enough to see a ring, no longer than a
dispute needs."""

from __future__ import annotations

from datetime import datetime, timedelta

from fenxiao.core.client_context import current_client
from fenxiao.core.statements import rows_insert
from fenxiao.risk.models import ClientTrace

KEEP_DAYS = 180


def client_trace_record(*, kind: str, object_id: int, user_id: int) -> ClientTrace | None:
    """Record where ``object_id`` came from; nothing when the request told us nothing (a sweep,
    a command, a test without headers). Every order placement writes one, so it is a prebuilt
    INSERT (``core.statements``): ``objects.create`` compiled it again each time, about 0.6 ms of
    an order's 10 (bench/README.md, "Where an order's CPU goes")."""
    client = current_client()
    if not client.device_id and not client.ip:
        return None
    trace = ClientTrace(kind=kind, object_id=object_id, user_id=user_id, device_id=client.device_id, ip=client.ip[:45])
    return rows_insert([trace])[0]


def user_devices(user_ids: list[int]) -> dict[int, set[str]]:
    """Every device each user was seen on, as far back as the traces go."""
    found: dict[int, set[str]] = {u: set() for u in user_ids}
    rows = ClientTrace.objects.filter(user_id__in=user_ids).exclude(device_id="").values_list("user_id", "device_id")
    for user_id, device_id in rows.distinct():
        found[user_id].add(device_id)
    return found


def object_devices(kind: str, object_ids: list[int]) -> dict[int, str]:
    rows = ClientTrace.objects.filter(kind=kind, object_id__in=object_ids).exclude(device_id="")
    return dict(rows.values_list("object_id", "device_id"))


def sweep_client_traces(*, now: datetime) -> int:
    """Erase what is older than 180 days."""
    deleted, _ = ClientTrace.objects.filter(created_at__lt=now - timedelta(days=KEEP_DAYS)).delete()
    return deleted
