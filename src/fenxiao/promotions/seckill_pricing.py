"""The seckill discount provider for the checkout pricing hook. It grants the seckill price only
to an order the seckill endpoint is placing: ``options`` must carry the activity and the token of
the purchase that endpoint reserved in the same transaction (an uncommitted row nobody else can
see), so posting ``{"seckill_id": 3}`` to the ordinary checkout gets nothing but a refusal."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from fenxiao.orders.pricing import Discount
from fenxiao.orders.pricing_hooks import PricingContext
from fenxiao.promotions.models import SeckillPurchase, SeckillPurchaseStatus
from fenxiao.promotions.seckill_activities import SeckillError

if TYPE_CHECKING:
    from fenxiao.orders.models import Order

KIND = "seckill"  # what the order's adjustments call it; distribution reads this kind
PROVIDER = "promotions.seckill"


def _not_allowed() -> SeckillError:
    return SeckillError("SECKILL_NOT_ALLOWED", "秒杀价仅限通过秒杀活动下单", field="options")


class SeckillProvider:
    kind = PROVIDER

    def discounts(self, ctx: PricingContext) -> Sequence[Discount]:
        if ctx.options.get("seckill_id") is None:
            return []
        purchase = (
            SeckillPurchase.objects.select_related("activity")
            .filter(
                activity_id=ctx.options["seckill_id"],
                token=str(ctx.options.get("seckill_token") or "-"),
                user=ctx.user,
                status=SeckillPurchaseStatus.RESERVED,
                order__isnull=True,
            )
            .first()
        )
        if purchase is None:
            raise _not_allowed()
        a = purchase.activity
        if len(ctx.lines) != 1 or ctx.lines[0].sku_id != a.sku_id or ctx.lines[0].quantity != 1:
            raise _not_allowed()
        line = ctx.lines[0]
        amount = max(0, min(line.unit_price_fen - a.seckill_price_fen, line.paid_fen))
        return [
            Discount(
                kind=KIND,
                label=f"秒杀价 ¥{a.seckill_price_fen // 100}.{a.seckill_price_fen % 100:02d}",
                line_amounts={0: amount},
                data={
                    "line_indexes": [0],
                    "activity_id": a.pk,
                    "purchase_id": purchase.pk,
                    "name": a.name,
                    "commission_allowed": a.commission_allowed,
                },
            )
        ]

    def commit(self, ctx: PricingContext, discounts: Sequence[Discount], order: Order) -> None:
        for d in discounts:
            placed = SeckillPurchase.objects.filter(
                pk=d.data["purchase_id"], status=SeckillPurchaseStatus.RESERVED, order__isnull=True
            ).update(status=SeckillPurchaseStatus.PLACED, order=order)
            if not placed:
                raise _not_allowed()
