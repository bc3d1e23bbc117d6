"""The sandbox's throwaway keys: a merchant key, a "WeChat Pay" key pair (public-key mode) and a
random 32-character APIv3 key, made at first start under ``var/wechatpay-sandbox/`` (mode 0600)
and reused by every worker process and every restart."""

from __future__ import annotations

import hashlib
import os
import secrets
import string
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings

from fenxiao.integrations.wechat.pay import crypto as pay_crypto


def sandbox_dir() -> Path:
    configured = getattr(settings, "WECHATPAY_SANDBOX_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "wechatpay-sandbox"


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` with ``data`` unless it exists. The file appears complete or not at all, and
    when two processes race the first one wins and both go on to read the same bytes."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def _key_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _api_v3_key() -> bytes:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(32)).encode()


def _fingerprint(key: rsa.RSAPrivateKey) -> str:
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest().upper()


@dataclass(frozen=True)
class SandboxKeys:
    merchant_key: rsa.RSAPrivateKey
    wechatpay_key: rsa.RSAPrivateKey
    api_v3_key: str

    def __repr__(self) -> str:
        return f"<SandboxKeys serial={self.merchant_serial} public_key_id={self.public_key_id}>"

    @property
    def merchant_serial(self) -> str:
        return _fingerprint(self.merchant_key)[:40]

    @property
    def public_key_id(self) -> str:
        return f"PUB_KEY_ID_{_fingerprint(self.wechatpay_key)[:24]}"

    @classmethod
    def load_or_create(cls, folder: Path) -> SandboxKeys:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        files = {"merchant.pem": _key_pem, "wechatpay.pem": _key_pem, "apiv3.key": _api_v3_key}
        for name, make in files.items():
            if not (folder / name).exists():
                _write_new(folder / name, make())
        return cls(
            merchant_key=pay_crypto.load_private_key((folder / "merchant.pem").read_bytes()),
            wechatpay_key=pay_crypto.load_private_key((folder / "wechatpay.pem").read_bytes()),
            api_v3_key=(folder / "apiv3.key").read_text().strip(),
        )
