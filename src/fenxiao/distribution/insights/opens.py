"""Share opens (DESIGN §5 insights, "when my links were opened"): counted per distributor, local
day, local hour and channel, with one ``UPDATE ... SET opens = opens + 1`` in the common case.

The first open of an hour inserts the counter row (ignoring a concurrent insert of the same row)
and then updates it, so two opens at once both count and nothing is ever read and written back.
Deduplication (once per visitor per code per day) is the caller's: the H5 middleware remembers in
the session what it counted today, the mini-program calls once per launch or show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from fenxiao.core.errors import NotFound
from fenxiao.distribution.insights.window import Window
from fenxiao.distribution.models import Distributor, DistributorStatus, OpenChannel, ShareOpen


def code_not_found() -> NotFound:
    return NotFound("DIST_CODE_NOT_FOUND", "推广码无效")


@transaction.atomic
def share_open_record(*, code: str, channel: str, at: datetime | None = None) -> int:
    """Count one open of ``code``'s share on ``channel``; answers the distributor's id. An unknown
    code, or a suspended distributor's, is ``DIST_CODE_NOT_FOUND`` and writes nothing."""
    channel = OpenChannel(channel).value
    code = (code or "").strip().upper()
    distributor_id = (
        Distributor.objects.filter(code=code, status=DistributorStatus.ACTIVE).values_list("id", flat=True).first()
        if code
        else None
    )
    if distributor_id is None:
        raise code_not_found()
    local = timezone.localtime(at or timezone.now())
    key = {"distributor_id": distributor_id, "day": local.date(), "hour": local.hour, "channel": channel}
    if ShareOpen.objects.filter(**key).update(opens=F("opens") + 1) == 0:
        ShareOpen.objects.bulk_create([ShareOpen(**key, opens=0)], ignore_conflicts=True)
        ShareOpen.objects.filter(**key).update(opens=F("opens") + 1)
    return distributor_id


@dataclass(frozen=True)
class OpenCounts:
    total: int
    by_hour: list[int]  # 24 local hours
    by_weekday: list[int]  # Monday first
    by_channel: dict[str, int]


def open_counts(*, distributor_id: int, window: Window) -> OpenCounts:
    """My opens in the window (three small grouped queries over at most 24 × 4 rows a day)."""
    rows = ShareOpen.objects.filter(
        distributor_id=distributor_id, day__gte=window.first_day, day__lte=window.last_day
    ).order_by()
    by_hour = [0] * 24
    for r in rows.values("hour").annotate(n=Sum("opens")):
        by_hour[r["hour"]] = int(r["n"])
    by_weekday = [0] * 7
    for r in rows.values("day").annotate(n=Sum("opens")):
        by_weekday[r["day"].weekday()] += int(r["n"])
    by_channel = dict.fromkeys(OpenChannel.values, 0)
    for r in rows.values("channel").annotate(n=Sum("opens")):
        by_channel[r["channel"]] = int(r["n"])
    return OpenCounts(total=sum(by_hour), by_hour=by_hour, by_weekday=by_weekday, by_channel=by_channel)
