"""Building group-buys in tests through the real services (holds no tests itself)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.promotions.group_buy.activities import group_buy_activity_create
from fenxiao.promotions.group_buy.groups import Placed, group_join, group_open
from fenxiao.promotions.models import GroupBuyActivity
from tests.order_support import address_for


def shopper(name: str, nickname: str | None = None) -> User:
    user = User.objects.create(username=f"wx_gb-{name}", openid=f"gb-{name}", nickname=nickname or name)
    address_for(user)
    return user


def make_activity(sku, **fields: Any) -> GroupBuyActivity:
    """3 people at ¥59.00, leader ¥49.00, 24 hours to fill, 10 minutes to pay; started a minute ago."""
    now = timezone.now()
    values: dict[str, Any] = {
        "name": "三人团",
        "sku_id": sku.id,
        "group_size": 3,
        "group_price_fen": 5_900,
        "leader_price_fen": 4_900,
        "time_limit_minutes": 24 * 60,
        "payment_minutes": 10,
        "starts_at": now - timedelta(minutes=1),
        "ends_at": now + timedelta(days=7),
        **fields,
    }
    return group_buy_activity_create(fields=values)


def open_group(user: User, activity: GroupBuyActivity, **kwargs: Any) -> Placed:
    return group_open(user=user, activity_id=activity.pk, **kwargs)


def join(user: User, group_id: int, **kwargs: Any) -> Placed:
    return group_join(user=user, group_id=group_id, **kwargs)
