"""Operator services for coupon templates: create, update, pause, resume. The admin and the
operator API call these, so both check the same rules."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction

from fenxiao.catalog.models import Category, Product
from fenxiao.core.errors import NotFound
from fenxiao.promotions.coupons.errors import CouponError
from fenxiao.promotions.inputs import time_problem
from fenxiao.promotions.locks import lock_coupon_template
from fenxiao.promotions.models import CouponKind, CouponScope, CouponTemplate, TemplateStatus

EDITABLE = (
    "name",
    "kind",
    "amount_fen",
    "percent_bps",
    "cap_fen",
    "threshold_fen",
    "scope",
    "valid_from",
    "valid_until",
    "valid_days_after_claim",
    "total_quantity",
    "per_user_limit",
    "stackable",
    "public",
)
NULLABLE = frozenset({"cap_fen", "valid_from", "valid_until", "valid_days_after_claim"})


def template_problems(t: CouponTemplate, *, category_ids: Iterable[int], product_ids: Iterable[int]) -> list[str]:
    """Every broken rule at once, so the merchant fixes the form in one go."""
    problems = []
    if not t.name.strip():
        problems.append("请填写名称")
    if t.kind not in CouponKind.values:
        problems.append("优惠券类型无效")
    if t.kind in (CouponKind.FIXED, CouponKind.NO_THRESHOLD) and t.amount_fen <= 0:
        problems.append("减免金额必须大于 0")
    if t.kind == CouponKind.FIXED and t.threshold_fen < t.amount_fen:
        problems.append("满减券的门槛不能低于减免金额")
    if t.kind == CouponKind.PERCENT and not 0 < t.percent_bps < 10_000:
        problems.append("折扣比例必须在 0 到 10000 基点之间")
    if t.cap_fen is not None and t.cap_fen <= 0:
        problems.append("最高减免必须大于 0")
    if t.threshold_fen < 0 or t.amount_fen < 0:
        problems.append("金额不能为负数")
    if t.scope not in CouponScope.values:
        problems.append("适用范围无效")
    if t.scope == CouponScope.CATEGORIES and not list(category_ids):
        problems.append("请选择适用分类")
    if t.scope == CouponScope.PRODUCTS and not list(product_ids):
        problems.append("请选择适用商品")
    if (t.valid_until is None) == (t.valid_days_after_claim is None):
        problems.append("请在固定有效期与领取后有效天数中选择一种")
    if t.valid_days_after_claim is not None and t.valid_days_after_claim < 1:
        problems.append("领取后有效天数至少为 1")
    if time_problem(t.valid_from, t.valid_until):
        problems.append("生效和失效时间须带时区")
    elif t.valid_from and t.valid_until and t.valid_from >= t.valid_until:
        problems.append("失效时间必须晚于生效时间")
    if t.total_quantity is None or t.total_quantity < 1:
        problems.append("发行总量至少为 1")
    elif t.total_quantity < t.claimed_count:
        problems.append(f"发行总量不能少于已领取数量 {t.claimed_count}")
    if t.per_user_limit is None or t.per_user_limit < 1:
        problems.append("每人限领至少为 1")
    return problems


def _check(t: CouponTemplate, category_ids: list[int], product_ids: list[int]) -> None:
    problems = template_problems(t, category_ids=category_ids, product_ids=product_ids)
    if Category.objects.filter(pk__in=category_ids).count() != len(set(category_ids)):
        problems.append("所选分类不存在")
    if Product.objects.filter(pk__in=product_ids).count() != len(set(product_ids)):
        problems.append("所选商品不存在")
    if problems:
        raise CouponError("COUPON_TEMPLATE_INVALID", "；".join(problems))


def _set_scope(t: CouponTemplate, category_ids: list[int], product_ids: list[int]) -> None:
    t.categories.set(category_ids if t.scope == CouponScope.CATEGORIES else [])
    t.products.set(product_ids if t.scope == CouponScope.PRODUCTS else [])


@transaction.atomic
def coupon_template_create(
    *, fields: dict[str, Any], category_ids: list[int] | None = None, product_ids: list[int] | None = None
) -> CouponTemplate:
    category_ids, product_ids = list(category_ids or []), list(product_ids or [])
    t = CouponTemplate(**{k: v for k, v in fields.items() if k in EDITABLE})
    _check(t, category_ids, product_ids)
    t.save()
    _set_scope(t, category_ids, product_ids)
    return t


def lock_template(template_id: int) -> CouponTemplate:
    t = lock_coupon_template(template_id)
    if t is None:
        raise NotFound("COUPON_TEMPLATE_NOT_FOUND", "优惠券不存在")
    return t


@transaction.atomic
def coupon_template_update(
    *,
    template_id: int,
    fields: dict[str, Any],
    category_ids: list[int] | None = None,
    product_ids: list[int] | None = None,
) -> CouponTemplate:
    """Change what is given; coupons already claimed keep their expiry and follow the new rules."""
    t = lock_template(template_id)
    for key, value in fields.items():
        if key in EDITABLE and (value is not None or key in NULLABLE):
            setattr(t, key, value)
    cats = list(category_ids) if category_ids is not None else list(t.categories.values_list("pk", flat=True))
    prods = list(product_ids) if product_ids is not None else list(t.products.values_list("pk", flat=True))
    _check(t, cats, prods)
    t.save()
    _set_scope(t, cats, prods)
    return t


@transaction.atomic
def coupon_template_set_status(*, template_id: int, status: str) -> CouponTemplate:
    """Pausing stops claims; coupons already claimed stay usable."""
    t = lock_template(template_id)
    if t.status != status:
        t.status = status
        t.save(update_fields=["status", "updated_at"])
    return t


def coupon_template_pause(*, template_id: int) -> CouponTemplate:
    return coupon_template_set_status(template_id=template_id, status=TemplateStatus.PAUSED)


def coupon_template_resume(*, template_id: int) -> CouponTemplate:
    return coupon_template_set_status(template_id=template_id, status=TemplateStatus.ACTIVE)


def claim_window_open(t: CouponTemplate, now: datetime) -> bool:
    """Claimable while active and not past its fixed end date (a dated coupon may be claimed
    before it starts)."""
    return t.public and t.status == TemplateStatus.ACTIVE and (t.valid_until is None or now < t.valid_until)
