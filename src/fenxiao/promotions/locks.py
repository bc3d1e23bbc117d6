"""Every row lock the promotions app takes (``SELECT ... FOR UPDATE``), as small named functions, so
that the order in which a transaction takes them can be read in one place (as Saleor's
``lock_objects.py``). Callers decide what a missing row means; these only lock and read.

Lock order inside promotions (a transaction that needs two of these takes them top to bottom):

1. the buyer's user row (``lock_buyer*``, FOR NO KEY UPDATE: one seckill purchase at a time per
   shopper, without blocking other rows' foreign keys to the user);
2. a seckill or group-buy activity (``lock_seckill_activity``, ``lock_group_buy_activity``);
3. a group-buy group, then its members by id (``lock_group``, ``lock_group_member*``,
   ``lock_group_members``);
4. a seckill purchase (``lock_placed_purchase``);
5. invite campaign, invitation, invite codes by id (``promotions/invites/locks.py``: invites is
   an app of its own, and its services lock before they issue coupons);
6. coupon templates by id, then user coupons by id (``lock_coupon_template``,
   ``lock_used_coupons``).

Placing a seckill or group-buy order takes the buyer's row and the group's before ``order_create``
takes the orders app's locks; the seckill activity's ``sold`` moves last, by a conditional
``UPDATE`` just before the commit, so the one row every buyer needs is held for the shortest time.
Order events reach promotions after commit, each in a transaction of its own."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from fenxiao.accounts.models import User
from fenxiao.core.statements import row_get
from fenxiao.orders import locks as orders_locks
from fenxiao.promotions.models import (
    CouponTemplate,
    GroupBuyActivity,
    GroupBuyGroup,
    GroupBuyMember,
    SeckillActivity,
    SeckillPurchase,
    SeckillPurchaseStatus,
    UserCoupon,
    UserCouponStatus,
)

# 1. the buyer


def lock_buyer(user_id: int) -> User | None:
    """The buyer's row, read whole (a token buyer's row is checked against the token). A prebuilt
    statement: every seckill winner runs it, and the ORM would compile it anew each time."""
    return row_get(User, "id = %s", [user_id], lock="no_key_update")


def lock_buyer_id(user_id: int) -> None:
    """The buyer's row, locked (the caller has the row already)."""
    orders_locks.lock_buyer(user_id)


# 2. activities


def lock_seckill_activity(activity_id: int) -> SeckillActivity | None:
    return SeckillActivity.objects.select_for_update().filter(pk=activity_id).first()


def lock_group_buy_activity(activity_id: int) -> GroupBuyActivity | None:
    return GroupBuyActivity.objects.select_for_update().filter(pk=activity_id).first()


# 3. group-buy groups and their members


def lock_group(group_id: int) -> GroupBuyGroup | None:
    return GroupBuyGroup.objects.select_for_update().filter(pk=group_id).first()


def lock_group_member(member_id: int) -> GroupBuyMember:
    """A seat the caller has just read (it exists: ``DoesNotExist`` otherwise)."""
    return GroupBuyMember.objects.select_for_update().get(pk=member_id)


def lock_group_member_of_order(order_id: int) -> GroupBuyMember:
    """The seat an order was placed for (it exists: ``DoesNotExist`` otherwise)."""
    return GroupBuyMember.objects.select_for_update().get(order_id=order_id)


def lock_group_members(group_id: int, *, statuses: Iterable[str]) -> list[GroupBuyMember]:
    """A group's seats in these states, by id (the model's ordering)."""
    return list(GroupBuyMember.objects.select_for_update().filter(group_id=group_id, status__in=list(statuses)))


# 4. seckill purchases


def lock_placed_purchase(order_id: int) -> dict | None:
    """The placed (not yet given back) purchase of an order: its id, activity and user."""
    return (
        SeckillPurchase.objects.select_for_update()
        .filter(order_id=order_id, status=SeckillPurchaseStatus.PLACED)
        .values("pk", "activity_id", "user_id")
        .first()
    )


# 6. coupons


def lock_coupon_template(template_id: int) -> CouponTemplate | None:
    return CouponTemplate.objects.select_for_update().filter(pk=template_id).first()


def lock_used_coupons(order_id: int) -> list[tuple[int, int, datetime]]:
    """The coupons an order used, by id: (id, template id, expiry)."""
    return list(
        UserCoupon.objects.select_for_update()
        .filter(used_order_id=order_id, status=UserCouponStatus.USED)
        .order_by("pk")
        .values_list("pk", "template_id", "expires_at")
    )
