"""The shopper's coupon centre under ``/api/v1/coupons``: templates to claim, claiming, their own
coupons by status, and which of them a basket can use."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status

from fenxiao.accounts.auth import user_auth
from fenxiao.core.limits import BIGINT_MAX, RowId
from fenxiao.core.openapi_errors import answers
from fenxiao.orders.checkout import LineRequest, checkout_quote
from fenxiao.orders.errors import OrderError
from fenxiao.promotions.api.coupon_schemas import (
    CentreItemOut,
    ClaimIn,
    UsableOut,
    UserCouponOut,
    evaluation_dict,
    template_brief,
    user_coupon_dict,
)
from fenxiao.promotions.coupons import claims, selectors
from fenxiao.promotions.coupons.rules import label_for

MAX_LINES = 50
MAX_QUANTITY = 999

router = Router(tags=["优惠券"], auth=user_auth)


class MineQuery(Schema):
    status: Literal["unused", "used", "expired"] = "unused"


class UsableQuery(Schema):
    # Each line as "sku_id:quantity", repeated: ?lines=12:2&lines=13:1
    lines: list[str]
    address_id: RowId | None = None


@router.get("", response=list[CentreItemOut], summary="领券中心")
def centre(request: HttpRequest):
    return [
        {
            **template_brief(item["template"], item["label"]),
            "held": item["held"],
            "per_user_limit": item["template"].per_user_limit,
            "remaining": item["remaining"],
            "can_claim": item["can_claim"],
        }
        for item in selectors.coupon_centre_list(user=request.auth, now=timezone.now())
    ]


@router.post("", response={201: UserCouponOut}, summary="领取优惠券")
@answers(404, 409)
def claim(request: HttpRequest, body: ClaimIn):
    uc = claims.coupon_claim(user=request.auth, template_id=body.template_id)
    return Status(201, user_coupon_dict(uc, label_for(selectors.coupon_spec(uc.template))))


@router.get("/mine", response=list[UserCouponOut], summary="我的优惠券")
def mine(request: HttpRequest, q: Query[MineQuery]):
    found = selectors.user_coupon_list(user=request.auth, status=q.status, now=timezone.now()).prefetch_related(
        "template__categories", "template__products"
    )
    return [user_coupon_dict(uc, label_for(selectors.coupon_spec(uc.template)), status=q.status) for uc in found]


def _parse_lines(raw: list[str]) -> list[LineRequest]:
    """Bounded as the checkout's own body is (50 lines, 1-999 each, ids a row can have), so a
    number beyond a BIGINT never reaches the database."""
    try:
        lines = [LineRequest(int(sku), int(qty)) for sku, qty in (item.split(":", 1) for item in raw)]
    except ValueError as exc:
        raise OrderError("LINES_INVALID", "商品参数格式应为 sku_id:数量", field="lines") from exc
    if not 1 <= len(lines) <= MAX_LINES or any(
        not (1 <= ln.sku_id <= BIGINT_MAX and 1 <= ln.quantity <= MAX_QUANTITY) for ln in lines
    ):
        message = f"商品参数格式应为 sku_id:数量，最多 {MAX_LINES} 种，每种 1 到 {MAX_QUANTITY} 件"
        raise OrderError("LINES_INVALID", message, field="lines")
    return lines


@router.get("/usable", response=UsableOut, summary="结算可用优惠券")
@answers(400)
def usable(request: HttpRequest, q: Query[UsableQuery]):
    """Priced as the checkout prices the basket without a coupon, so a coupon that does not stack
    sees the other promotions' discounts."""
    priced = checkout_quote(user=request.auth, lines=_parse_lines(q.lines), address_id=q.address_id, check_stock=False)
    found = selectors.coupons_for_basket(user=request.auth, lines=priced.quote.lines, now=timezone.now())
    return {
        "usable": [evaluation_dict(e) for e in found if e.reason is None],
        "unusable": [evaluation_dict(e) for e in found if e.reason is not None],
    }
