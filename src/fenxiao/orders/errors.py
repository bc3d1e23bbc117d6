"""Stable error codes of orders and after-sales. For after-sales, a state that does not allow the
step is a 409 naming the step; a request that can never succeed as written is a 400 naming the
field."""

from __future__ import annotations

from fenxiao.core.errors import Conflict, DomainError, NotFound


class OrderError(DomainError):
    pass


def order_not_found() -> NotFound:
    return NotFound("ORDER_NOT_FOUND", "订单不存在")


def order_state_conflict(code: str, message: str) -> Conflict:
    return Conflict(code, message)


class AfterSaleError(OrderError):
    """Bad after-sale input (400)."""


class AfterSaleConflict(Conflict):
    """The order or the after-sale is not in a state that allows this step (409)."""


def aftersale_not_found() -> NotFound:
    return NotFound("AFTER_SALE_NOT_FOUND", "售后单不存在")


# code and Chinese message for each step refused by the after-sale's current status
STEP_REFUSALS: dict[str, tuple[str, str]] = {
    "cancel": ("AFTER_SALE_NOT_CANCELLABLE", "售后单已处理，无法撤销"),
    "ship_return": ("AFTER_SALE_NOT_AWAITING_RETURN", "售后单当前不需要寄回商品"),
    "approve": ("AFTER_SALE_NOT_APPROVABLE", "只有待审核的售后单可以审核通过"),
    "reject": ("AFTER_SALE_NOT_REJECTABLE", "只有待审核或待商家收货的售后单可以驳回"),
    "receive_return": ("AFTER_SALE_RETURN_NOT_RECEIVABLE", "买家尚未寄回商品，或退货已收货"),
    "retry_refund": ("AFTER_SALE_NOT_RETRYABLE", "只有退款异常的售后单可以重试退款"),
}


def step_refused(step: str) -> AfterSaleConflict:
    code, message = STEP_REFUSALS[step]
    return AfterSaleConflict(code, message)
