"""How a live merchant-transfer call fails: an unclear outcome (network, 5xx, busy, a forged or
unreadable answer, an unknown code) is retryable so the caller queries before anything else; a
definite refusal is not; a malformed request never leaves the process."""

from __future__ import annotations

import httpx
import pytest

from fenxiao.integrations.wechat.pay.errors import (
    BAD_ANSWER,
    BAD_SIGNATURE,
    NETWORK,
    REJECTED,
    UNAVAILABLE,
)
from fenxiao.integrations.wechat.transfer.errors import TransferError
from fenxiao.integrations.wechat.transfer.factory import transfer_gateway
from tests.integrations.transfer_support import (
    BILLS,
    create,
    created,
)
from tests.payments import support


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
        pytest.param(lambda: created(out_bill_no="WD_OTHER"), BAD_ANSWER, id="other-bill"),
        pytest.param(lambda: created(state="SOMETHING"), BAD_ANSWER, id="unknown-state"),
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
        create()

    assert failed.value.code == code
    assert failed.value.retryable, "unclear: WeChat may hold the bill, query or resend the same out_bill_no"


@pytest.mark.parametrize(
    ("status", "wechat_code"),
    [(403, "NOT_ENOUGH"), (400, "INVALID_REQUEST"), (400, "PARAM_ERROR"), (403, "NO_AUTH")],
)
def test_a_definite_refusal_is_not_retryable(live_transfer, status, wechat_code):
    live_transfer.post(BILLS).mock(return_value=support.signed_answer(status, {"code": wechat_code, "message": "拒绝"}))

    with pytest.raises(TransferError) as refused:
        create()

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
    route = live_transfer.post(BILLS).mock(return_value=created())
    request = {"out_bill_no": "WD1", "openid": "o-payee", "amount_fen": 100, "remark": "佣金提现", **kwargs}

    with pytest.raises(ValueError):
        transfer_gateway().create_transfer_bill(**request)

    assert not route.called
