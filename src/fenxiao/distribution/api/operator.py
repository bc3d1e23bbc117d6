"""The operator's distribution API under ``/api/v1/admin``: settings and tiers (same validation as
the admin), product commission overrides, the application queue, suspending distributors and
the withdrawal queue. Each endpoint calls the same service as the admin page."""

from __future__ import annotations

from typing import Annotated, Any

from django.db.models import Count, Q
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.errors import NotFound
from fenxiao.core.masking import mask_phone
from fenxiao.core.openapi_errors import answers
from fenxiao.core.paging import paginate
from fenxiao.distribution.api.schemas import (
    ApplicationAdminOut,
    DistributorAdminOut,
    MarkPaidIn,
    ProductCommissionBody,
    ProductCommissionOut,
    ReasonIn,
    SettingsBody,
    SettingsOut,
    TierBody,
    TierOut,
    WithdrawalAdminOut,
    withdrawal_dict,
)
from fenxiao.distribution.config import settings as config
from fenxiao.distribution.errors import SettingsInvalid
from fenxiao.distribution.models import (
    ApplicationStatus,
    Distributor,
    DistributorApplication,
    DistributorStatus,
    ProductCommission,
    Tier,
    Withdrawal,
)
from fenxiao.distribution.network import enrolment
from fenxiao.distribution.withdrawals import review

router = Router(tags=["分销运营"], auth=staff_auth)


class AdminPageQuery(Schema):
    status: str | None = None
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


class PageOut(Schema):
    count: int
    page: int
    page_size: int


class ApplicationPageOut(PageOut):
    items: list[ApplicationAdminOut]


class DistributorPageOut(PageOut):
    items: list[DistributorAdminOut]


class WithdrawalPageOut(PageOut):
    items: list[WithdrawalAdminOut]


def _notes(violations) -> list[dict[str, Any]]:
    return [{"code": v.code, "message": v.message, "field": v.field} for v in violations]


# -- settings, tiers, product overrides ---------------------------------------------------------


def _settings_out(warnings=()) -> dict[str, Any]:
    row = config.distribution_settings()
    return {**config.settings_values(row), "updated_at": row.updated_at, "warnings": _notes(warnings)}


@router.get("/distribution/settings", response=SettingsOut, summary="分销设置")
def settings_get(request: HttpRequest):
    try:
        warnings = config.settings_check(changes={})
    except SettingsInvalid as exc:  # stored before a rule existed: show what breaks it
        warnings = exc.violations
    return _settings_out(warnings)


@router.put("/distribution/settings", response=SettingsOut, summary="修改分销设置")
@answers(409)
def settings_put(request: HttpRequest, body: SettingsBody):
    changes = body.model_dump(exclude_none=True, exclude={"if_updated_at"})
    _row, warnings = config.settings_update(
        actor_id=request.auth.id, changes=changes, expected_updated_at=body.if_updated_at
    )
    return _settings_out(warnings)


def _tier_out(tier: Tier, warnings=()) -> dict[str, Any]:
    return {
        **{name: getattr(tier, name) for name in ("id", *config.TIER_FIELDS)},
        "distributor_count": getattr(tier, "distributor_count", 0),
        "warnings": _notes(warnings),
    }


@router.get("/distribution/tiers", response=list[TierOut], summary="分销等级")
def tiers(request: HttpRequest):
    return [_tier_out(t) for t in Tier.objects.annotate(distributor_count=Count("distributors")).order_by("rank")]


@router.post("/distribution/tiers", response={201: TierOut}, summary="新增分销等级")
def tier_create(request: HttpRequest, body: TierBody):
    tier, warnings = config.tier_save(actor_id=request.auth.id, tier_id=None, values=body.model_dump(exclude_none=True))
    return Status(201, _tier_out(tier, warnings))


@router.put("/distribution/tiers/{tier_id}", response=TierOut, summary="修改分销等级")
def tier_update(request: HttpRequest, tier_id: int, body: TierBody):
    tier, warnings = config.tier_save(
        actor_id=request.auth.id, tier_id=tier_id, values=body.model_dump(exclude_none=True)
    )
    return _tier_out(tier, warnings)


@router.delete("/distribution/tiers/{tier_id}", response={204: None}, summary="删除分销等级")
@answers(400)
def tier_delete(request: HttpRequest, tier_id: int):
    config.tier_delete(actor_id=request.auth.id, tier_id=tier_id)
    return Status(204, None)


def _override_out(o: ProductCommission) -> dict[str, Any]:
    fields = ("mode", "level1_bps", "level2_bps", "level3_bps", "level1_fixed_fen", "level2_fixed_fen")
    return {
        **{name: getattr(o, name) for name in (*fields, "level3_fixed_fen")},
        "product_id": o.product_id,
        "product_title": o.product.title,
    }


@router.get("/distribution/product-commissions", response=list[ProductCommissionOut], summary="商品单独佣金")
def product_commissions(request: HttpRequest):
    return [_override_out(o) for o in ProductCommission.objects.select_related("product").order_by("product_id")]


@router.put("/distribution/product-commissions/{product_id}", response=ProductCommissionOut, summary="设置商品单独佣金")
def product_commission_put(request: HttpRequest, product_id: int, body: ProductCommissionBody):
    override = config.product_commission_set(actor_id=request.auth.id, product_id=product_id, values=body.model_dump())
    return _override_out(ProductCommission.objects.select_related("product").get(pk=override.pk))


@router.delete("/distribution/product-commissions/{product_id}", response={204: None}, summary="取消商品单独佣金")
def product_commission_delete(request: HttpRequest, product_id: int):
    config.product_commission_clear(actor_id=request.auth.id, product_id=product_id)
    return Status(204, None)


# -- applications and distributors -------------------------------------------------------------


def _application_out(a: DistributorApplication) -> dict[str, Any]:
    return {
        "id": a.id,
        "user_id": a.user_id,
        "nickname": a.user.nickname,
        "real_name": a.real_name,
        "phone": a.phone,  # the reviewer calls the applicant: staff only
        "reason": a.reason,
        "status": a.status,
        "status_label": ApplicationStatus(a.status).label,
        "reject_reason": a.reject_reason,
        "created_at": a.created_at,
        "reviewed_at": a.reviewed_at,
    }


@router.get("/distributor-applications", response=ApplicationPageOut, summary="分销商申请队列")
def applications(request: HttpRequest, q: Query[AdminPageQuery]):
    qs = DistributorApplication.objects.select_related("user").order_by("-id")
    if q.status:
        qs = qs.filter(status=q.status)
    return paginate(qs, page=q.page, page_size=q.page_size).shaped(_application_out)


@router.post("/distributor-applications/{application_id}/approve", response=ApplicationAdminOut, summary="通过申请")
@answers(409)
def application_approve(request: HttpRequest, application_id: int):
    enrolment.application_approve(application_id=application_id, actor_id=request.auth.id)
    return _application_out(DistributorApplication.objects.select_related("user").get(pk=application_id))


@router.post("/distributor-applications/{application_id}/reject", response=ApplicationAdminOut, summary="驳回申请")
@answers(409)
def application_reject(request: HttpRequest, application_id: int, body: ReasonIn):
    enrolment.application_reject(application_id=application_id, actor_id=request.auth.id, reason=body.reason)
    return _application_out(DistributorApplication.objects.select_related("user").get(pk=application_id))


def _distributor_out(d: Distributor) -> dict[str, Any]:
    return {
        "id": d.id,
        "user_id": d.user_id,
        "code": d.code,
        "nickname": d.user.nickname,
        "real_name": d.real_name,
        "phone": mask_phone(d.phone or d.user.phone),
        "status": d.status,
        "status_label": DistributorStatus(d.status).label,
        "tier": d.tier.name,
        "team_size": getattr(d, "team_size", 0),
        "suspend_reason": d.suspend_reason,
        "joined_at": d.joined_at,
    }


class DistributorQuery(AdminPageQuery):
    search: str | None = None


@router.get("/distributors", response=DistributorPageOut, summary="分销商列表")
def distributors(request: HttpRequest, q: Query[DistributorQuery]):
    qs = Distributor.objects.select_related("user", "tier").annotate(team_size=Count("referrals")).order_by("-id")
    if q.status:
        qs = qs.filter(status=q.status)
    if q.search:
        term = q.search.strip()
        qs = qs.filter(Q(code__iexact=term) | Q(user__nickname__icontains=term) | Q(phone=term) | Q(real_name=term))
    return paginate(qs, page=q.page, page_size=q.page_size).shaped(_distributor_out)


def _distributor(distributor_id: int) -> dict[str, Any]:
    d = (
        Distributor.objects.select_related("user", "tier")
        .annotate(team_size=Count("referrals"))
        .filter(pk=distributor_id)
        .first()
    )
    if d is None:
        raise NotFound("DISTRIBUTOR_NOT_FOUND", "分销商不存在")
    return _distributor_out(d)


@router.post("/distributors/{distributor_id}/suspend", response=DistributorAdminOut, summary="暂停分销商")
def distributor_suspend(request: HttpRequest, distributor_id: int, body: ReasonIn):
    enrolment.distributor_suspend(distributor_id=distributor_id, actor_id=request.auth.id, reason=body.reason)
    return _distributor(distributor_id)


@router.post("/distributors/{distributor_id}/resume", response=DistributorAdminOut, summary="恢复分销商")
def distributor_resume(request: HttpRequest, distributor_id: int):
    enrolment.distributor_resume(distributor_id=distributor_id, actor_id=request.auth.id)
    return _distributor(distributor_id)


# -- withdrawals ---------------------------------------------------------------------------------


def _withdrawal_out(w: Withdrawal) -> dict[str, Any]:
    return {
        **withdrawal_dict(w),
        "distributor_id": w.distributor_id,
        "distributor_code": w.distributor.code,
        "real_name": w.distributor.real_name,
        "bank_name": w.bank_name,
        "bank_account_name": w.bank_account_name,
        "transfer_state": w.transfer_state,
        "paid_reference": w.paid_reference,
        "reviewed_at": w.reviewed_at,
    }


def _withdrawal(withdrawal_id: int) -> dict[str, Any]:
    return _withdrawal_out(Withdrawal.objects.select_related("distributor").get(pk=withdrawal_id))


@router.get("/withdrawals", response=WithdrawalPageOut, summary="提现队列")
def withdrawal_queue(request: HttpRequest, q: Query[AdminPageQuery]):
    qs = Withdrawal.objects.select_related("distributor").order_by("-id")
    if q.status:
        qs = qs.filter(status=q.status)
    return paginate(qs, page=q.page, page_size=q.page_size).shaped(_withdrawal_out)


@router.post("/withdrawals/{withdrawal_id}/approve", response=WithdrawalAdminOut, summary="通过提现")
@answers(409)
def withdrawal_approve(request: HttpRequest, withdrawal_id: int):
    review.withdrawal_approve(withdrawal_id=withdrawal_id, actor_id=request.auth.id)
    return _withdrawal(withdrawal_id)


@router.post("/withdrawals/{withdrawal_id}/reject", response=WithdrawalAdminOut, summary="驳回提现")
@answers(409)
def withdrawal_reject(request: HttpRequest, withdrawal_id: int, body: ReasonIn):
    review.withdrawal_reject(withdrawal_id=withdrawal_id, actor_id=request.auth.id, reason=body.reason)
    return _withdrawal(withdrawal_id)


@router.post("/withdrawals/{withdrawal_id}/mark-paid", response=WithdrawalAdminOut, summary="银行卡提现标记已打款")
def withdrawal_mark_paid(request: HttpRequest, withdrawal_id: int, body: MarkPaidIn):
    review.withdrawal_mark_bank_paid(withdrawal_id=withdrawal_id, actor_id=request.auth.id, reference=body.reference)
    return _withdrawal(withdrawal_id)
