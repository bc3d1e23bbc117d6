"""What every CSV or XLSX file the mall writes needs, whatever it holds: Excel reads a UTF-8 CSV
right only after a BOM, and a cell a person typed that starts like a formula (``=HYPERLINK(...)``)
must stay text, or opening the file runs it (CSV injection)."""

from __future__ import annotations

from typing import Any

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def guard_text(value: Any) -> str:
    """The value as text, with a leading quote when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
