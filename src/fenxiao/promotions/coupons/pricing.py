"""The coupon discount provider for the checkout pricing hook (``fenxiao.orders.pricing_hooks``).

What the shopper asks for, in the quote's and the order's ``options``:

- nothing: no coupon (a basket is never discounted behind the shopper's back, so the total they
  saw without choosing is the total they pay);
- ``{"coupon": "best"}``: the usable coupon with the largest discount (ties: the one expiring
  soonest), or none if none is usable;
- ``{"coupon_id": 12}``: that user coupon, refused with ``COUPON_NOT_USABLE`` and the reason
  (未满足使用门槛 / 已过期 / 不适用于这些商品 / 已使用) if it cannot be used, and with
  ``COUPON_NOT_USABLE`` too if the id is not an integer at all (text, a list, a bool) or
  ``coupon`` is anything but "best".

One coupon per order. A coupon marked not stackable only covers lines no earlier provider
discounted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.utils import timezone

from fenxiao.core.errors import DomainError
from fenxiao.orders.pricing import Discount
from fenxiao.orders.pricing_hooks import PricingContext
from fenxiao.promotions.coupons.claims import coupon_use
from fenxiao.promotions.coupons.errors import coupon_not_usable
from fenxiao.promotions.coupons.selectors import Evaluation, best_coupon, coupon_evaluate, user_coupon_get
from fenxiao.promotions.inputs import option_id

if TYPE_CHECKING:
    from fenxiao.orders.models import Order

KIND = "coupon"  # what the order's adjustments call the discount
PROVIDER = "promotions.coupon"  # the provider's registration name, distinct from stand-ins in tests


def _bad_coupon_id() -> DomainError:
    return coupon_not_usable("优惠券编号不正确")


def _discount(e: Evaluation) -> Discount:
    uc = e.user_coupon
    return Discount(
        kind=KIND,
        label=e.label,
        line_amounts=e.line_amounts,
        data={"user_coupon_id": uc.pk, "template_id": uc.template_id, "name": uc.template.name},
    )


class CouponProvider:
    kind = PROVIDER

    def discounts(self, ctx: PricingContext) -> Sequence[Discount]:
        now = timezone.now()
        coupon_id = option_id(ctx.options, "coupon_id", invalid=_bad_coupon_id)
        if coupon_id is not None:
            uc = user_coupon_get(user=ctx.user, user_coupon_id=coupon_id)
            chosen = coupon_evaluate(uc, ctx.lines, now)
            if chosen.reason is not None:
                raise coupon_not_usable(chosen.reason)
            return [_discount(chosen)]
        choice = ctx.options.get("coupon")
        if choice is not None and choice != "best":
            raise coupon_not_usable("只能选择 best（自动选用优惠最大的券）")
        if choice == "best":
            best = best_coupon(user=ctx.user, lines=ctx.lines, now=now)
            return [_discount(best)] if best else []
        return []

    def commit(self, ctx: PricingContext, discounts: Sequence[Discount], order: Order) -> None:
        for d in discounts:
            coupon_use(user_coupon_id=d.data["user_coupon_id"], user=ctx.user, order=order)
