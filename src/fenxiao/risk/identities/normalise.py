"""How a value is written before it is compared: the same person typing the same address with other
spaces, a +86 prefix or full-width digits must still match. Pure functions, unit-tested."""

from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"[\s,，.。·\-—_#()（）]+")


def normalise_phone(value: str) -> str:
    """Digits only, the +86 / 0086 country prefix dropped."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", value or "") if ch.isdigit())
    for prefix in ("0086", "86"):
        if len(digits) == 11 + len(prefix) and digits.startswith(prefix):
            return digits[len(prefix) :]
    return digits


def normalise_address(*parts: str) -> str:
    """The address parts joined, full-width folded to half-width, spaces and punctuation removed,
    letters lowered: "浙江省 杭州市 西湖区 文三路１号" and "浙江省杭州市西湖区文三路1号" are one address."""
    text = unicodedata.normalize("NFKC", "".join(p or "" for p in parts)).lower()
    return _SPACE.sub("", text)


def normalise(kind: str, value: str) -> str:
    if kind == "phone":
        return normalise_phone(value)
    if kind == "address":
        return normalise_address(value)
    return (value or "").strip()
