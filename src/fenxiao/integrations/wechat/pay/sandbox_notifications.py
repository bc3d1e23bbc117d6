"""The notifications the sandbox's WeChat sends, built exactly as WeChat builds them: the resource
AEAD_AES_256_GCM-encrypted with the APIv3 key, the body signed with WeChat's key, the five
``Wechatpay-*`` headers. Payments (TRANSACTION.SUCCESS, REFUND.SUCCESS) and transfers
(MCHTRANSFER.BILL.FINISHED) use the same builder."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.pay.signatures import ALGORITHM, sign_message
from fenxiao.integrations.wechat.pay.types import SignedMessage

CHINA = timezone(timedelta(hours=8))


def _now_text(now: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if now is None else now, CHINA).replace(microsecond=0).isoformat()


def build_notification(
    *,
    wechatpay_key: rsa.RSAPrivateKey,
    serial: str,
    api_v3_key: str,
    event_type: str,
    summary: str,
    original_type: str,
    resource: Mapping[str, Any],
    timestamp: int | None = None,
) -> SignedMessage:
    """A notification exactly as WeChat sends one: the resource AEAD_AES_256_GCM-encrypted with
    the APIv3 key, the whole body signed with WeChat's key, the five Wechatpay-* headers."""
    ts = int(time.time()) if timestamp is None else timestamp
    nonce = secrets.token_hex(6)  # 12 characters, as WeChat's
    ciphertext = pay_crypto.encrypt_resource(
        api_v3_key=api_v3_key,
        nonce=nonce,
        associated_data=original_type,
        plaintext=json.dumps(resource, ensure_ascii=False, separators=(",", ":")).encode(),
    )
    envelope = {
        "id": str(uuid.uuid4()),
        "create_time": _now_text(ts),
        "resource_type": "encrypt-resource",
        "event_type": event_type,
        "summary": summary,
        "resource": {
            "original_type": original_type,
            "algorithm": ALGORITHM,
            "ciphertext": ciphertext,
            "associated_data": original_type,
            "nonce": nonce,
        },
    }
    body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
    headers = sign_message(
        private_key=wechatpay_key, serial=serial, timestamp=ts, nonce=secrets.token_hex(16), body=body
    )
    return SignedMessage(headers=headers, body=body.encode())
