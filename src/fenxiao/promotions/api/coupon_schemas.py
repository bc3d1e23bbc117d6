"""What the mini-program and the operator console send and receive for coupons. Amounts are fen."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import StringConstraints

from fenxiao.promotions.coupons.selectors import Evaluation
from fenxiao.promotions.coupons.templates import NULLABLE
from fenxiao.promotions.inputs import MAX_VALID_DAYS, Fen, PatchSchema, Positive, RowId, When
from fenxiao.promotions.models import CouponKind, CouponScope, CouponTemplate, UserCoupon

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
# Documented as enums so API clients can see the choices; checked by the service, which names the
# bad value in its own error (COUPON_TEMPLATE_INVALID) rather than a generic validation error.
Kind = Annotated[
    str,
    Field(
        description="满减券 fixed / 折扣券 percent / 无门槛券 no_threshold",
        json_schema_extra={"enum": CouponKind.values},
    ),
]
Scope = Annotated[
    str,
    Field(
        description="全场 all / 指定分类 categories / 指定商品 products", json_schema_extra={"enum": CouponScope.values}
    ),
]


class ClaimIn(Schema):
    template_id: RowId


class TemplateBrief(Schema):
    id: int
    name: str
    kind: str
    label: str
    amount_fen: int
    percent_bps: int
    cap_fen: int | None
    threshold_fen: int
    scope: str
    stackable: bool
    valid_from: datetime | None
    valid_until: datetime | None
    valid_days_after_claim: int | None


class CentreItemOut(TemplateBrief):
    held: int
    per_user_limit: int
    remaining: int
    can_claim: bool


class UserCouponOut(Schema):
    id: int
    status: str
    claimed_at: datetime
    starts_at: datetime
    expires_at: datetime
    used_order_id: int | None
    used_at: datetime | None
    template: TemplateBrief


class UsableCouponOut(UserCouponOut):
    usable: bool
    discount_fen: int
    reason: str | None


class UsableOut(Schema):
    usable: list[UsableCouponOut]
    unusable: list[UsableCouponOut]


def template_brief(t: CouponTemplate, label: str) -> dict:
    return {
        "id": t.pk,
        "name": t.name,
        "kind": t.kind,
        "label": label,
        "amount_fen": t.amount_fen,
        "percent_bps": t.percent_bps,
        "cap_fen": t.cap_fen,
        "threshold_fen": t.threshold_fen,
        "scope": t.scope,
        "stackable": t.stackable,
        "valid_from": t.valid_from,
        "valid_until": t.valid_until,
        "valid_days_after_claim": t.valid_days_after_claim,
    }


def user_coupon_dict(uc: UserCoupon, label: str, *, status: str | None = None) -> dict:
    return {
        "id": uc.pk,
        "status": status or uc.status,
        "claimed_at": uc.claimed_at,
        "starts_at": uc.starts_at,
        "expires_at": uc.expires_at,
        "used_order_id": uc.used_order_id,
        "used_at": uc.used_at,
        "template": template_brief(uc.template, label),
    }


def evaluation_dict(e: Evaluation) -> dict:
    return {
        **user_coupon_dict(e.user_coupon, e.label),
        "usable": e.reason is None,
        "discount_fen": e.amount_fen,
        "reason": e.reason,
    }


ScopeIds = Annotated[list[RowId], Field(max_length=500)]
ValidDays = Annotated[int, Field(ge=1, le=MAX_VALID_DAYS)]


class TemplateIn(Schema):
    name: Name
    kind: Kind
    amount_fen: Fen = 0
    percent_bps: Annotated[int, Field(ge=0, le=10_000)] = 0
    cap_fen: Annotated[Fen, Field(ge=1)] | None = None
    threshold_fen: Fen = 0
    scope: Scope = "all"
    category_ids: ScopeIds = []
    product_ids: ScopeIds = []
    valid_from: When | None = None
    valid_until: When | None = None
    valid_days_after_claim: ValidDays | None = None
    total_quantity: Positive
    per_user_limit: Positive = 1
    stackable: bool = False
    public: bool = True


class TemplatePatch(PatchSchema):
    nullable = frozenset(NULLABLE)

    name: Name | None = None
    kind: Kind | None = None
    amount_fen: Fen | None = None
    percent_bps: Annotated[int, Field(ge=0, le=10_000)] | None = None
    cap_fen: Annotated[Fen, Field(ge=1)] | None = None
    threshold_fen: Fen | None = None
    scope: Scope | None = None
    category_ids: ScopeIds | None = None
    product_ids: ScopeIds | None = None
    valid_from: When | None = None
    valid_until: When | None = None
    valid_days_after_claim: ValidDays | None = None
    total_quantity: Positive | None = None
    per_user_limit: Positive | None = None
    stackable: bool | None = None
    public: bool | None = None


class TemplateAdminOut(TemplateBrief):
    public: bool
    total_quantity: int
    per_user_limit: int
    claimed_count: int
    used_count: int
    status: str
    category_ids: list[int]
    product_ids: list[int]
    created_at: datetime


class TemplatePageOut(Schema):
    items: list[TemplateAdminOut]
    count: int
    page: int
    page_size: int


class CouponReportOut(Schema):
    template_id: int
    name: str
    status: str
    total_quantity: int
    claimed_count: int
    used_count: int
    unused_count: int
    expired_count: int
    users: int


def template_admin_dict(t: CouponTemplate, label: str) -> dict:
    return {
        **template_brief(t, label),
        "public": t.public,
        "total_quantity": t.total_quantity,
        "per_user_limit": t.per_user_limit,
        "claimed_count": t.claimed_count,
        "used_count": t.used_count,
        "status": t.status,
        "category_ids": sorted(c.pk for c in t.categories.all()),
        "product_ids": sorted(p.pk for p in t.products.all()),
        "created_at": t.created_at,
    }
