"""One handler per event the mall tells people about: each loads the rows the event names, words
the message and calls ``notification_publish`` for each person concerned. The event key makes a
replayed event add nothing (DESIGN: subscribers are idempotent)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Sum

from fenxiao.distribution.models import (
    CommissionRecord,
    Distributor,
    DistributorApplication,
    Withdrawal,
)
from fenxiao.notifications.context import amount, product_summary, when
from fenxiao.notifications.services import notification_publish
from fenxiao.orders.models import Order, Shipment
from fenxiao.payments.models import Refund
from fenxiao.promotions.models import GroupBuyGroup, GroupBuyMember, GroupMemberStatus
from fenxiao.risk.models.complaints import Complaint, ComplaintReply


def _order_context(order: Order) -> dict[str, str]:
    titles = list(order.lines.order_by("id").values_list("product_title", flat=True))
    return {"order_no": order.order_no, "product": product_summary(titles)}


def on_order_shipped(*, order_id: int, shipment_id: int, **_: object) -> None:
    shipment = Shipment.objects.select_related("order").filter(pk=shipment_id, order_id=order_id).first()
    if shipment is None:
        return
    order = shipment.order
    notification_publish(
        user_id=order.buyer_id,
        kind="order_shipped",
        key=f"shipment:{shipment.pk}",
        context={
            **_order_context(order),
            "carrier": shipment.carrier_name,
            "tracking_no": shipment.tracking_no,
            "time": when(shipment.created_at),
        },
        target_type="order",
        target_id=order.pk,
    )


def on_order_line_refunded(*, order_id: int, refund_id: int | None = None, **_: object) -> None:
    """Told once per refund, with the refund's whole amount, however many lines it covered."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return
    refund = Refund.objects.filter(pk=refund_id, order_id=order_id).first() if refund_id else None
    refunded = refund.amount_fen if refund else 0
    notification_publish(
        user_id=order.buyer_id,
        kind="refund_done",
        key=f"refund:{refund_id}" if refund_id else f"refund:order:{order_id}",
        context={
            **_order_context(order),
            "amount": amount(refunded),
            "time": when(refund.succeeded_at if refund else None),
        },
        target_type="order",
        target_id=order.pk,
    )


def _group_members(group_id: int, statuses: tuple[str, ...]) -> list[GroupBuyMember]:
    return list(
        GroupBuyMember.objects.filter(group_id=group_id, status__in=statuses).select_related("order").order_by("id")
    )


def on_group_buy_succeeded(*, group_id: int, **_: object) -> None:
    group = GroupBuyGroup.objects.select_related("activity").filter(pk=group_id).first()
    if group is None:
        return
    for member in _group_members(group_id, (GroupMemberStatus.PAID,)):
        notification_publish(
            user_id=member.user_id,
            kind="group_buy_succeeded",
            key=f"group:{group_id}:succeeded",
            context={
                **(_order_context(member.order) if member.order else {"product": group.activity.name}),
                "group_size": str(group.size),
                "time": when(group.finished_at),
            },
            target_type="group",
            target_id=group_id,
        )


def on_group_buy_failed(*, group_id: int, **_: object) -> None:
    group = GroupBuyGroup.objects.select_related("activity").filter(pk=group_id).first()
    if group is None:
        return
    statuses = (GroupMemberStatus.REFUNDING, GroupMemberStatus.REFUNDED)
    for member in _group_members(group_id, statuses):
        order = member.order
        notification_publish(
            user_id=member.user_id,
            kind="group_buy_failed",
            key=f"group:{group_id}:failed",
            context={
                **(_order_context(order) if order else {"product": group.activity.name}),
                "amount": amount(order.payable_fen if order else 0),
                "time": when(group.finished_at),
                "reason": "未在时限内成团",
            },
            target_type="group",
            target_id=group_id,
        )


def on_commission_changed(*, order_id: int, **_: object) -> None:
    """Commission booked on an order: each distributor of its chain hears their own share once.
    A later reduction (a refund) publishes the same event and, told before, adds nothing."""
    rows = (
        CommissionRecord.objects.filter(order_id=order_id)
        .values("distributor_id", "distributor__user_id")
        .annotate(total=Sum("amount_fen"))
        .order_by("distributor_id")
    )
    order = Order.objects.filter(pk=order_id).first()
    if order is None:
        return
    base = _order_context(order)
    for row in rows:
        notification_publish(
            user_id=row["distributor__user_id"],
            kind="commission_booked",
            key=f"commission:order:{order_id}",
            context={**base, "amount": amount(row["total"]), "time": when(None), "status": "待结算"},
            target_type="earnings",
        )


def on_commission_settled(*, distributor_id: int, commission_ids: list[int], **_: object) -> None:
    user_id = Distributor.objects.filter(pk=distributor_id).values_list("user_id", flat=True).first()
    if user_id is None or not commission_ids:
        return
    records = CommissionRecord.objects.filter(pk__in=commission_ids, distributor_id=distributor_id)
    total = sum(r.amount_fen - r.reversed_fen for r in records)
    settled_at = max((r.settled_at for r in records if r.settled_at), default=None)
    notification_publish(
        user_id=user_id,
        kind="commission_settled",
        # A record settles once, so the batch's first record names this settlement.
        key=f"settlement:{min(commission_ids)}",
        context={
            "amount": amount(total),
            "count": str(len(commission_ids)),
            "time": when(settled_at),
            "status": "已结算",
        },
        target_type="earnings",
    )


def _withdrawal(withdrawal_id: int) -> Withdrawal | None:
    return Withdrawal.objects.select_related("distributor").filter(pk=withdrawal_id).first()


def on_withdrawal_paid(*, withdrawal_id: int, **_: object) -> None:
    w = _withdrawal(withdrawal_id)
    if w is None:
        return
    notification_publish(
        user_id=w.distributor.user_id,
        kind="withdrawal_paid",
        key=f"withdrawal:{w.pk}:paid",
        context={
            "amount": amount(w.amount_fen),
            "fee": amount(w.fee_fen),
            "net": amount(w.amount_fen - w.fee_fen),
            "bill_no": w.out_bill_no,
            "time": when(w.paid_at),
        },
        target_type="withdrawal",
        target_id=w.pk,
    )


def on_withdrawal_failed(*, withdrawal_id: int, **_: object) -> None:
    w = _withdrawal(withdrawal_id)
    if w is None:
        return
    notification_publish(
        user_id=w.distributor.user_id,
        kind="withdrawal_failed",
        key=f"withdrawal:{w.pk}:failed",
        context={
            "amount": amount(w.amount_fen),
            "reason": w.reject_reason or w.fail_reason or "转账未成功",
            "bill_no": w.out_bill_no,
            "time": when(w.closed_at or w.reviewed_at),
        },
        target_type="withdrawal",
        target_id=w.pk,
    )


def on_application_approved(*, application_id: int, **_: object) -> None:
    application = DistributorApplication.objects.filter(pk=application_id).first()
    if application is None:
        return
    code = Distributor.objects.filter(user_id=application.user_id).values_list("code", flat=True).first() or ""
    notification_publish(
        user_id=application.user_id,
        kind="application_approved",
        key=f"application:{application_id}",
        context={"code": code, "result": "已通过", "time": when(application.reviewed_at)},
        target_type="centre",
    )


def on_application_rejected(*, application_id: int, **_: object) -> None:
    application = DistributorApplication.objects.filter(pk=application_id).first()
    if application is None:
        return
    notification_publish(
        user_id=application.user_id,
        kind="application_rejected",
        key=f"application:{application_id}",
        context={"reason": application.reject_reason, "result": "未通过", "time": when(application.reviewed_at)},
        target_type="centre",
    )


def on_complaint_answered(*, complaint_id: int, reply_id: int | None = None, **_: object) -> None:
    """An operator's reply, or the complaint's outcome (``reply_id`` None)."""
    complaint = Complaint.objects.filter(pk=complaint_id).first()
    if complaint is None:
        return
    reply = ComplaintReply.objects.filter(pk=reply_id, complaint_id=complaint_id).first() if reply_id else None
    if reply_id and reply is None:
        return
    notification_publish(
        user_id=complaint.complainant_id,
        kind="complaint_answered",
        key=f"complaint:{complaint_id}:reply:{reply_id}" if reply else f"complaint:{complaint_id}:closed",
        context={
            "complaint_no": complaint.complaint_no,
            "status": complaint.get_status_display(),
            "content": reply.content if reply else complaint.resolution,
            "time": when(reply.created_at if reply else complaint.closed_at),
        },
        target_type="complaint",
        target_id=complaint_id,
    )


SUBSCRIPTIONS: dict[str, Callable[..., None]] = {
    "order_shipped": on_order_shipped,
    "order_line_refunded": on_order_line_refunded,
    "group_buy_succeeded": on_group_buy_succeeded,
    "group_buy_failed": on_group_buy_failed,
    "commission_changed": on_commission_changed,
    "commission_settled": on_commission_settled,
    "withdrawal_paid": on_withdrawal_paid,
    "withdrawal_failed": on_withdrawal_failed,
    "distributor_application_approved": on_application_approved,
    "distributor_application_rejected": on_application_rejected,
    "complaint_answered": on_complaint_answered,
}
