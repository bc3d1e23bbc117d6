"""Becoming a distributor (DESIGN §5): by the platform's policy, never for a fee or a purchase.

Under "everyone" an application is granted at once; under "apply" an operator reviews it; under
"spend" a shopper whose paid spend reaches the threshold becomes one automatically, and can
still apply, so buying is never the only way in (禁止传销条例 Art. 7: no entry fee)."""

from __future__ import annotations

import re
import secrets

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone

from fenxiao.core.extensions import publish_on_commit
from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.errors import DistributionConflict, DistributionError
from fenxiao.distribution.locks import lock_application, lock_distributor
from fenxiao.distribution.models import (
    ApplicationStatus,
    BecomePolicy,
    Distributor,
    DistributorApplication,
    DistributorStatus,
    Tier,
)
from fenxiao.risk.audit import audit_record
from fenxiao.risk.blacklist.services import blacklist_refuse, is_blacklisted

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read aloud and typed by hand
CODE_LENGTH = 7
MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
REAL_NAME = re.compile(r"^[\u4e00-\u9fa5·A-Za-z ]{2,32}$")


def distributor_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def default_tier() -> Tier:
    """The lowest tier. A mall whose tiers were all removed gets 普通 back (10% / 5%, inside every
    rule) rather than refusing new distributors."""
    tier = Tier.objects.order_by("rank").first()
    if tier is None:
        tier, _ = Tier.objects.get_or_create(rank=0, defaults={"name": "普通", "level1_bps": 1000, "level2_bps": 500})
    return tier


def distributor_create(*, user_id: int, source: str, real_name: str = "", phone: str = "") -> Distributor:
    """Idempotent: a user who already is a distributor keeps their code and tier."""
    existing = Distributor.objects.filter(user_id=user_id).first()
    if existing:
        return existing
    tier = default_tier()
    for _ in range(8):
        try:
            with transaction.atomic():
                distributor = Distributor.objects.create(
                    user_id=user_id,
                    code=distributor_code_new(),
                    tier=tier,
                    source=source,
                    real_name=real_name,
                    phone=phone,
                )
            publish_on_commit("distributor_joined", distributor_id=distributor.id, user_id=user_id)
            return distributor
        except IntegrityError:
            existing = Distributor.objects.filter(user_id=user_id).first()
            if existing:  # a concurrent request made them a distributor first
                return existing
    raise DistributionError("DIST_CODE_EXHAUSTED", "推广码生成失败，请重试")


def _validate_applicant(real_name: str, phone: str) -> tuple[str, str]:
    real_name, phone = real_name.strip(), phone.strip()
    if not REAL_NAME.match(real_name):
        raise DistributionError("DIST_REAL_NAME_INVALID", "请填写真实姓名（2-32 个汉字或字母）", field="real_name")
    if not MOBILE.match(phone):
        raise DistributionError("DIST_PHONE_INVALID", "请填写正确的 11 位手机号", field="phone")
    return real_name, phone


@transaction.atomic
def application_submit(*, user_id: int, real_name: str, phone: str, reason: str) -> DistributorApplication:
    real_name, phone = _validate_applicant(real_name, phone)
    if Distributor.objects.filter(user_id=user_id).exists():
        raise DistributionConflict("DIST_ALREADY_DISTRIBUTOR", "您已经是分销商")
    blacklist_refuse(user_id=user_id, action="distributor")
    if DistributorApplication.objects.filter(user_id=user_id, status=ApplicationStatus.PENDING).exists():
        raise DistributionConflict("DIST_APPLICATION_PENDING", "您的申请正在审核中，请耐心等待")
    try:
        with transaction.atomic():
            application = DistributorApplication.objects.create(
                user_id=user_id, real_name=real_name, phone=phone, reason=reason.strip()[:500]
            )
    except IntegrityError as exc:  # a double tap raced past the check above
        raise DistributionConflict("DIST_APPLICATION_PENDING", "您的申请正在审核中，请耐心等待") from exc
    if distribution_settings().become_policy == BecomePolicy.EVERYONE:
        _approve(application, actor_id=None, source=BecomePolicy.EVERYONE)
    return application


def _lock_pending_application(application_id: int) -> DistributorApplication:
    application = lock_application(application_id)
    if application.status != ApplicationStatus.PENDING:
        raise DistributionConflict("DIST_APPLICATION_REVIEWED", "该申请已处理，不能重复审核")
    return application


def _approve(application: DistributorApplication, *, actor_id: int | None, source: str) -> Distributor:
    application.status = ApplicationStatus.APPROVED
    application.reviewed_by_id = actor_id
    application.reviewed_at = timezone.now()
    application.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    publish_on_commit("distributor_application_approved", application_id=application.pk)
    return distributor_create(
        user_id=application.user_id, source=source, real_name=application.real_name, phone=application.phone
    )


@transaction.atomic
def application_approve(*, application_id: int, actor_id: int) -> Distributor:
    application = _lock_pending_application(application_id)
    blacklist_refuse(user_id=application.user_id, action="distributor")
    distributor = _approve(application, actor_id=actor_id, source=BecomePolicy.APPLY)
    audit_record(
        actor_id=actor_id,
        action="distribution.application_approve",
        target_type="distributor_application",
        target_id=application.pk,
        summary=f"通过分销商申请，推广码 {distributor.code}",
    )
    return distributor


@transaction.atomic
def application_reject(*, application_id: int, actor_id: int, reason: str) -> DistributorApplication:
    reason = reason.strip()
    if not reason:
        raise DistributionError("DIST_REJECT_REASON_REQUIRED", "驳回时请填写原因", field="reason")
    application = _lock_pending_application(application_id)
    application.status = ApplicationStatus.REJECTED
    application.reject_reason = reason[:200]
    application.reviewed_by_id = actor_id
    application.reviewed_at = timezone.now()
    application.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at"])
    publish_on_commit("distributor_application_rejected", application_id=application.pk)
    audit_record(
        actor_id=actor_id,
        action="distribution.application_reject",
        target_type="distributor_application",
        target_id=application.pk,
        summary=f"驳回分销商申请：{reason[:100]}",
    )
    return application


def paid_spend_fen(user_id: int) -> int:
    """What the user has paid and kept (refunds subtracted)."""
    from fenxiao.orders.models import Order

    total = (
        Order.objects.filter(buyer_id=user_id, paid_at__isnull=False)
        .aggregate(total=Sum(F("paid_fen") - F("refunded_fen")))
        .get("total")
    )
    return int(total or 0)


def distributor_qualify_by_spend(*, user_id: int) -> Distributor | None:
    """Handler of ``order_paid``: under the spend policy, a shopper who reached the threshold
    becomes a distributor. Idempotent."""
    row = distribution_settings()
    if row.become_policy != BecomePolicy.SPEND or row.spend_threshold_fen <= 0:
        return None
    if Distributor.objects.filter(user_id=user_id).exists():
        return None
    if paid_spend_fen(user_id) < row.spend_threshold_fen:
        return None
    if is_blacklisted(user_id=user_id):  # nobody asked, so nobody is told: they simply stay a shopper
        return None
    return distributor_create(user_id=user_id, source=BecomePolicy.SPEND)


@transaction.atomic
def distributor_suspend(*, distributor_id: int, actor_id: int, reason: str) -> Distributor:
    """Commission stops accruing on new payments; what was earned stays theirs and still settles."""
    reason = reason.strip()
    if not reason:
        raise DistributionError("DIST_SUSPEND_REASON_REQUIRED", "暂停分销商时请填写原因", field="reason")
    distributor = lock_distributor(distributor_id)
    if distributor.status == DistributorStatus.SUSPENDED:
        raise DistributionConflict("DIST_ALREADY_SUSPENDED", "该分销商已被暂停")
    distributor.status = DistributorStatus.SUSPENDED
    distributor.suspended_at = timezone.now()
    distributor.suspend_reason = reason[:200]
    distributor.save(update_fields=["status", "suspended_at", "suspend_reason", "updated_at"])
    audit_record(
        actor_id=actor_id,
        action="distribution.distributor_suspend",
        target_type="distributor",
        target_id=distributor.pk,
        summary=f"暂停分销商 {distributor.code}：{reason[:100]}",
    )
    return distributor


@transaction.atomic
def distributor_resume(*, distributor_id: int, actor_id: int) -> Distributor:
    distributor = lock_distributor(distributor_id)
    if distributor.status == DistributorStatus.ACTIVE:
        raise DistributionConflict("DIST_NOT_SUSPENDED", "该分销商未被暂停")
    distributor.status = DistributorStatus.ACTIVE
    distributor.suspended_at = None
    distributor.suspend_reason = ""
    distributor.save(update_fields=["status", "suspended_at", "suspend_reason", "updated_at"])
    audit_record(
        actor_id=actor_id,
        action="distribution.distributor_resume",
        target_type="distributor",
        target_id=distributor.pk,
        summary=f"恢复分销商 {distributor.code}",
    )
    return distributor
