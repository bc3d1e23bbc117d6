"""The blacklist's services (issue 19 §1): operators add and remove entries (audit-logged), and the
places that grant something — becoming a distributor, a binding, an invite reward, a withdrawal —
ask ``blacklist_refuse`` first."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from fenxiao.accounts.models import User
from fenxiao.core.client_context import current_client
from fenxiao.core.errors import NotFound
from fenxiao.risk.audit import audit_record
from fenxiao.risk.errors import RiskConflict, RiskError, blacklisted
from fenxiao.risk.identities.normalise import normalise
from fenxiao.risk.identities.reader import identities_of
from fenxiao.risk.models import BlacklistEntry, BlacklistKind


@transaction.atomic
def blacklist_add(
    *, kind: str, value: str, reason: str = "", actor_id: int | None, case_id: int | None = None
) -> BlacklistEntry:
    if kind not in BlacklistKind.values:
        raise RiskError(
            "RISK_BLACKLIST_KIND_INVALID", "类型只能是 phone、unionid、openid、address 或 device", field="kind"
        )
    value = normalise(kind, value)
    if not value:
        raise RiskError("RISK_BLACKLIST_VALUE_REQUIRED", "请填写要加入黑名单的值", field="value")
    try:
        with transaction.atomic():
            entry = BlacklistEntry.objects.create(
                kind=kind, value=value[:300], reason=reason.strip()[:200], case_id=case_id, created_by_id=actor_id
            )
    except IntegrityError as exc:
        raise RiskConflict("RISK_BLACKLIST_EXISTS", "该值已在黑名单中") from exc
    audit_record(
        actor_id=actor_id,
        action="risk.blacklist_add",
        target_type="blacklist",
        target_id=entry.pk,
        summary=f"加入黑名单：{entry.get_kind_display()} {entry.value[:60]}",
        changes={"kind": kind, "value": entry.value, "reason": entry.reason, "case_id": case_id},
    )
    return entry


def blacklist_add_quietly(*, kind: str, value: str, reason: str, actor_id: int | None, case_id: int | None) -> bool:
    """For a confirmed case blacklisting everything it involves: a value already listed is fine."""
    if not normalise(kind, value) or BlacklistEntry.objects.filter(kind=kind, value=normalise(kind, value)).exists():
        return False
    blacklist_add(kind=kind, value=value, reason=reason, actor_id=actor_id, case_id=case_id)
    return True


@transaction.atomic
def blacklist_remove(*, entry_id: int, actor_id: int | None) -> None:
    entry = BlacklistEntry.objects.select_for_update().filter(pk=entry_id).first()
    if entry is None:
        raise NotFound("RISK_BLACKLIST_NOT_FOUND", "黑名单记录不存在")
    audit_record(
        actor_id=actor_id,
        action="risk.blacklist_remove",
        target_type="blacklist",
        target_id=entry.pk,
        summary=f"移出黑名单：{entry.get_kind_display()} {entry.value[:60]}",
        changes={"kind": entry.kind, "value": entry.value},
    )
    entry.delete()


def blacklist_match(*, user_id: int) -> BlacklistEntry | None:
    """The first entry that names this person: their phone, unionid, openid, an address they use, a
    device they were seen on, or the device of the current request."""
    identity = identities_of([user_id])[user_id]
    openid = User.objects.filter(pk=user_id).values_list("openid", flat=True).first() or ""
    candidates = {
        BlacklistKind.PHONE: set(identity.phones),
        BlacklistKind.UNIONID: set(identity.unionids),
        BlacklistKind.OPENID: {openid} if openid else set(),
        BlacklistKind.ADDRESS: set(identity.addresses),
        BlacklistKind.DEVICE: set(identity.devices) | ({current_client().device_id} - {""}),
    }
    for kind, values in candidates.items():
        if not values:
            continue
        entry = BlacklistEntry.objects.filter(kind=kind, value__in=sorted(values)).order_by("id").first()
        if entry is not None:
            return entry
    return None


def blacklist_refuse(*, user_id: int, action: str) -> None:
    """Raise the refusal for ``action`` ("distributor", "binding", "invite", "withdrawal") when the
    person is blacklisted; the refusal never says which entry matched."""
    if BlacklistEntry.objects.exists() and blacklist_match(user_id=user_id) is not None:
        raise blacklisted(action)


def is_blacklisted(*, user_id: int) -> bool:
    return BlacklistEntry.objects.exists() and blacklist_match(user_id=user_id) is not None
