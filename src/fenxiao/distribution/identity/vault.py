"""Encryption at rest for identity fields: ``MultiFernet`` over ``settings.IDENTITY_KEYS`` (the
first key encrypts, every key decrypts, so old rows stay readable while a new key is rolled in),
and a keyed hash (HMAC-SHA256) of the ID number so that one person's number on two accounts is
found without decrypting anything. The hash key is derived from each Fernet key; a lookup tries
the hash under every configured key, and re-encryption rewrites it under the newest one."""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class VaultError(Exception):
    """A value no configured key can open: a key was dropped before its rows were re-encrypted."""


def _keys() -> list[str]:
    return list(settings.IDENTITY_KEYS)


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def seal(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise VaultError("identity value cannot be decrypted with the configured keys") from exc


def reseal(token: str) -> str:
    """The same plaintext under the newest key (``MultiFernet.rotate``)."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise VaultError("identity value cannot be decrypted with the configured keys") from exc


def _hash_key(key: str) -> bytes:
    return hashlib.sha256(b"fenxiao-identity-hash:" + base64.urlsafe_b64decode(key)).digest()


def number_hash(number: str, *, key: str | None = None) -> str:
    """The keyed hash under ``key`` (default: the newest)."""
    secret = _hash_key(key or _keys()[0])
    return hmac.new(secret, number.encode(), hashlib.sha256).hexdigest()


def number_hashes(number: str) -> list[str]:
    """The number's hash under every configured key: what a duplicate may be stored as."""
    return [number_hash(number, key=key) for key in _keys()]
