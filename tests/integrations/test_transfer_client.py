"""The live merchant-transfer client against WeChat's API faked at the transport: requests are
signed over exactly what goes on the wire, amounts travel in fen, the payee's name is encrypted
and sent only when WeChat requires it, and every failure says whether the outcome is unclear."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import respx
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.x509.oid import NameOID
from django.core.exceptions import ImproperlyConfigured

from fenxiao.core.errors import Conflict
from fenxiao.integrations.wechat.pay import crypto as pay_crypto
from fenxiao.integrations.wechat.pay.errors import (
    BAD_ANSWER,
    BAD_SIGNATURE,
    NETWORK,
    NOT_FOUND,
    REJECTED,
    UNAVAILABLE,
    WechatPayError,
)
from fenxiao.integrations.wechat.transfer.config import transfer_settings_missing
from fenxiao.integrations.wechat.transfer.errors import USER_NAME_REQUIRED, TransferError, TransferNotFound
from fenxiao.integrations.wechat.transfer.factory import reset_transfer_gateway, transfer_gateway
from fenxiao.integrations.wechat.transfer.types import TransferBill
from tests.payments import support

BILLS = "/v3/fund-app/mch-transfer/transfer-bills"
TRANSFER_NOTIFY_URL = "https://mall.example.com/api/v1/distribution/wechat/transfer-notify"
REPORT_INFOS = [
    {"info_type": "岗位类型", "info_content": "分销员"},
    {"info_type": "报酬说明", "info_content": "分销佣金提现"},
]


@pytest.fixture
def live_transfer(settings):
    """Live mode in public-key mode, WeChat faked at the transport; unplanned calls fail."""
    settings.WECHAT_MODE = "live"
    settings.WECHATPAY_MCHID = support.MCHID
    settings.WECHATPAY_APPID = support.APPID
    settings.WECHATPAY_SERIAL_NO = support.MERCHANT_SERIAL
    settings.WECHATPAY_PRIVATE_KEY = support.private_pem(support.merchant_key())
    settings.WECHATPAY_PRIVATE_KEY_FILE = ""
    settings.WECHATPAY_APIV3_KEY = support.APIV3_KEY
    settings.WECHATPAY_PUBLIC_KEY = support.public_pem(support.wechat_key())
    settings.WECHATPAY_PUBLIC_KEY_FILE = ""
    settings.WECHATPAY_PUBLIC_KEY_ID = support.PUBLIC_KEY_ID
    settings.WECHATPAY_PLATFORM_CERTS_DIR = ""
    settings.WECHATPAY_API_BASE = support.LIVE_BASE
    settings.WECHATPAY_TRANSFER_NOTIFY_URL = TRANSFER_NOTIFY_URL
    settings.WECHATPAY_TRANSFER_SCENE_ID = "1005"
    settings.WECHATPAY_TRANSFER_SCENE_REPORT_INFOS = REPORT_INFOS
    settings.WECHATPAY_TRANSFER_USER_RECV_PERCEPTION = "劳务报酬"
    settings.WECHATPAY_TRANSFER_USER_NAME_MIN_FEN = 200_000
    reset_transfer_gateway()
    with respx.mock(base_url=support.LIVE_BASE, assert_all_called=False, assert_all_mocked=True) as router:
        yield router
    reset_transfer_gateway()


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
    assert fields["mchid"] == support.MCHID and fields["serial_no"] == support.MERCHANT_SERIAL
    return fields


def _created(out_bill_no: str = "WD20250101000001", **changes) -> httpx.Response:
    answer = {
        "out_bill_no": out_bill_no,
        "transfer_bill_no": "1330000071100999991182020050700019480001",
        "create_time": "2025-01-01T10:00:00+08:00",
        "state": "WAIT_USER_CONFIRM",
        "package_info": "ABBQO+oYAAABAAAAAAC9pTllbOPG2NPR4YHTZxAAAADnGpepZahT9IkJjn90+1qg",
    }
    answer.update(changes)
    return support.signed_answer(200, answer)


def _create(amount_fen: int = 12_345, user_name: str | None = None, out_bill_no: str = "WD20250101000001"):
    return transfer_gateway().create_transfer_bill(
        out_bill_no=out_bill_no, openid="o-payee", amount_fen=amount_fen, remark="佣金提现", user_name=user_name
    )


def test_create_is_signed_and_sends_the_commission_scene_in_fen(live_transfer):
    route = live_transfer.post(BILLS).mock(return_value=_created())

    bill = _create(amount_fen=12_345)

    assert bill == TransferBill(
        out_bill_no="WD20250101000001",
        transfer_bill_no="1330000071100999991182020050700019480001",
        state="WAIT_USER_CONFIRM",
        amount_fen=12_345,
        package_info="ABBQO+oYAAABAAAAAAC9pTllbOPG2NPR4YHTZxAAAADnGpepZahT9IkJjn90+1qg",
        create_time=datetime(2025, 1, 1, 2, 0, tzinfo=UTC),
    )
    request = route.calls.last.request
    assert request.headers["Authorization"].startswith("WECHATPAY2-SHA256-RSA2048 ")
    _verify_request(request)
    assert request.headers["Wechatpay-Serial"] == support.PUBLIC_KEY_ID
    assert json.loads(request.content) == {
        "appid": support.APPID,
        "out_bill_no": "WD20250101000001",
        "transfer_scene_id": "1005",
        "openid": "o-payee",
        "transfer_amount": 12_345,
        "transfer_remark": "佣金提现",
        "notify_url": TRANSFER_NOTIFY_URL,
        "user_recv_perception": "劳务报酬",
        "transfer_scene_report_infos": REPORT_INFOS,
    }


def test_the_mini_program_gets_mch_app_and_package(live_transfer):
    live_transfer.post(BILLS).mock(return_value=_created())
    gateway = transfer_gateway()

    params = gateway.transfer_client_params(_create())

    assert params == {
        "mchId": support.MCHID,
        "appId": support.APPID,
        "package": "ABBQO+oYAAABAAAAAAC9pTllbOPG2NPR4YHTZxAAAADnGpepZahT9IkJjn90+1qg",
    }
    queried = TransferBill(out_bill_no="WD1", transfer_bill_no="1330", state="SUCCESS", amount_fen=100)
    with pytest.raises(Conflict) as refused:
        gateway.transfer_client_params(queried)
    assert refused.value.code == "TRANSFER_NOT_CONFIRMABLE"


def test_from_the_threshold_the_payee_name_travels_encrypted_under_the_named_key(live_transfer):
    route = live_transfer.post(BILLS).mock(return_value=_created())

    _create(amount_fen=200_000, user_name=" 张三 ")

    request = route.calls.last.request
    _verify_request(request)
    sent = json.loads(request.content)["user_name"]
    assert "张三" not in sent
    oaep = padding.OAEP(mgf=padding.MGF1(algorithm=hashes.SHA1()), algorithm=hashes.SHA1(), label=None)
    assert support.wechat_key().decrypt(base64.b64decode(sent), oaep).decode() == "张三"
    assert request.headers["Wechatpay-Serial"] == support.PUBLIC_KEY_ID


def test_below_the_threshold_the_payee_name_is_not_sent(live_transfer):
    route = live_transfer.post(BILLS).mock(return_value=_created())

    _create(amount_fen=199_999, user_name="张三")

    assert "user_name" not in json.loads(route.calls.last.request.content)


def test_a_large_transfer_without_the_payee_name_is_refused_before_anything_is_sent(live_transfer):
    route = live_transfer.post(BILLS).mock(return_value=_created())

    with pytest.raises(TransferError) as refused:
        _create(amount_fen=250_000, user_name="  ")

    assert refused.value.code == USER_NAME_REQUIRED and not refused.value.retryable
    assert refused.value.message == "转账金额较大，需提供收款人真实姓名"
    assert not route.called


def _certificate(serial: int, not_before: datetime) -> str:
    key = support.rsa_key(f"platform-{serial:X}")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com Root CA")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_before + timedelta(days=1825))
        .sign(key, hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode()


def test_in_certificate_mode_the_name_is_encrypted_with_the_newest_platform_certificate(
    live_transfer, settings, tmp_path
):
    (tmp_path / "old.pem").write_text(_certificate(0x1A2B, datetime(2020, 1, 1, tzinfo=UTC)))
    (tmp_path / "new.pem").write_text(_certificate(0x3C4D, datetime(2024, 1, 1, tzinfo=UTC)))
    settings.WECHATPAY_PUBLIC_KEY = ""
    settings.WECHATPAY_PUBLIC_KEY_ID = ""
    settings.WECHATPAY_PLATFORM_CERTS_DIR = str(tmp_path)
    answer = {"out_bill_no": "WD1", "transfer_bill_no": "1330", "state": "WAIT_USER_CONFIRM", "package_info": "p"}
    route = live_transfer.post(BILLS).mock(
        return_value=support.signed_answer(200, answer, key=support.rsa_key("platform-3C4D"), serial="3C4D")
    )

    bill = _create(amount_fen=300_000, user_name="李四", out_bill_no="WD1")

    assert bill.state == "WAIT_USER_CONFIRM"
    request = route.calls.last.request
    assert request.headers["Wechatpay-Serial"] == "3C4D"
    sent = json.loads(request.content)["user_name"]
    assert pay_crypto.decrypt_sensitive(support.rsa_key("platform-3C4D"), sent) == "李四"


def test_query_reads_state_amount_and_fail_reason(live_transfer):
    route = live_transfer.get(f"{BILLS}/out-bill-no/WD1").mock(
        return_value=support.signed_answer(
            200,
            {
                "mch_id": support.MCHID,
                "out_bill_no": "WD1",
                "transfer_bill_no": "1330",
                "appid": support.APPID,
                "state": "FAIL",
                "transfer_amount": 5_000,
                "transfer_remark": "佣金提现",
                "fail_reason": "PAYEE_ACCOUNT_ABNORMAL",
                "openid": "o-payee",
                "create_time": "2025-01-01T10:00:00.120+08:00",
                "update_time": "2025-01-01T10:05:00+08:00",
            },
        )
    )

    bill = transfer_gateway().query_transfer_bill("WD1")

    assert (bill.state, bill.amount_fen, bill.fail_reason, bill.mchid) == (
        "FAIL",
        5_000,
        "PAYEE_ACCOUNT_ABNORMAL",
        support.MCHID,
    )
    assert bill.is_final and not bill.confirmable and bill.package_info == ""
    assert bill.update_time == datetime(2025, 1, 1, 2, 5, tzinfo=UTC)
    request = route.calls.last.request
    assert request.url.raw_path == b"/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/WD1"
    assert request.content == b""
    _verify_request(request)


def test_a_bill_wechat_does_not_know_is_a_clear_not_found(live_transfer):
    live_transfer.get(f"{BILLS}/out-bill-no/WD404").mock(
        return_value=support.signed_answer(404, {"code": "NOT_FOUND", "message": "记录不存在"})
    )

    with pytest.raises(TransferNotFound) as missing:
        transfer_gateway().query_transfer_bill("WD404")

    assert isinstance(missing.value, WechatPayError)
    assert missing.value.code == NOT_FOUND and missing.value.status == 404
    assert not missing.value.retryable


def test_cancel_posts_an_empty_signed_body_and_reads_canceling(live_transfer):
    route = live_transfer.post(f"{BILLS}/out-bill-no/WD1/cancel").mock(
        return_value=support.signed_answer(
            200,
            {
                "out_bill_no": "WD1",
                "transfer_bill_no": "1330",
                "state": "CANCELING",
                "update_time": "2025-01-01T10:05:00+08:00",
            },
        )
    )

    bill = transfer_gateway().cancel_transfer_bill("WD1")

    assert (bill.state, bill.amount_fen, bill.is_final) == ("CANCELING", -1, False)
    assert route.calls.last.request.content == b""
    _verify_request(route.calls.last.request)


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        pytest.param(
            lambda: support.signed_answer(500, {"code": "SYSTEM_ERROR", "message": "系统错误"}), UNAVAILABLE, id="500"
        ),
        pytest.param(lambda: support.signed_answer(503), UNAVAILABLE, id="503-empty"),
        pytest.param(
            lambda: support.signed_answer(429, {"code": "FREQUENCY_LIMITED", "message": "频率超限"}),
            UNAVAILABLE,
            id="429",
        ),
        pytest.param(
            lambda: support.signed_answer(400, {"code": "SYSTEM_ERROR", "message": "系统错误"}),
            UNAVAILABLE,
            id="400-busy",
        ),
        pytest.param(lambda: httpx.ReadTimeout("read timed out"), NETWORK, id="timeout"),
        pytest.param(lambda: httpx.ConnectError("refused"), NETWORK, id="connect"),
        pytest.param(
            lambda: support.signed_answer(200, {"out_bill_no": "WD20250101000001"}, key=support.rsa_key("forger")),
            BAD_SIGNATURE,
            id="forged-200",
        ),
        pytest.param(lambda: _created(out_bill_no="WD_OTHER"), BAD_ANSWER, id="other-bill"),
        pytest.param(lambda: _created(state="SOMETHING"), BAD_ANSWER, id="unknown-state"),
        pytest.param(
            lambda: support.signed_answer(400, {"code": "BRAND_NEW_CODE", "message": "新错误"}), REJECTED, id="new-code"
        ),
    ],
)
def test_an_unclear_create_is_retryable_so_the_caller_queries_first(live_transfer, answer, code):
    outcome = answer()
    route = live_transfer.post(BILLS)
    if isinstance(outcome, Exception):
        route.mock(side_effect=outcome)
    else:
        route.mock(return_value=outcome)

    with pytest.raises(TransferError) as failed:
        _create()

    assert failed.value.code == code
    assert failed.value.retryable, "unclear: WeChat may hold the bill, query or resend the same out_bill_no"


@pytest.mark.parametrize(
    ("status", "wechat_code"),
    [(403, "NOT_ENOUGH"), (400, "INVALID_REQUEST"), (400, "PARAM_ERROR"), (403, "NO_AUTH")],
)
def test_a_definite_refusal_is_not_retryable(live_transfer, status, wechat_code):
    live_transfer.post(BILLS).mock(return_value=support.signed_answer(status, {"code": wechat_code, "message": "拒绝"}))

    with pytest.raises(TransferError) as refused:
        _create()

    assert (refused.value.code, refused.value.wechat_code) == (REJECTED, wechat_code)
    assert not refused.value.retryable
    assert refused.value.describe().startswith(f"{REJECTED}: {wechat_code}")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"out_bill_no": "WD-1"},
        {"out_bill_no": "W" * 33},
        {"amount_fen": 0},
        {"amount_fen": True},
        {"remark": ""},
        {"remark": "长" * 33},
        {"openid": ""},
    ],
)
def test_malformed_requests_never_leave_the_process(live_transfer, kwargs):
    route = live_transfer.post(BILLS).mock(return_value=_created())
    request = {"out_bill_no": "WD1", "openid": "o-payee", "amount_fen": 100, "remark": "佣金提现", **kwargs}

    with pytest.raises(ValueError):
        transfer_gateway().create_transfer_bill(**request)

    assert not route.called


@pytest.mark.parametrize(
    ("setting", "value", "named"),
    [
        ("WECHATPAY_TRANSFER_NOTIFY_URL", "", "WECHATPAY_TRANSFER_NOTIFY_URL"),
        ("WECHATPAY_TRANSFER_NOTIFY_URL", "http://mall.example.com/notify", "WECHATPAY_TRANSFER_NOTIFY_URL"),
        ("WECHATPAY_TRANSFER_SCENE_ID", "", "WECHATPAY_TRANSFER_SCENE_ID"),
        ("WECHATPAY_TRANSFER_SCENE_REPORT_INFOS", [], "WECHATPAY_TRANSFER_SCENE_REPORT_INFOS"),
    ],
)
def test_live_mode_refuses_to_start_a_transfer_without_its_settings(live_transfer, settings, setting, value, named):
    route = live_transfer.post(BILLS).mock(return_value=_created())
    setattr(settings, setting, value)

    with pytest.raises(ImproperlyConfigured, match=named):
        _create()

    assert not route.called


def test_what_keeps_payouts_from_starting_can_be_asked_beforehand(live_transfer, settings):
    assert transfer_settings_missing() == []

    settings.WECHATPAY_TRANSFER_NOTIFY_URL = ""
    settings.WECHATPAY_TRANSFER_SCENE_REPORT_INFOS = []

    assert transfer_settings_missing() == [
        "WECHATPAY_TRANSFER_NOTIFY_URL (https, no query string)",
        "WECHATPAY_TRANSFER_SCENE_REPORT_INFOS",
    ]
    settings.WECHAT_MODE = "sandbox"
    assert transfer_settings_missing() == [], "the sandbox needs no transfer settings"


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ("WECHATPAY_MCHID", "WECHATPAY_MCHID"),
        ("WECHATPAY_PRIVATE_KEY", "WECHATPAY_PRIVATE_KEY"),
        ("WECHATPAY_APIV3_KEY", "WECHATPAY_APIV3_KEY"),
        ("WECHATPAY_PUBLIC_KEY_ID", "WECHATPAY_PUBLIC_KEY_ID"),
    ],
)
def test_live_mode_refuses_to_build_without_the_merchant_keys(live_transfer, settings, setting, named):
    setattr(settings, setting, "")

    with pytest.raises(ImproperlyConfigured, match=named):
        transfer_gateway()
