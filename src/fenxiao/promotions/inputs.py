"""What every promotions input accepts: numbers the database can hold, times with a time zone in a
sane range, PATCH bodies that refuse ``null`` for a field that cannot be empty, and option values
read defensively by the pricing providers. A value outside these is a 4xx, never a database error."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Annotated, Any, ClassVar

from ninja import Schema
from pydantic import AfterValidator, Field, StrictInt, ValidationInfo, field_validator

from fenxiao.core.errors import DomainError
from fenxiao.core.limits import BIGINT_MAX, INT_MAX, Count, Quantity
from fenxiao.core.limits import RowId as RowId  # part of this module's vocabulary

# ¥100 亿: beyond any price, threshold or discount a mall sets (the cap WithdrawIn uses too), and
# far inside a BIGINT.
MAX_FEN = 10**12
# A coupon valid for ten years after claiming is already generous; more overflows date arithmetic.
MAX_VALID_DAYS = 3650
EARLIEST_YEAR = 2000
LATEST_YEAR = 2100

# JSON integers only, like every count and amount the API takes (core.limits.Quantity).
Positive = Annotated[Quantity, Field(le=INT_MAX)]
NonNegative = Annotated[Count, Field(le=INT_MAX)]
Fen = Annotated[StrictInt, Field(ge=0, le=MAX_FEN)]


def _aware_and_sane(value: datetime) -> datetime:
    # A naive time cannot be compared with the aware ones the mall stores (and would be read in
    # whatever zone the server runs in); a year 1 or 9999 overflows when converted to UTC.
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("时间须带时区，例如 2027-01-01T00:00:00+08:00")
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise ValueError(f"时间须在 {EARLIEST_YEAR} 年到 {LATEST_YEAR} 年之间")
    return value


When = Annotated[datetime, AfterValidator(_aware_and_sane)]


def time_problem(*values: datetime | None) -> str | None:
    """The same rule for services called without a schema (admin, tasks, tests)."""
    for value in values:
        if value is not None and (value.tzinfo is None or value.utcoffset() is None):
            return "时间须带时区"
    return None


class PatchSchema(Schema):
    """A PATCH body: a field left out stays as it is; ``null`` clears a field only where the
    model allows it to be empty (``nullable``), anywhere else it is refused rather than ignored."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("不能为空")
        return value


def option_id(options: Mapping[str, Any], key: str, *, invalid: Callable[[], DomainError]) -> int | None:
    """A row id chosen in the checkout ``options``: ``None`` when not chosen, else an int that can
    be a primary key. Anything else (text, a list, a bool, a float, a number no row can have) is
    refused with the provider's own error, so an internal caller passing junk gets a 400 too."""
    value = options.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= BIGINT_MAX:
        raise invalid()
    return value
