"""WeChat's rules for the values of a subscription message, one per keyword type, as pure
functions. WeChat refuses a whole message (47003) when one value breaks its type's rule, so a value
is made to fit when that keeps its meaning (long text cut, with "…") and refused when it would not
(a number or an amount cut short is a different number).

The type is the keyword's prefix: ``thing1``, ``character_string2``, ``amount3``... The rules, from
WeChat's 订阅消息参数值内容限制说明:

=================  ==========================================================================
thing              20 characters or fewer: Chinese, digits, letters or symbols
number             32 digits or fewer, may have decimals
letter             32 letters or fewer
symbol             5 symbols or fewer
character_string   32 digits, letters or symbols or fewer (no Chinese)
time               24-hour time, optionally with the date (15:01, 2019年10月1日 15:01)
date               a date, optionally with the time (2019年10月1日, 2019-10-01 15:01)
amount             one currency sign + 10 digits or fewer, may have decimals, may end with 元
phone_number       17 digits or symbols or fewer
car_number         8 characters or fewer
name               10 Chinese characters or fewer, or 20 letters or symbols or fewer
phrase             5 Chinese characters or fewer
=================  ==========================================================================

No value may be empty or contain control characters (line breaks)."""

from __future__ import annotations

import re

ELLIPSIS = "…"

KEYWORD_TYPES = (
    "thing",
    "number",
    "letter",
    "symbol",
    "character_string",
    "time",
    "date",
    "amount",
    "phone_number",
    "car_number",
    "name",
    "phrase",
)
# Longest prefix first: "character_string" before any shorter type that could also match.
_KEY = re.compile(r"^(" + "|".join(sorted(KEYWORD_TYPES, key=len, reverse=True)) + r")(\d{1,2})$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_LETTERS = re.compile(r"^[A-Za-z]+$")
_ASCII_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")
_SYMBOLS = re.compile(r"^[^\w\s]+$")
_AMOUNT = re.compile(r"^[¥￥$€£]?\d{1,10}(\.\d{1,2})?元?$")
_TIME = r"\d{1,2}:\d{2}(:\d{2})?"
_DAY = r"(\d{4}年\d{1,2}月(\d{1,2}日)?|\d{1,2}月\d{1,2}日|\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2})"
_DATE_ONE = re.compile(rf"^{_DAY}( {_TIME})?$")
_TIME_ONE = re.compile(rf"^({_DAY} )?{_TIME}$")
_PHONE = re.compile(r"^[0-9+\-() ]{1,17}$")
_CAR = re.compile(r"^[\u4e00-\u9fffA-Z0-9][A-Z0-9]{4,6}[\u4e00-\u9fffA-Z0-9]$")


class KeywordError(ValueError):
    """A value WeChat would refuse for its keyword; the message says which rule, in Chinese."""


def keyword_type(key: str) -> str:
    """The type of keyword ``key`` (``thing3`` → ``thing``); an unknown key is refused."""
    match = _KEY.fullmatch(key)
    if not match:
        raise KeywordError(f"字段 {key} 不是微信订阅消息的关键词（如 thing1、amount2、time3）")
    return match.group(1)


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + ELLIPSIS


def _ranged(value: str, one: re.Pattern[str]) -> bool:
    """A time or a date, or a span of two joined by ``~``."""
    parts = [p.strip() for p in value.split("~")]
    return len(parts) <= 2 and all(one.fullmatch(p) for p in parts)


def keyword_value(kind: str, raw: object) -> str:
    """``raw`` made into a value WeChat accepts for a ``kind`` keyword, or ``KeywordError``."""
    value = _CONTROL.sub(" ", str(raw)).strip()
    if not value:
        raise KeywordError("内容为空")
    if kind == "thing":
        return _cut(value, 20)
    if kind == "phrase":
        if not all(_HAN.fullmatch(c) for c in value):
            raise KeywordError(f"“{value}”不是纯汉字（phrase 只能是 5 个以内汉字）")
        return value[:5]
    if kind == "name":
        if _HAN.search(value):
            return value[:10]
        return value[:20]
    if kind == "character_string":
        if not _ASCII_PRINTABLE.fullmatch(value):
            raise KeywordError(f"“{value}”含有汉字或空格（character_string 只能是数字、字母或符号）")
        return value[:32]
    if kind == "letter":
        if not _LETTERS.fullmatch(value):
            raise KeywordError(f"“{value}”不是纯字母")
        return value[:32]
    if kind == "symbol":
        if not _SYMBOLS.fullmatch(value):
            raise KeywordError(f"“{value}”不是纯符号")
        return value[:5]
    if kind == "number":
        if not _NUMBER.fullmatch(value) or len(value.lstrip("-").replace(".", "")) > 32:
            raise KeywordError(f"“{value}”不是 32 位以内的数字")
        return value
    if kind == "amount":
        if not _AMOUNT.fullmatch(value):
            raise KeywordError(f"“{value}”不是金额（1 个币种符号 + 10 位以内数字，可带小数，可以“元”结尾）")
        return value
    if kind == "date":
        if not _ranged(value, _DATE_ONE):
            raise KeywordError(f"“{value}”不是日期（如 2026年1月2日 或 2026-01-02 15:04）")
        return value
    if kind == "time":
        if not _ranged(value, _TIME_ONE):
            raise KeywordError(f"“{value}”不是时间（如 15:04 或 2026年1月2日 15:04）")
        return value
    if kind == "phone_number":
        if not _PHONE.fullmatch(value):
            raise KeywordError(f"“{value}”不是 17 位以内的电话号码")
        return value
    if kind == "car_number":
        if not _CAR.fullmatch(value):
            raise KeywordError(f"“{value}”不是车牌号")
        return value
    raise KeywordError(f"未知的关键词类型 {kind}")
