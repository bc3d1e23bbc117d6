from __future__ import annotations

from fenxiao.core.errors import DomainError


class StockError(DomainError):
    pass
