"""The live merchant-transfer client against WeChat's API faked at the transport: create, query
and cancel are signed over exactly what goes on the wire, amounts travel in fen, and the
mini-program gets what it needs to confirm. The payee's name, failures and missing settings have
their own files (``test_transfer_payee_name``, ``_failures``, ``_readiness``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from fenxiao.core.errors import Conflict
from fenxiao.integrations.wechat.pay.errors import (
    NOT_FOUND,
    WechatPayError,
)
from fenxiao.integrations.wechat.transfer.errors import TransferNotFound
from fenxiao.integrations.wechat.transfer.factory import transfer_gateway
from fenxiao.integrations.wechat.transfer.types import TransferBill
from tests.integrations.transfer_support import (
    BILLS,
    REPORT_INFOS,
    TRANSFER_NOTIFY_URL,
    create,
    created,
    verify_request,
)
from tests.payments import support


def test_create_is_signed_and_sends_the_commission_scene_in_fen(live_transfer):
    route = live_transfer.post(BILLS).mock(return_value=created())

    bill = create(amount_fen=12_345)

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
    verify_request(request)
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
    live_transfer.post(BILLS).mock(return_value=created())
    gateway = transfer_gateway()

    params = gateway.transfer_client_params(create())

    assert params == {
        "mchId": support.MCHID,
        "appId": support.APPID,
        "package": "ABBQO+oYAAABAAAAAAC9pTllbOPG2NPR4YHTZxAAAADnGpepZahT9IkJjn90+1qg",
    }
    queried = TransferBill(out_bill_no="WD1", transfer_bill_no="1330", state="SUCCESS", amount_fen=100)
    with pytest.raises(Conflict) as refused:
        gateway.transfer_client_params(queried)
    assert refused.value.code == "TRANSFER_NOT_CONFIRMABLE"


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
    verify_request(request)


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
    verify_request(route.calls.last.request)
