"""Referral binding (DESIGN §5): who a shopper belongs to, by the platform's policy.

Opening a share never fails the shopper's page: a share that cannot move an existing binding
answers "kept" rather than an error. What is refused with an error is what no policy allows: an
unknown or suspended code, binding to oneself, and a loop (A under B under A)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from fenxiao.core.errors import NotFound
from fenxiao.core.extensions import publish_on_commit
from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.errors import DistributionConflict, DistributionError
from fenxiao.distribution.locks import lock_referral, lock_referral_touch
from fenxiao.distribution.models import (
    BindingPolicy,
    BindOn,
    Distributor,
    DistributorStatus,
    Referral,
    ReferralChange,
    ReferralSource,
    ReferralTouch,
)
from fenxiao.risk.blacklist.services import blacklist_refuse
from fenxiao.risk.models import TraceKind
from fenxiao.risk.traces.services import client_trace_record

MAX_CHAIN_WALK = 64  # a guard against corrupt data; real chains are never this deep


@dataclass(frozen=True)
class BindOutcome:
    status: str  # "bound" | "rebound" | "unchanged" | "kept" | "pending"
    distributor: Distributor
    message: str


def chain_lookups(depth: int, *, prefix: str = "") -> list[str]:
    """The lookups that reach the referrer ``1..depth`` levels above a Referral (or, with
    ``prefix="referral__"``, above a User): one join per level, read in one query."""
    paths = [f"{prefix}distributor_id"]
    for _ in range(depth - 1):
        paths.append(paths[-1].removesuffix("_id") + "__user__referral__distributor_id")
    return paths if depth > 0 else []


def chain_from_row(ids) -> list[int]:
    """Cut the ids read by ``chain_lookups`` at the top (None) or at a repeat: a loop in bad data
    never loops here."""
    chain: list[int] = []
    for distributor_id in ids or ():
        if distributor_id is None or distributor_id in chain:
            break
        chain.append(distributor_id)
    return chain


def _would_loop(*, user_id: int, distributor: Distributor) -> bool:
    """True when ``user_id`` is already above ``distributor`` (binding would close a circle)."""
    if distributor.user_id == user_id:
        return True
    current_user = distributor.user_id
    for _ in range(MAX_CHAIN_WALK):
        above = Referral.objects.filter(user_id=current_user).values_list("distributor__user_id", flat=True).first()
        if above is None:
            return False
        if above == user_id:
            return True
        current_user = above
    return True


def _distributor_for_code(code: str) -> Distributor:
    code = (code or "").strip().upper()
    distributor = Distributor.objects.filter(code=code).first() if code else None
    if distributor is None:
        raise NotFound("DIST_CODE_NOT_FOUND", "推广码无效")
    return distributor


def _check_source(source: str) -> str:
    if source not in ReferralSource.values:
        raise DistributionError("DIST_BIND_SOURCE_INVALID", "来源只能是 link、poster 或 qrcode", field="source")
    return source


def referral_bind(*, user_id: int, code: str, source: str, now: datetime | None = None) -> BindOutcome:
    """The shopper opened a share with ``code``. Binds now or, when the policy binds at the first
    order, remembers the touch for ``referral_bind_from_touch``."""
    now = now or timezone.now()
    source = _check_source(source)
    distributor = _distributor_for_code(code)
    if distributor.status != DistributorStatus.ACTIVE:
        raise DistributionConflict("DIST_REFERRER_SUSPENDED", "该推广码暂不可用")
    if distributor.user_id == user_id:
        raise DistributionError("DIST_SELF_BIND", "不能绑定自己的推广码")
    if _would_loop(user_id=user_id, distributor=distributor):
        raise DistributionError("DIST_BIND_LOOP", "不能绑定自己的下级为推荐人")
    blacklist_refuse(user_id=user_id, action="binding")
    row = distribution_settings()
    if row.bind_on == BindOn.FIRST_ORDER:
        return _touch(user_id=user_id, distributor=distributor, source=source, now=now, policy=row.binding_policy)
    return _bind(
        user_id=user_id,
        distributor=distributor,
        source=source,
        now=now,
        policy=row.binding_policy,
        rebind_after=timedelta(days=row.rebind_after_days),
    )


def _bound(*, user_id: int, distributor: Distributor) -> None:
    """A binding was made: record where it came from (device, IP) and look for self-dealing once
    it has committed."""
    referral_id = Referral.objects.filter(user_id=user_id).values_list("pk", flat=True).first() or 0
    client_trace_record(kind=TraceKind.BINDING, object_id=referral_id, user_id=user_id)
    publish_on_commit("referral_bound", user_id=user_id, distributor_id=distributor.id)


def _touch(*, user_id: int, distributor: Distributor, source: str, now: datetime, policy: str) -> BindOutcome:
    with transaction.atomic():
        touch = lock_referral_touch(user_id)
        if touch is None:
            try:
                with transaction.atomic():
                    ReferralTouch.objects.create(
                        user_id=user_id, distributor=distributor, source=source, touched_at=now
                    )
            except IntegrityError:
                pass  # a concurrent touch landed first; under first touch it wins, otherwise next visit replaces it
        elif policy != BindingPolicy.FIRST_TOUCH:
            touch.distributor = distributor
            touch.source = source
            touch.touched_at = now
            touch.save(update_fields=["distributor", "source", "touched_at"])
    return BindOutcome("pending", distributor, "将在您首次下单时绑定推荐人")


def _bind(
    *, user_id: int, distributor: Distributor, source: str, now: datetime, policy: str, rebind_after: timedelta
) -> BindOutcome:
    with transaction.atomic():
        referral = lock_referral(user_id)
        if referral is None:
            try:
                with transaction.atomic():
                    Referral.objects.create(user_id=user_id, distributor=distributor, source=source, bound_at=now)
            except IntegrityError:
                # A concurrent share bound this user first: decide again against that binding.
                referral = lock_referral(user_id)
            else:
                ReferralChange.objects.create(user_id=user_id, distributor=distributor, source=source)
                _bound(user_id=user_id, distributor=distributor)
                return BindOutcome("bound", distributor, "绑定成功")
        if referral.distributor_id == distributor.id:
            return BindOutcome("unchanged", distributor, "已绑定该推荐人")
        may_rebind = policy == BindingPolicy.LAST_TOUCH or (
            policy == BindingPolicy.REBIND_AFTER_DAYS and now - referral.bound_at >= rebind_after
        )
        if not may_rebind:
            return BindOutcome("kept", referral.distributor, "您已有推荐人，本次分享不改变绑定关系")
        previous_id = referral.distributor_id
        referral.distributor = distributor
        referral.source = source
        referral.bound_at = now
        referral.save(update_fields=["distributor", "source", "bound_at"])
        ReferralChange.objects.create(user_id=user_id, distributor=distributor, previous_id=previous_id, source=source)
        _bound(user_id=user_id, distributor=distributor)
        return BindOutcome("rebound", distributor, "已更换推荐人")


def referral_bind_from_touch(*, user_id: int, now: datetime | None = None) -> BindOutcome | None:
    """When binding waits for the first order: the order is being placed, so the remembered share
    becomes the binding (under the same policy). Returns None when there was no touch."""
    touch = ReferralTouch.objects.select_related("distributor").filter(user_id=user_id).first()
    if touch is None:
        return None
    row = distribution_settings()
    distributor = touch.distributor
    outcome = None
    if distributor.status == DistributorStatus.ACTIVE and not _would_loop(user_id=user_id, distributor=distributor):
        outcome = _bind(
            user_id=user_id,
            distributor=distributor,
            source=touch.source,
            now=now or timezone.now(),
            policy=row.binding_policy,
            rebind_after=timedelta(days=row.rebind_after_days),
        )
    ReferralTouch.objects.filter(pk=touch.pk).delete()
    return outcome
