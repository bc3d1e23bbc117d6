"""The largest numbers the database's integer columns hold, in one place. Input is bounded by them
at the door, so a number too big for a column is a 4xx, never a database error (and SQLite, which
cannot even bind it, never sees it)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

INT_MAX = 2**31 - 1  # IntegerField, PositiveIntegerField
BIGINT_MAX = 2**63 - 1  # BigAutoField ids, BigIntegerField

RowId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]


def is_row_id_text(value: str) -> bool:
    """ASCII digits naming a number a BIGINT can hold. The length is checked first: ``int()``
    refuses (ValueError) a text of more than 4,300 digits."""
    return value.isascii() and value.isdigit() and len(value) <= 19 and int(value) <= BIGINT_MAX
