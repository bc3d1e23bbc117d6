"""The group-buy discount provider for the checkout pricing hook. Like seckill, it grants the
group price only to an order the group-buy endpoints are placing: ``options`` must carry the seat
they reserved in the same transaction and its token, so the ordinary checkout cannot claim a
group price. Placing the order links it to the seat and holds it from shipping until the group
is full."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fenxiao.orders.models import OrderHold
from fenxiao.orders.pricing import Discount
from fenxiao.orders.pricing_hooks import PricingContext
from fenxiao.orders.services import order_hold_set
from fenxiao.promotions.activities.pricing import ActivityPriceProvider
from fenxiao.promotions.group_buy.activities import GroupBuyError
from fenxiao.promotions.inputs import option_id
from fenxiao.promotions.models import GroupBuyMember, GroupMemberStatus

if TYPE_CHECKING:
    from fenxiao.orders.models import Order

KIND = "group_buy"  # what the order's adjustments call it; distribution reads this kind
PROVIDER = "promotions.group_buy"


def _not_allowed() -> GroupBuyError:
    return GroupBuyError("GROUP_BUY_NOT_ALLOWED", "拼团价仅限通过开团或参团下单", field="options")


def unit_price_for(member: GroupBuyMember) -> int:
    a = member.group.activity
    if member.is_leader and a.leader_price_fen is not None:
        return a.leader_price_fen
    return a.group_price_fen


class GroupBuyProvider(ActivityPriceProvider):
    """The group (or leader) price for the seat the group-buy endpoint reserved for this order."""

    kind = PROVIDER
    adjustment_kind = KIND

    def not_allowed(self) -> GroupBuyError:
        return _not_allowed()

    def discounts(self, ctx: PricingContext) -> Sequence[Discount]:
        member_id = option_id(ctx.options, "group_buy_member_id", invalid=_not_allowed)
        if member_id is None:
            return []
        token = ctx.options.get("group_buy_token")
        if not isinstance(token, str) or not token:
            raise _not_allowed()
        member = (
            GroupBuyMember.objects.select_related("group__activity")
            .filter(
                pk=member_id,
                token=token,
                user=ctx.user,
                status=GroupMemberStatus.RESERVED,
                order__isnull=True,
            )
            .first()
        )
        if member is None:
            raise _not_allowed()
        a = member.group.activity
        line = self.activity_line(ctx, a, max_quantity=a.max_quantity)
        label = "团长价" if member.is_leader and a.leader_price_fen is not None else "拼团价"
        data = {"group_id": member.group_id, "member_id": member.pk, "leader": member.is_leader}
        return [self.activity_discount(line, a, price_fen=unit_price_for(member), label=label, data=data)]

    def commit(self, ctx: PricingContext, discounts: Sequence[Discount], order: Order) -> None:
        for d in discounts:
            placed = GroupBuyMember.objects.filter(
                pk=d.data["member_id"], status=GroupMemberStatus.RESERVED, order__isnull=True
            ).update(order=order)
            if not placed:
                raise _not_allowed()
            order_hold_set(order=order, hold=OrderHold.GROUP_BUY)
