from __future__ import annotations

from fenxiao.core.errors import Conflict, DomainError, NotFound


class OrderError(DomainError):
    pass


def order_not_found() -> NotFound:
    return NotFound("ORDER_NOT_FOUND", "订单不存在")


def order_state_conflict(code: str, message: str) -> Conflict:
    return Conflict(code, message)
