"""Coupon errors: stable codes for the API, Chinese messages for people."""

from __future__ import annotations

from fenxiao.core.errors import Conflict, DomainError


class CouponError(DomainError):
    pass


class CouponConflict(Conflict):
    pass


def coupon_not_usable(reason: str) -> CouponError:
    return CouponError("COUPON_NOT_USABLE", f"优惠券不可用：{reason}", field="coupon_id")
