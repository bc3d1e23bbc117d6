"""Money is integer fen and rates are basis points (DESIGN §3). Yuan appear only at the edges
(spreadsheets, display), converted exactly through Decimal, never through float."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100


def yuan_to_fen(text: str | int | Decimal) -> int:
    """Parse a yuan amount such as ``"12.5"`` or ``"¥1,299.00"`` into fen, refusing sub-fen digits."""
    if isinstance(text, int):
        return text * FEN_PER_YUAN
    raw = str(text).strip().replace(",", "").replace("¥", "").replace("￥", "")
    if raw == "":
        raise ValueError("金额为空")
    try:
        amount = Decimal(raw)
    except InvalidOperation as exc:
        raise ValueError(f"金额格式不正确：{text}") from exc
    if not amount.is_finite():
        raise ValueError(f"金额格式不正确：{text}")
    fen = amount * FEN_PER_YUAN
    if fen != fen.to_integral_value():
        raise ValueError(f"金额最多两位小数：{text}")
    return int(fen)


def fen_to_yuan(fen: int) -> str:
    """``1299 -> "12.99"``; negative amounts keep their sign."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{part:02d}"


def yuan(fen: int | None) -> str:
    """For admin columns: ``1299 -> "12.99"``, nothing known -> ``"-"``."""
    return "-" if fen is None else fen_to_yuan(fen)
