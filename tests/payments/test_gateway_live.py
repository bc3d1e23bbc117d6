"""The live WeChat Pay client against WeChat's API faked at the transport: every request is
signed over exactly what goes on the wire, and no answer is believed unless WeChat signed it."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta, timezone

import httpx
import pytest

from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.pay.errors import (
    BAD_SIGNATURE,
    NETWORK,
    NOT_FOUND,
    ORDERPAID,
    REJECTED,
    UNAVAILABLE,
    WechatPayError,
)
from fenxiao.integrations.wechat.pay.factory import pay_gateway
from tests.payments import support

CHINA = timezone(timedelta(hours=8))
DEADLINE = datetime(2024, 11, 25, 12, 30, tzinfo=CHINA)


def _verify_request(request: httpx.Request) -> dict[str, str]:
    fields = support.authorization_fields(request.headers["Authorization"])
    message = pay_crypto.request_message(
        request.method,
        request.url.raw_path.decode(),
        int(fields["timestamp"]),
        fields["nonce_str"],
        request.content.decode(),
    )
    assert pay_crypto.verify(support.merchant_key().public_key(), message, fields["signature"])
    return fields


def test_prepay_is_signed_by_the_merchant_and_carries_every_field(live_pay):
    route = live_pay.router.post("/v3/pay/transactions/jsapi").mock(
        return_value=support.signed_answer(200, {"prepay_id": "wx25100000abc"})
    )

    prepay_id = pay_gateway().prepay_jsapi(
        out_trade_no="FX20241125000001",
        description="分销商城订单 FX20241125000001",
        amount_fen=12_300,
        payer_openid="o-buyer",
        time_expire=DEADLINE,
    )

    assert prepay_id == "wx25100000abc"
    request = route.calls.last.request
    assert request.headers["Authorization"].startswith("WECHATPAY2-SHA256-RSA2048 ")
    fields = _verify_request(request)
    assert fields["mchid"] == support.MCHID and fields["serial_no"] == support.MERCHANT_SERIAL
    assert request.headers["Wechatpay-Serial"] == support.PUBLIC_KEY_ID
    assert json.loads(request.content) == {
        "appid": support.APPID,
        "mchid": support.MCHID,
        "description": "分销商城订单 FX20241125000001",
        "out_trade_no": "FX20241125000001",
        "time_expire": "2024-11-25T12:30:00+08:00",
        "notify_url": support.NOTIFY_URL,
        "amount": {"total": 12_300, "currency": "CNY"},
        "payer": {"openid": "o-buyer"},
    }


def test_query_signs_the_path_with_its_query_string(live_pay):
    route = live_pay.router.get("/v3/pay/transactions/out-trade-no/FX1").mock(
        return_value=support.signed_answer(
            200,
            {
                "appid": support.APPID,
                "mchid": support.MCHID,
                "out_trade_no": "FX1",
                "trade_state": "NOTPAY",
                "amount": {"total": 100},
            },
        )
    )

    tx = pay_gateway().query_transaction("FX1")

    assert tx.trade_state == "NOTPAY" and tx.amount_total == 100
    request = route.calls.last.request
    assert request.url.raw_path == f"/v3/pay/transactions/out-trade-no/FX1?mchid={support.MCHID}".encode()
    _verify_request(request)


def _with_signature_type(answer: httpx.Response, signature_type: str) -> httpx.Response:
    headers = {**answer.headers, "Wechatpay-Signature-Type": signature_type}
    return httpx.Response(answer.status_code, headers=headers, content=answer.content)


@pytest.mark.parametrize(
    "answer",
    [
        pytest.param(
            lambda: support.signed_answer(200, {"prepay_id": "wx1"}, key=support.rsa_key("forger")),
            id="signed-by-someone-else",
        ),
        pytest.param(
            lambda: support.signed_answer(200, {"prepay_id": "wx1"}, serial="PUB_KEY_ID_OTHER"), id="unknown-serial"
        ),
        pytest.param(lambda: support.signed_answer(200, {"prepay_id": "wx1"}, timestamp=1_000_000_000), id="stale"),
        pytest.param(lambda: httpx.Response(200, json={"prepay_id": "wx1"}), id="unsigned"),
        pytest.param(
            lambda: _with_signature_type(support.signed_answer(200, {"prepay_id": "wx1"}), "WECHATPAY2-SM2-WITH-SM3"),
            id="another-signature-type",
        ),
    ],
)
def test_an_answer_not_signed_by_wechat_is_not_believed(live_pay, answer):
    live_pay.router.post("/v3/pay/transactions/jsapi").mock(return_value=answer())

    with pytest.raises(WechatPayError) as caught:
        pay_gateway().prepay_jsapi(
            out_trade_no="FX1", description="x", amount_fen=1, payer_openid="o", time_expire=DEADLINE
        )

    assert caught.value.code == BAD_SIGNATURE and caught.value.retryable


def test_a_body_changed_after_signing_is_not_believed(live_pay):
    genuine = support.signed_answer(200, {"prepay_id": "wx-genuine"})
    tampered = httpx.Response(200, headers=genuine.headers, content=b'{"prepay_id":"wx-attacker"}')
    live_pay.router.post("/v3/pay/transactions/jsapi").mock(return_value=tampered)

    with pytest.raises(WechatPayError) as caught:
        pay_gateway().prepay_jsapi(
            out_trade_no="FX1", description="x", amount_fen=1, payer_openid="o", time_expire=DEADLINE
        )
    assert caught.value.code == BAD_SIGNATURE


@pytest.mark.parametrize(
    ("status", "body", "code", "retryable"),
    [
        (400, {"code": "ORDERPAID", "message": "该订单已支付"}, ORDERPAID, False),
        (404, {"code": "ORDER_NOT_EXIST", "message": "订单不存在"}, NOT_FOUND, False),
        (500, {"code": "SYSTEM_ERROR", "message": "系统错误"}, UNAVAILABLE, True),
        (429, {"code": "FREQUENCY_LIMITED", "message": "频率超限"}, UNAVAILABLE, True),
        (400, {"code": "PARAM_ERROR", "message": "参数错误"}, REJECTED, False),
        (403, {"code": "NOT_ENOUGH", "message": "基本账户余额不足"}, REJECTED, True),
    ],
)
def test_error_answers_map_to_stable_codes(live_pay, status, body, code, retryable):
    live_pay.router.post("/v3/pay/transactions/out-trade-no/FX1/close").mock(
        return_value=httpx.Response(status, json=body)
    )

    with pytest.raises(WechatPayError) as caught:
        pay_gateway().close_transaction("FX1")

    assert caught.value.code == code
    assert caught.value.wechat_code == body["code"]
    assert caught.value.retryable is retryable
    assert caught.value.status == 502


def test_network_failure_is_its_own_code(live_pay):
    live_pay.router.post("/v3/pay/transactions/out-trade-no/FX1/close").mock(side_effect=httpx.ConnectTimeout)

    with pytest.raises(WechatPayError) as caught:
        pay_gateway().close_transaction("FX1")

    assert caught.value.code == NETWORK and caught.value.retryable
    assert caught.value.message == "微信支付连接失败，请稍后再试"


def test_close_sends_the_mchid_and_accepts_a_signed_204(live_pay):
    route = live_pay.router.post("/v3/pay/transactions/out-trade-no/FX1/close").mock(
        return_value=support.signed_answer(204)
    )

    pay_gateway().close_transaction("FX1")

    assert json.loads(route.calls.last.request.content) == {"mchid": support.MCHID}
    _verify_request(route.calls.last.request)


def test_refund_request_and_query(live_pay):
    answer = {
        "out_refund_no": "RFX1-1",
        "refund_id": "503001",
        "out_trade_no": "FX1",
        "status": "PROCESSING",
        "amount": {"refund": 500, "total": 12_300},
    }
    create = live_pay.router.post("/v3/refund/domestic/refunds").mock(return_value=support.signed_answer(200, answer))
    query = live_pay.router.get("/v3/refund/domestic/refunds/RFX1-1").mock(
        return_value=support.signed_answer(200, {**answer, "status": "SUCCESS"})
    )
    client = pay_gateway()

    state = client.create_refund(
        out_trade_no="FX1", out_refund_no="RFX1-1", reason="七天无理由", refund_fen=500, total_fen=12_300
    )
    queried = client.query_refund("RFX1-1")

    assert (state.status, state.refund_id, state.amount_refund) == ("PROCESSING", "503001", 500)
    assert queried.status == "SUCCESS"
    assert json.loads(create.calls.last.request.content) == {
        "out_trade_no": "FX1",
        "out_refund_no": "RFX1-1",
        "reason": "七天无理由",
        "notify_url": support.REFUND_NOTIFY_URL,
        "amount": {"refund": 500, "total": 12_300, "currency": "CNY"},
    }
    _verify_request(create.calls.last.request)
    _verify_request(query.calls.last.request)


def test_jsapi_params_are_signed_for_wx_request_payment(live_pay):
    params = pay_gateway().jsapi_params("wx25100000abc")

    assert params["appId"] == support.APPID and params["package"] == "prepay_id=wx25100000abc"
    assert params["signType"] == "RSA"
    message = f"{support.APPID}\n{params['timeStamp']}\n{params['nonceStr']}\nprepay_id=wx25100000abc\n"
    assert pay_crypto.verify(support.merchant_key().public_key(), message, params["paySign"])


def test_keys_never_reach_the_logs_or_the_repr(live_pay, caplog):
    caplog.set_level(logging.DEBUG)
    live_pay.router.post("/v3/pay/transactions/out-trade-no/FX1/close").mock(
        return_value=httpx.Response(400, json={"code": "PARAM_ERROR", "message": "参数错误"})
    )
    client = pay_gateway()

    with pytest.raises(WechatPayError):
        client.close_transaction("FX1")

    secrets = [support.APIV3_KEY, "PRIVATE KEY", support.private_pem(support.merchant_key())[40:80]]
    for secret in secrets:
        assert secret not in caplog.text
        assert secret not in repr(client)
