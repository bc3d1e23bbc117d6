"""Fixtures for the payment tests: the sandbox in a temporary folder, live WeChat Pay faked at the
HTTP transport with respx, recording hooks, shoppers and staff with tokens."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
import respx

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.integrations.wechat.pay import factory as gateway_module
from fenxiao.orders.payment_port import OrderPaymentPort
from fenxiao.payments.hooks import PaymentRefusal, order_port
from tests.payments import support
from tests.support import Api


@pytest.fixture
def gateway(sandbox_dir):
    return gateway_module.pay_gateway()


@dataclass
class HookCalls:
    payments: list[int] = field(default_factory=list)
    refunds: list[tuple[int, str]] = field(default_factory=list)
    payment_error: Exception | None = None
    refusal: PaymentRefusal | None = None
    refund_error: Exception | None = None


@pytest.fixture
def hook_calls():
    """Replace orders' answers to money with recording ones (the order's lock and terms stay
    orders'), restored afterwards."""
    calls = HookCalls()
    saved = order_port.one()

    class RecordingPort(OrderPaymentPort):
        def payment_received(self, payment):
            calls.payments.append(payment.pk)
            if calls.payment_error is not None:
                raise calls.payment_error
            return calls.refusal

        def refund_finished(self, refund):
            calls.refunds.append((refund.pk, refund.status))
            if calls.refund_error is not None:
                raise calls.refund_error

    order_port.register("orders", RecordingPort())
    yield calls
    order_port.register("orders", saved)


@dataclass
class LiveWechatPay:
    router: respx.Router
    settings: object


@pytest.fixture
def live_pay(settings, tmp_path):
    """Live mode in public-key mode, WeChat's API faked at the transport; unplanned calls fail."""
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
    settings.WECHATPAY_NOTIFY_URL = support.NOTIFY_URL
    settings.WECHATPAY_REFUND_NOTIFY_URL = support.REFUND_NOTIFY_URL
    gateway_module.reset_pay_gateway()
    with respx.mock(base_url=support.LIVE_BASE, assert_all_called=False, assert_all_mocked=True) as router:
        yield LiveWechatPay(router=router, settings=settings)
    gateway_module.reset_pay_gateway()


@pytest.fixture
def buyer(db) -> User:
    return User.objects.create(username="wx_sandbox-alice", openid="sandbox-alice", nickname="爱丽丝")


@pytest.fixture
def buyer_api(buyer) -> Api:
    return Api(token_pair_issue(user_id=buyer.id, scope="user").access)


@pytest.fixture
def other_shopper_api(db) -> Api:
    other = User.objects.create(username="wx_sandbox-bob", openid="sandbox-bob", nickname="鲍勃")
    return Api(token_pair_issue(user_id=other.id, scope="user").access)


@pytest.fixture
def staff_api(db) -> Api:
    staff = User.objects.create(username="operator", is_staff=True)
    return Api(token_pair_issue(user_id=staff.id, scope="staff").access)


@pytest.fixture
def order(buyer):
    return support.make_order(buyer)


@pytest.fixture
def payment(db, gateway, order):
    """A payment prepared in the sandbox for ``order`` (the notification tests' usual subject)."""
    return support.prepared_payment(order)
