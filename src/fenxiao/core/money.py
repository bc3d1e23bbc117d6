"""Money is integer fen and rates are basis points (DESIGN §3). Yuan appear only at the edges
(spreadsheets, display), converted exactly through Decimal, never through float.

Text typed by people is read as plain decimal text only (``-12.50``, full-width digits too): no
exponent (``1e999999`` would overflow or cost seconds of CPU to expand), no NaN/Infinity, no other
non-ASCII digits, and at
most ``MAX_INTEGER_DIGITS`` digits before the point, so parsing is cheap whatever arrives."""

from __future__ import annotations

import re
from decimal import Decimal

FEN_PER_YUAN = 100
MAX_INTEGER_DIGITS = 12  # 1 万亿元: far above any real amount, far below a bigint in fen
MAX_TEXT_LENGTH = 40  # sign, 12 digits, point and trailing zeros fit with room to spare
_PLAIN_DECIMAL = re.compile(r"([+-]?)([0-9]*)(?:\.([0-9]*))?")
# A Chinese keyboard in full-width mode types these; they mean the ASCII ones. Other digits
# (superscripts, Arabic-Indic) are refused.
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．＋－", "0123456789.+-")


class DecimalTextError(ValueError):
    """Not plain decimal text, or too long (``kind="format"``); more integer digits than allowed
    (``"range"``); non-zero digits beyond the allowed places (``"places"``)."""

    def __init__(self, kind: str):
        super().__init__(kind)
        self.kind = kind


def scale_decimal_text(raw: str, *, places: int, max_integer_digits: int = MAX_INTEGER_DIGITS) -> int:
    """``scale_decimal_text("12.5", places=2) -> 1250``: plain decimal text times ``10**places``,
    exactly. Work is bounded by ``MAX_TEXT_LENGTH`` before anything is converted."""
    match = _PLAIN_DECIMAL.fullmatch(raw.translate(_FULL_WIDTH)) if len(raw) <= MAX_TEXT_LENGTH else None
    if match is None:
        raise DecimalTextError("format")
    sign, whole, fraction = match.group(1), match.group(2), match.group(3) or ""
    if not whole and not fraction:
        raise DecimalTextError("format")
    if len(whole.lstrip("0")) > max_integer_digits:
        raise DecimalTextError("range")
    if fraction[places:].strip("0"):
        raise DecimalTextError("places")
    value = int((whole or "0") + fraction[:places].ljust(places, "0"))
    return -value if sign == "-" else value


def _shown(text: object) -> str:
    shown = str(text)
    return shown if len(shown) <= MAX_TEXT_LENGTH else f"{shown[:MAX_TEXT_LENGTH]}…"


def yuan_to_fen(text: str | int | Decimal) -> int:
    """Parse a yuan amount such as ``"12.5"`` or ``"¥1,299.00"`` into fen, refusing sub-fen digits,
    exponents, NaN/Infinity and more than ``MAX_INTEGER_DIGITS`` digits of yuan (``ValueError``)."""
    if isinstance(text, int):
        return text * FEN_PER_YUAN
    if isinstance(text, Decimal):
        # adjusted() is the exponent of the leading digit: checked before any arithmetic.
        if not text.is_finite() or (text and text.adjusted() >= MAX_INTEGER_DIGITS):
            raise ValueError(f"金额格式不正确：{_shown(text)}")
        fen = text * FEN_PER_YUAN
        if fen != fen.to_integral_value():
            raise ValueError(f"金额最多两位小数：{_shown(text)}")
        return int(fen)
    raw = str(text).strip().replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    if raw == "":
        raise ValueError("金额为空")
    try:
        return scale_decimal_text(raw, places=2)
    except DecimalTextError as exc:
        if exc.kind == "places":
            raise ValueError(f"金额最多两位小数：{_shown(text)}") from None
        if exc.kind == "range":
            raise ValueError(f"金额超出范围：{_shown(text)}") from None
        raise ValueError(f"金额格式不正确：{_shown(text)}") from None


def fen_to_yuan(fen: int) -> str:
    """``1299 -> "12.99"``; negative amounts keep their sign."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{whole}.{part:02d}"


def yuan(fen: int | None) -> str:
    """For admin columns: ``1299 -> "12.99"``, nothing known -> ``"-"``."""
    return "-" if fen is None else fen_to_yuan(fen)
