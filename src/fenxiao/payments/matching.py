"""Does what WeChat reports belong to what we asked for? Pure functions, shared by notifications
and queries: a signed report for another merchant, another app, another trade or another amount
must never mark anything paid or refunded."""

from __future__ import annotations

from fenxiao.integrations.wechat.pay.types import RefundState, Transaction


def transaction_mismatch(*, tx: Transaction, out_trade_no: str, amount_fen: int, mchid: str, appid: str) -> str | None:
    """The first thing that does not match, as a short tag, or None when the report is ours."""
    if tx.mchid != mchid:
        return "mchid_mismatch"
    if tx.appid != appid:
        return "appid_mismatch"
    if tx.out_trade_no != out_trade_no:
        return "out_trade_no_mismatch"
    if tx.amount_total != amount_fen:
        return "amount_mismatch"
    if tx.trade_state == "SUCCESS" and not tx.transaction_id:
        return "transaction_id_missing"
    return None


def payment_mismatch(*, tx: Transaction, payment, mchid: str, appid: str) -> str | None:
    """``transaction_mismatch`` against the payment we recorded."""
    return transaction_mismatch(
        tx=tx, out_trade_no=payment.out_trade_no, amount_fen=payment.amount_fen, mchid=mchid, appid=appid
    )


def refund_mismatch(
    *, state: RefundState, out_refund_no: str, out_trade_no: str, amount_fen: int, mchid: str | None
) -> str | None:
    """Refund answers carry no mchid (``mchid=None`` skips that check); notifications do."""
    if mchid is not None and state.mchid != mchid:
        return "mchid_mismatch"
    if state.out_refund_no != out_refund_no:
        return "out_refund_no_mismatch"
    if state.out_trade_no and state.out_trade_no != out_trade_no:
        return "out_trade_no_mismatch"
    if state.amount_refund != amount_fen:
        return "amount_mismatch"
    return None
