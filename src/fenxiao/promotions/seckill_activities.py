"""Operator services for seckill activities: create, update, pause, resume, report. The operator
API and the admin call these, so both check the same rules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q

from fenxiao.catalog.models import Sku
from fenxiao.core.errors import Conflict, DomainError, NotFound
from fenxiao.promotions import seckill_gate
from fenxiao.promotions.models import SeckillActivity, SeckillPurchaseStatus, SeckillStatus

EDITABLE = (
    "name",
    "sku_id",
    "seckill_price_fen",
    "stock",
    "per_user_limit",
    "starts_at",
    "ends_at",
    "payment_minutes",
    "commission_allowed",
)


class SeckillError(DomainError):
    pass


class SeckillConflict(Conflict):
    pass


def activity_not_found() -> NotFound:
    return NotFound("SECKILL_NOT_FOUND", "秒杀活动不存在")


def activity_problems(a: SeckillActivity) -> list[str]:
    """Every broken rule at once, in Chinese, so a form shows them all."""
    problems = []
    if not (a.name or "").strip():
        problems.append("请填写活动名称")
    if a.seckill_price_fen is None or a.seckill_price_fen < 0:
        problems.append("秒杀价不能为负")
    if a.sku_id is None or not Sku.objects.filter(pk=a.sku_id).exists():
        problems.append("SKU 不存在")
    else:
        price = Sku.objects.filter(pk=a.sku_id).values_list("price_fen", flat=True).get()
        if a.seckill_price_fen is not None and a.seckill_price_fen > price:
            problems.append("秒杀价不能高于售价")
    if a.stock is None or a.stock < (a.sold or 0):
        problems.append(f"秒杀库存不能少于已售数量（{a.sold or 0}）")
    if not a.per_user_limit or a.per_user_limit < 1:
        problems.append("每人限购至少为 1")
    if not a.payment_minutes or a.payment_minutes < 1:
        problems.append("支付时限至少为 1 分钟")
    if a.starts_at is None or a.ends_at is None or a.ends_at <= a.starts_at:
        problems.append("结束时间必须晚于开始时间")
    return problems


def _check(a: SeckillActivity) -> None:
    problems = activity_problems(a)
    if problems:
        raise SeckillError("SECKILL_INVALID", "；".join(problems))


def lock_activity(activity_id: int) -> SeckillActivity:
    a = SeckillActivity.objects.select_for_update().filter(pk=activity_id).first()
    if a is None:
        raise activity_not_found()
    return a


@transaction.atomic
def seckill_activity_create(*, fields: dict[str, Any]) -> SeckillActivity:
    a = SeckillActivity(**{k: v for k, v in fields.items() if k in EDITABLE})
    _check(a)
    a.save()
    return a


@transaction.atomic
def seckill_activity_update(*, activity_id: int, fields: dict[str, Any]) -> SeckillActivity:
    """The SKU cannot change once units were sold (the orders point at it); a changed quota moves
    the Redis stock by the same amount after commit."""
    a = lock_activity(activity_id)
    before = a.stock
    if "sku_id" in fields and fields["sku_id"] != a.sku_id and a.sold:
        raise SeckillConflict("SECKILL_SKU_LOCKED", "活动已有成交，不能更换 SKU")
    for k, v in fields.items():
        if k in EDITABLE:
            setattr(a, k, v)
    _check(a)
    a.save()
    if seckill_gate.enabled() and a.stock != before:
        delta = a.stock - before
        transaction.on_commit(lambda: seckill_gate.gate_adjust_stock(activity_id=a.pk, delta=delta))
    return a


@transaction.atomic
def seckill_activity_pause(*, activity_id: int) -> SeckillActivity:
    a = lock_activity(activity_id)
    a.status = SeckillStatus.PAUSED
    a.save(update_fields=["status", "updated_at"])
    return a


@transaction.atomic
def seckill_activity_resume(*, activity_id: int) -> SeckillActivity:
    a = lock_activity(activity_id)
    a.status = SeckillStatus.ACTIVE
    a.save(update_fields=["status", "updated_at"])
    return a


def seckill_activity_report(*, activity: SeckillActivity) -> dict[str, int | None]:
    """Sold / stock / orders, with the Redis stock beside the database's remaining when Redis is on."""
    counts = activity.purchases.aggregate(
        placed=Count("pk", filter=Q(status=SeckillPurchaseStatus.PLACED)),
        paid=Count("pk", filter=Q(status=SeckillPurchaseStatus.PLACED, order__paid_at__isnull=False)),
        returned=Count("pk", filter=Q(status=SeckillPurchaseStatus.RETURNED)),
    )
    return {
        "stock": activity.stock,
        "sold": activity.sold,
        "remaining": activity.stock - activity.sold,
        "redis_remaining": seckill_gate.gate_remaining(activity.pk) if seckill_gate.enabled() else None,
        "orders": counts["placed"],
        "paid_orders": counts["paid"],
        "returned": counts["returned"],
    }


def seckill_window_state(a: SeckillActivity, now: datetime) -> str:
    """ "paused" / "upcoming" / "ended" / "sold_out" / "on_sale": what the shopper is shown."""
    if a.status == SeckillStatus.PAUSED:
        return "paused"
    if now < a.starts_at:
        return "upcoming"
    if now >= a.ends_at:
        return "ended"
    if a.sold >= a.stock:
        return "sold_out"
    return "on_sale"
