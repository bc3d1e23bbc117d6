"""Paying a withdrawal out through WeChat merchant transfer (DESIGN §5).

A withdrawal keeps one ``out_bill_no`` for life. It is claimed (APPROVED → PAYING) before the
call, so two sweepers never both submit it, and no row lock is held while WeChat answers. An
unclear answer (timeout, 5xx, an unreadable reply) leaves it PAYING; the sweep then asks WeChat
about that same number, and if WeChat has never heard of it, sends the same number again (WeChat
is idempotent on it). A new number is never used, so a payout cannot happen twice.

The end comes from the MCHTRANSFER.BILL.FINISHED notification (verified before anything else)
or from a query: SUCCESS books the payout; FAIL or CANCELLED returns the money to the
distributor's available balance."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from fenxiao.distribution.identity.services import identity_real_name
from fenxiao.distribution.locks import lock_withdrawal
from fenxiao.distribution.models import Withdrawal, WithdrawalMethod, WithdrawalStatus
from fenxiao.distribution.withdrawals.outcomes import withdrawal_finish
from fenxiao.integrations.wechat.pay.errors import NotificationError
from fenxiao.integrations.wechat.transfer.errors import TransferError, TransferNotFound
from fenxiao.integrations.wechat.transfer.factory import transfer_gateway
from fenxiao.integrations.wechat.transfer.types import TransferBill, TransferState
from fenxiao.payments.errors import notification_refused

logger = logging.getLogger(__name__)

REMARK = "佣金提现"
# How long to wait before asking WeChat about a bill again, by how long it has been out: a fresh
# bill soon (the answer may have been lost), one waiting for the payee (up to 24 h) rarely.
QUERY_INTERVALS = ((timedelta(minutes=10), timedelta(minutes=2)), (timedelta(hours=2), timedelta(minutes=15)))
QUERY_INTERVAL_LATE = timedelta(hours=1)
SUBMIT_STALE_AFTER = timedelta(minutes=1)  # an approved payout whose after-commit call never ran
SWEEP_BATCH = 200


def _user_name_for(withdrawal: Withdrawal) -> str | None:
    """WeChat needs the payee's real name from ``user_name_min_fen`` on: the verified real-name
    identity when given (issue 19 §3), else the name of the application."""
    return identity_real_name(withdrawal.distributor_id) or withdrawal.distributor.real_name or None


def withdrawal_payout_after_commit(withdrawal_id: int) -> None:
    """Submit an approved WeChat withdrawal once the approving transaction has committed: the
    transfer is an HTTP call to WeChat, never made inside our transaction (DESIGN §4)."""
    transaction.on_commit(lambda: withdrawal_payout_submit(withdrawal_id=withdrawal_id))


def withdrawal_payout_submit(*, withdrawal_id: int) -> Withdrawal:
    """Claim an approved WeChat withdrawal and create its transfer bill."""
    now = timezone.now()
    claimed = Withdrawal.objects.filter(
        pk=withdrawal_id, status=WithdrawalStatus.APPROVED, method=WithdrawalMethod.WECHAT
    ).update(status=WithdrawalStatus.PAYING, submitted_at=now, last_queried_at=now, updated_at=now)
    withdrawal = Withdrawal.objects.select_related("distributor").get(pk=withdrawal_id)
    if not claimed:
        return withdrawal
    return _create_bill(withdrawal)


def _create_bill(withdrawal: Withdrawal) -> Withdrawal:
    try:
        bill = transfer_gateway().create_transfer_bill(
            out_bill_no=withdrawal.out_bill_no,
            openid=withdrawal.openid,
            amount_fen=withdrawal.net_fen,
            remark=REMARK,
            user_name=_user_name_for(withdrawal),
        )
    except TransferError as exc:
        if exc.retryable:
            logger.warning("transfer %s unclear (%s): will query", withdrawal.out_bill_no, exc.describe())
            _touch_queried(withdrawal.id)
            return Withdrawal.objects.get(pk=withdrawal.id)
        # A definite refusal (NOT_ENOUGH, ...) still does not prove no bill exists under the
        # number (the same number sent twice with other fields is refused too): ask first.
        logger.warning("transfer %s refused (%s): querying", withdrawal.out_bill_no, exc.describe())
        return withdrawal_payout_query(withdrawal_id=withdrawal.id, refused_reason=exc.describe())
    return withdrawal_apply_bill(withdrawal_id=withdrawal.id, bill=bill)


def _touch_queried(withdrawal_id: int) -> None:
    Withdrawal.objects.filter(pk=withdrawal_id).update(last_queried_at=timezone.now())


@transaction.atomic
def withdrawal_apply_bill(*, withdrawal_id: int, bill: TransferBill) -> Withdrawal:
    """What WeChat says about the bill (create or query answer, or a notification) becomes the
    withdrawal's state. Checks the bill is ours and for the right amount before believing it."""
    withdrawal = lock_withdrawal(withdrawal_id)
    if bill.out_bill_no != withdrawal.out_bill_no:
        raise ValueError("transfer bill does not belong to this withdrawal")
    if bill.amount_fen not in (-1, withdrawal.net_fen):
        logger.error(
            "transfer %s: amount %s does not match %s; left for an operator",
            withdrawal.out_bill_no,
            bill.amount_fen,
            withdrawal.net_fen,
        )
        withdrawal.anomaly = f"微信报告金额 {bill.amount_fen} 分，与应付 {withdrawal.net_fen} 分不符，请人工核对"[:200]
        withdrawal.save(update_fields=["anomaly", "updated_at"])
        return withdrawal
    if withdrawal.status != WithdrawalStatus.PAYING:
        return withdrawal
    withdrawal.transfer_state = bill.state
    if bill.transfer_bill_no:
        withdrawal.transfer_bill_no = bill.transfer_bill_no
    if bill.package_info:
        withdrawal.package_info = bill.package_info
    withdrawal.last_queried_at = timezone.now()
    if bill.state == TransferState.SUCCESS:
        withdrawal_finish(withdrawal, paid=True, at=bill.update_time)
    elif bill.state in (TransferState.FAIL, TransferState.CANCELLED):
        reason = bill.fail_reason or ("已撤销" if bill.state == TransferState.CANCELLED else "转账失败")
        withdrawal_finish(withdrawal, paid=False, reason=reason, at=bill.update_time)
    else:
        withdrawal.save(
            update_fields=["transfer_state", "transfer_bill_no", "package_info", "last_queried_at", "updated_at"]
        )
    return withdrawal


def withdrawal_payout_query(*, withdrawal_id: int, refused_reason: str = "") -> Withdrawal:
    """Ask WeChat about the bill. Never known to WeChat: send the same number again (or, after a
    definite refusal, give the money back, since nothing was created)."""
    withdrawal = Withdrawal.objects.select_related("distributor").get(pk=withdrawal_id)
    if withdrawal.status != WithdrawalStatus.PAYING:
        return withdrawal
    try:
        bill = transfer_gateway().query_transfer_bill(withdrawal.out_bill_no)
    except TransferNotFound:
        if refused_reason:
            with transaction.atomic():
                locked = lock_withdrawal(withdrawal_id)
                withdrawal_finish(locked, paid=False, reason=f"微信拒绝转账：{refused_reason}"[:200])
            return Withdrawal.objects.get(pk=withdrawal_id)
        return _create_bill(withdrawal)
    except TransferError as exc:
        logger.warning("transfer %s query failed (%s): later", withdrawal.out_bill_no, exc.describe())
        _touch_queried(withdrawal.id)
        return withdrawal
    if not bill.is_final and not withdrawal.package_info:
        # A query never carries package_info; the same create again (same number, same fields)
        # returns the same bill with it, so the payee can confirm.
        return _create_bill(withdrawal)
    return withdrawal_apply_bill(withdrawal_id=withdrawal.id, bill=bill)


def withdrawal_transfer_notified(*, headers: Mapping[str, str], body: str | bytes) -> Withdrawal | None:
    """The notify URL: verified and decrypted by the gateway first (it raises NotificationError
    on anything forged, stale or tampered); an unknown bill number is ignored."""
    try:
        notification = transfer_gateway().open_transfer_notification(headers, body)
    except NotificationError as exc:
        logger.warning("transfer notification refused (%s): %s", exc.kind, exc.reason)
        raise notification_refused(exc.kind) from exc
    bill = notification.bill
    withdrawal_id = Withdrawal.objects.filter(out_bill_no=bill.out_bill_no).values_list("id", flat=True).first()
    if withdrawal_id is None:
        logger.error("transfer notification for unknown out_bill_no %s", bill.out_bill_no)
        return None
    return withdrawal_apply_bill(withdrawal_id=withdrawal_id, bill=bill)


def sweep_payouts(*, now: datetime) -> int:
    """Submit approved payouts whose after-commit call never ran; query payouts WeChat has not
    finished (the notification may be lost; a bill the payee never confirms ends CANCELLED)."""
    handled = 0
    stale = Withdrawal.objects.filter(
        status=WithdrawalStatus.APPROVED,
        method=WithdrawalMethod.WECHAT,
        reviewed_at__lte=now - SUBMIT_STALE_AFTER,
    ).values_list("id", flat=True)[:SWEEP_BATCH]
    for withdrawal_id in list(stale):
        withdrawal_payout_submit(withdrawal_id=withdrawal_id)
        handled += 1
    shortest = QUERY_INTERVALS[0][1]
    waiting = (
        Withdrawal.objects.filter(status=WithdrawalStatus.PAYING, anomaly="")
        .filter(Q(last_queried_at__isnull=True) | Q(last_queried_at__lte=now - shortest))
        .order_by("last_queried_at", "id")
        .values_list("id", "submitted_at", "last_queried_at")[:SWEEP_BATCH]
    )
    for withdrawal_id, submitted_at, last_queried_at in list(waiting):
        if last_queried_at is not None and now - last_queried_at < query_interval(now - (submitted_at or now)):
            continue
        withdrawal_payout_query(withdrawal_id=withdrawal_id)
        handled += 1
    return handled


def query_interval(age: timedelta) -> timedelta:
    """Every 2 minutes for a bill under 10 minutes old, every 15 under 2 hours, then hourly."""
    for limit, interval in QUERY_INTERVALS:
        if age < limit:
            return interval
    return QUERY_INTERVAL_LATE


def withdrawal_confirm_params(withdrawal: Withdrawal) -> dict[str, str] | None:
    """What the mini-program passes to ``wx.requestMerchantTransfer`` while the payee may confirm."""
    if withdrawal.status != WithdrawalStatus.PAYING or not withdrawal.package_info:
        return None
    if withdrawal.transfer_state not in TransferState.CONFIRMABLE:
        return None
    bill = TransferBill(
        out_bill_no=withdrawal.out_bill_no,
        transfer_bill_no=withdrawal.transfer_bill_no,
        state=withdrawal.transfer_state,
        amount_fen=withdrawal.net_fen,
        package_info=withdrawal.package_info,
    )
    return transfer_gateway().transfer_client_params(bill)
