"""Risk cases (issue 19 §1): opened by a fraud signal or by hand, holding the commission of their
orders until an operator clears them (commission settles as usual) or confirms them (commission
reversed by distribution's hook, optionally the distributor suspended and the accounts
blacklisted). Locks: the case row first, then what the hooks lock (commission records, then
ledger accounts), as everywhere else."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.core.extensions import publish_on_commit
from fenxiao.orders.models import Order
from fenxiao.risk.audit import audit_record
from fenxiao.risk.blacklist.services import blacklist_add_quietly
from fenxiao.risk.cases.hooks import case_decision_hooks
from fenxiao.risk.errors import RiskError, case_decided, case_not_found
from fenxiao.risk.identities.reader import identities_of
from fenxiao.risk.models import BlacklistKind, CaseKind, CaseStatus, RiskCase, RiskCaseOrder

MAX_SIGNALS = 50  # evidence kept per case: the first signals and the latest, enough to judge


def _lock_case(case_id: int) -> RiskCase:
    case = RiskCase.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise case_not_found()
    return case


def _add_signal(case: RiskCase, evidence: Mapping[str, Any]) -> None:
    signals = list(case.evidence.get("signals", []))
    if dict(evidence) not in signals:
        signals.append(dict(evidence))
    case.evidence = {**case.evidence, "signals": signals[-MAX_SIGNALS:]}


@transaction.atomic
def risk_case_open(
    *,
    kind: str,
    subject_user_id: int,
    order_ids: Iterable[int] = (),
    evidence: Mapping[str, Any] | None = None,
    opened_by_id: int | None = None,
    summary: str = "",
) -> RiskCase:
    """Open a case, or add to the open one of the same kind about the same person (a signal seen
    again is one case with more orders, not a queue of duplicates). Idempotent per order."""
    if kind not in CaseKind.values:
        raise RiskError("RISK_CASE_KIND_INVALID", "案件类型无效", field="kind")
    if not User.objects.filter(pk=subject_user_id).exists():
        raise RiskError("RISK_CASE_SUBJECT_NOT_FOUND", "涉事用户不存在", field="subject_user_id")
    order_ids = sorted(set(order_ids))
    if order_ids and Order.objects.filter(pk__in=order_ids).count() != len(order_ids):
        raise RiskError("RISK_CASE_ORDER_NOT_FOUND", "案件中的订单不存在", field="order_ids")
    case = (
        RiskCase.objects.select_for_update()
        .filter(kind=kind, subject_user_id=subject_user_id, status=CaseStatus.OPEN)
        .first()
    )
    created = case is None
    if created:
        try:
            with transaction.atomic():
                case = RiskCase.objects.create(
                    kind=kind,
                    subject_user_id=subject_user_id,
                    summary=summary[:300] or CaseKind(kind).label,
                    opened_by_id=opened_by_id,
                )
        except IntegrityError:  # a concurrent signal opened it first: add to that one
            case = RiskCase.objects.select_for_update().get(
                kind=kind, subject_user_id=subject_user_id, status=CaseStatus.OPEN
            )
            created = False
    if evidence:
        _add_signal(case, evidence)
        case.save(update_fields=["evidence", "updated_at"])
    known = set(RiskCaseOrder.objects.filter(case=case).values_list("order_id", flat=True))
    RiskCaseOrder.objects.bulk_create([RiskCaseOrder(case=case, order_id=o) for o in order_ids if o not in known])
    if created:
        audit_record(
            actor_id=opened_by_id,
            action="risk.case_open",
            target_type="risk_case",
            target_id=case.pk,
            summary=f"{'人工' if opened_by_id else '系统'}立案：{case.get_kind_display()}，"
            f"涉及 {len(order_ids)} 笔订单",
        )
    return case


def held_order_ids(order_ids: Iterable[int]) -> set[int]:
    """Which of these orders have commission held by an open case."""
    return set(RiskCaseOrder.objects.filter(order_id__in=list(order_ids), held=True).values_list("order_id", flat=True))


def _decide(case: RiskCase, *, status: str, actor_id: int, note: str) -> None:
    case.status = status
    case.decided_by_id = actor_id
    case.decided_at = timezone.now()
    case.decision_note = note.strip()[:300]
    RiskCaseOrder.objects.filter(case=case).update(held=False)


@transaction.atomic
def risk_case_clear(*, case_id: int, actor_id: int, note: str = "") -> RiskCase:
    """A false alarm: the held commission settles at its due time (at once if already due)."""
    case = _lock_case(case_id)
    if case.status != CaseStatus.OPEN:
        raise case_decided()
    _decide(case, status=CaseStatus.CLEARED, actor_id=actor_id, note=note)
    case.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    for hook in case_decision_hooks.all():
        hook(case=case, decision="clear", suspend=False, actor_id=actor_id)
    order_ids = sorted(case.orders.values_list("order_id", flat=True))
    audit_record(
        actor_id=actor_id,
        action="risk.case_clear",
        target_type="risk_case",
        target_id=case.pk,
        summary=f"排除风险案件，放行 {len(order_ids)} 笔订单的佣金：{case.decision_note[:100]}",
    )
    publish_on_commit("risk_case_cleared", case_id=case.pk, order_ids=order_ids)
    return case


def case_user_ids(case: RiskCase) -> list[int]:
    """The accounts a case involves: its subject and the buyers of its orders."""
    buyers = Order.objects.filter(pk__in=case.orders.values("order_id")).values_list("buyer_id", flat=True)
    return sorted({case.subject_user_id, *buyers})


def _blacklist_involved(case: RiskCase, actor_id: int) -> int:
    """Blacklist the phones, WeChat ids and devices of every account involved, and the addresses
    the evidence names."""
    user_ids = case_user_ids(case)
    reason = f"风险案件 #{case.pk} 确认"
    added = 0
    identities = identities_of(user_ids)
    openids = dict(User.objects.filter(pk__in=user_ids).values_list("id", "openid"))
    for user_id in user_ids:
        identity = identities[user_id]
        values = [(BlacklistKind.PHONE, v) for v in identity.phones]
        values += [(BlacklistKind.UNIONID, v) for v in identity.unionids]
        values += [(BlacklistKind.DEVICE, v) for v in identity.devices]
        if openids.get(user_id):
            values.append((BlacklistKind.OPENID, openids[user_id]))
        for kind, value in sorted(values):
            added += blacklist_add_quietly(kind=kind, value=value, reason=reason, actor_id=actor_id, case_id=case.pk)
    for signal in case.evidence.get("signals", []):
        if signal.get("shared_kind") == "address" and signal.get("shared_value"):
            added += blacklist_add_quietly(
                kind=BlacklistKind.ADDRESS,
                value=signal["shared_value"],
                reason=reason,
                actor_id=actor_id,
                case_id=case.pk,
            )
    return added


@transaction.atomic
def risk_case_confirm(
    *, case_id: int, actor_id: int, note: str = "", suspend: bool = False, blacklist: bool = False
) -> RiskCase:
    """Fraud: the held commission is reversed through the ledger (distribution's hook), the
    distributor optionally suspended and the accounts optionally blacklisted."""
    case = _lock_case(case_id)
    if case.status != CaseStatus.OPEN:
        raise case_decided()
    _decide(case, status=CaseStatus.CONFIRMED, actor_id=actor_id, note=note)
    reversed_fen = 0
    for hook in case_decision_hooks.all():
        reversed_fen += hook(case=case, decision="confirm", suspend=suspend, actor_id=actor_id) or 0
    case.reversed_fen = reversed_fen
    case.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "reversed_fen", "updated_at"])
    listed = _blacklist_involved(case, actor_id) if blacklist else 0
    audit_record(
        actor_id=actor_id,
        action="risk.case_confirm",
        target_type="risk_case",
        target_id=case.pk,
        summary=f"确认风险案件，冲回佣金 {reversed_fen} 分"
        + ("，暂停分销商" if suspend else "")
        + (f"，加入黑名单 {listed} 项" if blacklist else ""),
        changes={"reversed_fen": reversed_fen, "suspend": suspend, "blacklisted": listed, "note": case.decision_note},
    )
    return case
