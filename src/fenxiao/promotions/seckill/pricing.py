"""The seckill discount provider for the checkout pricing hook. It grants the seckill price only
to an order the seckill endpoint is placing: the endpoint opens a grant (``seckill_grant``) for
the activity it has just read and the shopper it has locked, in this very call stack, and
``options`` must carry that grant's activity and one-time token. Posting ``{"seckill_id": 3}``
(with any token) to the ordinary checkout finds no grant and gets nothing but a refusal.

The grant lives in a context variable rather than in a reserved database row: the endpoint's
statements are the seckill's hot path, and a row written only to be read back and updated by the
provider in the same transaction cost three statements per winner. The purchase row is written
once, already placed, when the order exists (``commit``)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fenxiao.core.statements import rows_insert
from fenxiao.orders.pricing import Discount
from fenxiao.orders.pricing_hooks import PricingContext
from fenxiao.promotions.activities.pricing import ActivityPriceProvider
from fenxiao.promotions.inputs import option_id
from fenxiao.promotions.models import SeckillActivity, SeckillPurchase, SeckillPurchaseStatus
from fenxiao.promotions.seckill.activities import SeckillError

if TYPE_CHECKING:
    from fenxiao.orders.models import Order

KIND = "seckill"  # what the order's adjustments call it; distribution reads this kind
PROVIDER = "promotions.seckill"


@dataclass(frozen=True)
class SeckillGrant:
    activity: SeckillActivity
    user_id: int
    token: str


_grant: ContextVar[SeckillGrant | None] = ContextVar("seckill_grant", default=None)


@contextmanager
def seckill_grant(*, activity: SeckillActivity, user_id: int) -> Iterator[str]:
    """While the block runs, an order of ``user_id`` for one unit of the activity's SKU, whose
    options carry the yielded token, is priced at the seckill price (once)."""
    token = secrets.token_urlsafe(32)
    reset = _grant.set(SeckillGrant(activity=activity, user_id=user_id, token=token))
    try:
        yield token
    finally:
        _grant.reset(reset)


def _not_allowed() -> SeckillError:
    return SeckillError("SECKILL_NOT_ALLOWED", "秒杀价仅限通过秒杀活动下单", field="options")


def _granted(ctx: PricingContext) -> SeckillGrant:
    grant = _grant.get()
    if (
        grant is None
        or ctx.options.get("seckill_id") != grant.activity.pk
        or ctx.options.get("seckill_token") != grant.token
        or ctx.user.pk != grant.user_id
    ):
        raise _not_allowed()
    return grant


class SeckillProvider(ActivityPriceProvider):
    """One unit at the seckill price, for the shopper the seckill endpoint granted it to."""

    kind = PROVIDER
    adjustment_kind = KIND

    def not_allowed(self) -> SeckillError:
        return _not_allowed()

    def discounts(self, ctx: PricingContext) -> Sequence[Discount]:
        if option_id(ctx.options, "seckill_id", invalid=_not_allowed) is None:
            return []
        a = _granted(ctx).activity
        line = self.activity_line(ctx, a, max_quantity=1)
        return [self.activity_discount(line, a, price_fen=a.seckill_price_fen, label="秒杀价", data={})]

    def commit(self, ctx: PricingContext, discounts: Sequence[Discount], order: Order) -> None:
        """The unit the shopper won, written once and already placed with its order. The token is
        unique, so a grant cannot place two orders even if its caller tried."""
        if not discounts:
            return
        grant = _granted(ctx)
        purchase = SeckillPurchase(
            activity=grant.activity,
            user_id=grant.user_id,
            order=order,
            token=grant.token,
            status=SeckillPurchaseStatus.PLACED,
        )
        rows_insert([purchase])  # no receiver listens to purchases; prebuilt, as the order's rows
