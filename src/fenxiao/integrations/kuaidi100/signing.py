"""The two signatures of 快递100, both MD5 as 32 upper-case hex digits over plain concatenation.

- A query is signed ``MD5(param + key + customer)``: the exact JSON text sent as ``param``.
- A push is signed ``MD5(param + salt)``, with the salt we gave when subscribing; the push is
  trusted only when it matches, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac


def _md5_upper(text: str) -> str:
    return hashlib.md5(text.encode("utf-8"), usedforsecurity=False).hexdigest().upper()


def query_sign(*, param: str, key: str, customer: str) -> str:
    return _md5_upper(param + key + customer)


def push_sign(*, param: str, salt: str) -> str:
    return _md5_upper(param + salt)


def push_sign_valid(*, param: str, sign: str, salt: str) -> bool:
    return hmac.compare_digest(push_sign(param=param, salt=salt), (sign or "").strip().upper())
