"""The largest numbers the database's integer columns hold, in one place. Input is bounded by them
at the door, so a number too big for a column is a 4xx, never a database error (and SQLite, which
cannot even bind it, never sees it)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, TypeVar

from pydantic import Field, StrictInt

INT_MAX = 2**31 - 1  # IntegerField, PositiveIntegerField
BIGINT_MAX = 2**63 - 1  # BigAutoField ids, BigIntegerField

# A stock count above this is a typo, not a warehouse: the admin, the API and imports refuse it.
STOCK_MAX = 10_000_000

# SQLite's oldest builds bind at most 999 variables per statement; an ``IN (...)`` list or a bulk
# statement is cut into pieces below that on every database, so one code path serves both.
SQL_VARIABLES_PER_STATEMENT = 900

RowId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]

# A count of units in a JSON body is a JSON integer, as ``amount_fen`` always was (WithdrawIn):
# pydantic's lax mode would read "2" (text), 1.0 (a float) and true as 2, 1 and 1, and a client
# that sends them has a bug the shop should name rather than guess around. Narrow the bound where
# it is used (``Annotated[Quantity, Field(le=999)]``). Path and query parameters are text by
# nature and are never typed with it.
Quantity = Annotated[StrictInt, Field(ge=1, le=INT_MAX, description="数量（JSON 整数）")]
# The same strictness for a count that may be zero (stock levels).
Count = Annotated[StrictInt, Field(ge=0, le=INT_MAX, description="数量（JSON 整数）")]


def is_row_id_text(value: str) -> bool:
    """ASCII digits naming a number a BIGINT can hold. The length is checked first: ``int()``
    refuses (ValueError) a text of more than 4,300 digits."""
    return value.isascii() and value.isdigit() and len(value) <= 19 and int(value) <= BIGINT_MAX


T = TypeVar("T")


def chunks(items: Sequence[T], size: int = SQL_VARIABLES_PER_STATEMENT) -> Iterator[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``, for statements with a bounded number of
    parameters (see ``SQL_VARIABLES_PER_STATEMENT``)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
