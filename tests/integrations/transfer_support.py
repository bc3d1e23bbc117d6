"""Helpers for the live merchant-transfer tests: WeChat's transfer-bill path, the transfer settings
the ``live_transfer`` fixture (``conftest.py``) configures, a check that a request was signed by
the merchant, a signed create answer, and a create call with a payout's usual fields."""

from __future__ import annotations

import httpx

from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.transfer.factory import transfer_gateway
from tests.payments import support

BILLS = "/v3/fund-app/mch-transfer/transfer-bills"
TRANSFER_NOTIFY_URL = "https://mall.example.com/api/v1/distribution/wechat/transfer-notify"
REPORT_INFOS = [
    {"info_type": "岗位类型", "info_content": "分销员"},
    {"info_type": "报酬说明", "info_content": "分销佣金提现"},
]


def verify_request(request: httpx.Request) -> dict[str, str]:
    fields = support.authorization_fields(request.headers["Authorization"])
    message = pay_crypto.request_message(
        request.method,
        request.url.raw_path.decode(),
        int(fields["timestamp"]),
        fields["nonce_str"],
        request.content.decode(),
    )
    assert pay_crypto.verify(support.merchant_key().public_key(), message, fields["signature"])
    assert fields["mchid"] == support.MCHID and fields["serial_no"] == support.MERCHANT_SERIAL
    return fields


def created(out_bill_no: str = "WD20250101000001", **changes) -> httpx.Response:
    answer = {
        "out_bill_no": out_bill_no,
        "transfer_bill_no": "1330000071100999991182020050700019480001",
        "create_time": "2025-01-01T10:00:00+08:00",
        "state": "WAIT_USER_CONFIRM",
        "package_info": "ABBQO+oYAAABAAAAAAC9pTllbOPG2NPR4YHTZxAAAADnGpepZahT9IkJjn90+1qg",
    }
    answer.update(changes)
    return support.signed_answer(200, answer)


def create(amount_fen: int = 12_345, user_name: str | None = None, out_bill_no: str = "WD20250101000001"):
    return transfer_gateway().create_transfer_bill(
        out_bill_no=out_bill_no, openid="o-payee", amount_fen=amount_fen, remark="佣金提现", user_name=user_name
    )
