"""WeChat Pay's notifications: prove, record, match, claim.

Order of work, and why: the signature over the raw body and the ±5 minute timestamp are checked
before anything in the body is read (nobody else can make us parse their JSON); then the resource
is decrypted with the APIv3 key; the notification is recorded; the report is matched against our
own records (merchant, app, number, amount), and only then is the payment or refund claimed, by
the conditional update in ``claims.py`` that lets one delivery out of many do the work.

No HTTP call happens here: WeChat waits at most 5 seconds for our answer."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass

from fenxiao.integrations.wechat.pay.errors import NotificationError
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from fenxiao.integrations.wechat.pay.types import PayNotification, RefundState, Transaction, WechatPayGateway
from fenxiao.payments.claims import FINAL_REFUND_STATUS, payment_claim_success, refund_claim_final
from fenxiao.payments.errors import NotificationRejected, notification_refused
from fenxiao.payments.matching import payment_mismatch, refund_mismatch
from fenxiao.payments.models import Notification, Payment, Refund

logger = logging.getLogger(__name__)

PAYMENT_EVENT = "TRANSACTION.SUCCESS"
REFUND_EVENTS = {"REFUND.SUCCESS": "SUCCESS", "REFUND.ABNORMAL": "ABNORMAL", "REFUND.CLOSED": "CLOSED"}


@dataclass(frozen=True)
class NotificationResult:
    outcome: str
    payment_id: int | None = None
    refund_id: int | None = None


def _refuse(reason: str, message: str, *, status: int = 400) -> NotificationRejected:
    return NotificationRejected(status=status, reason=reason, message=message)


def _payment_notified(gateway: WechatPayGateway, note: PayNotification) -> NotificationResult:
    if note.original_type != "transaction":
        raise _refuse("wrong_resource", "通知内容类型不正确")
    tx = Transaction.from_wechat(note.resource)
    payment = Payment.objects.filter(out_trade_no=tx.out_trade_no).first()
    if payment is None:
        logger.error("wechatpay notification %s: unknown out_trade_no %r", note.id, tx.out_trade_no)
        raise _refuse("unknown_payment", "商户订单号不存在")
    problem = payment_mismatch(
        tx=tx,
        payment=payment,
        mchid=gateway.mchid,
        appid=gateway.appid,
    )
    if problem is None and tx.trade_state != "SUCCESS":
        problem = "not_success"
    if problem:
        # Signed by WeChat yet not what we asked for: a configuration mix-up or worse. Never pay.
        logger.error(
            "wechatpay notification %s for %s refused: %s (reported total %s, expected %s)",
            note.id,
            payment.out_trade_no,
            problem,
            tx.amount_total,
            payment.amount_fen,
        )
        raise _refuse(problem, "通知内容与支付单不符")
    outcome = payment_claim_success(payment_id=payment.pk, transaction_id=tx.transaction_id, paid_at=tx.success_time)
    return NotificationResult(outcome=str(outcome), payment_id=payment.pk)


def _refund_notified(gateway: WechatPayGateway, note: PayNotification) -> NotificationResult:
    if note.original_type != "refund":
        raise _refuse("wrong_resource", "通知内容类型不正确")
    state = RefundState.from_wechat(note.resource)
    if state.status != REFUND_EVENTS[note.event_type]:
        raise _refuse("status_mismatch", "退款状态与通知类型不符")
    refund = Refund.objects.select_related("payment").filter(out_refund_no=state.out_refund_no).first()
    if refund is None:
        logger.error("wechatpay notification %s: unknown out_refund_no %r", note.id, state.out_refund_no)
        raise _refuse("unknown_refund", "商户退款单号不存在")
    problem = refund_mismatch(
        state=state,
        out_refund_no=refund.out_refund_no,
        out_trade_no=refund.payment.out_trade_no,
        amount_fen=refund.amount_fen,
        mchid=gateway.mchid,
    )
    if problem:
        logger.error("wechatpay notification %s for refund %s refused: %s", note.id, refund.out_refund_no, problem)
        raise _refuse(problem, "通知内容与退款单不符")
    finished = refund_claim_final(refund_id=refund.pk, state=state)
    outcome = f"refund_{FINAL_REFUND_STATUS[state.status]}" if finished else "duplicate"
    return NotificationResult(outcome=outcome, refund_id=refund.pk)


def notification_handle(*, headers: Mapping[str, str], body: bytes) -> NotificationResult:
    """Handle one delivery of a WeChat Pay notification (payment or refund). Returns what was
    done; raises ``NotificationRejected`` (answered as FAIL, so WeChat delivers it again) when the
    notification is not proved genuine, cannot be read, or does not match our records. A duplicate
    delivery returns outcome ``duplicate`` and changes nothing."""
    gateway = pay_gateway()
    try:
        note = gateway.open_notification(headers=headers, body=body)
    except NotificationError as exc:
        logger.warning("wechatpay notification refused (%s): %s", exc.kind, exc.reason)
        raise notification_refused(exc.kind) from exc

    record = Notification.objects.create(
        notification_id=note.id, event_type=note.event_type, resource=note.resource, outcome="received"
    )
    try:
        if note.event_type == PAYMENT_EVENT:
            result = _payment_notified(gateway, note)
        elif note.event_type in REFUND_EVENTS:
            result = _refund_notified(gateway, note)
        else:
            result = NotificationResult(outcome="ignored")
    except NotificationRejected as exc:
        Notification.objects.filter(pk=record.pk).update(outcome=f"rejected:{exc.reason}"[:32])
        raise
    except Exception:
        Notification.objects.filter(pk=record.pk).update(outcome="error")
        raise
    Notification.objects.filter(pk=record.pk).update(outcome=result.outcome[:32])
    return result
