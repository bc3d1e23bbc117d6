"""Each signal opens its case from what the mall recorded: self-dealing (a device shared with the
distributor), refund abuse, a burst of new customers, invite abuse; and the traces that feed them
(``X-Device-Id`` and IP on orders and bindings, erased after 180 days)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fenxiao.core.extensions import publish_on_commit
from fenxiao.distribution.models import OrderReferral
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.orders.models import Order
from fenxiao.risk.cases.settings import risk_settings_update
from fenxiao.risk.models import CaseKind, ClientTrace, RiskCase, TraceKind
from fenxiao.risk.traces.services import sweep_client_traces
from tests.distribution.centre_support import lines_of, refund_line
from tests.distribution.support import make_user, paid_order
from tests.risk.support import on_device
from tests.support import Api


def test_a_buyer_on_the_distributors_device_is_self_dealing(commit, dave, sku):
    # given Dave seen on a phone (his own binding as a shopper would record it)
    with on_device("dave-phone-0001"):
        ClientTrace.objects.create(
            kind=TraceKind.BINDING, object_id=0, user_id=dave.user_id, device_id="dave-phone-0001"
        )
        alt = make_user("dave-alt")
        # when a second account on that phone binds to him and buys
        with commit():
            referral_bind(user_id=alt.id, code=dave.code, source="link")
        order = paid_order(commit, alt, (sku.id, 1))
    # then a self-dealing case about Dave holds the order, the shared device as evidence
    case = RiskCase.objects.get(kind=CaseKind.SELF_DEALING)
    assert case.subject_user_id == dave.user_id
    assert list(case.orders.values_list("order_id", flat=True)) == [order.id]
    contexts = [s["context"] for s in case.evidence["signals"]]
    assert contexts == ["binding", "order_paid"]
    assert case.evidence["signals"][-1]["shared"] == [{"kind": "device", "value": "dave-phone-0001"}]


def test_orders_and_bindings_record_device_and_ip_from_the_request(commit, dave, sku):
    # given a shopper whose client sends X-Device-Id
    from fenxiao.accounts.tokens import token_pair_issue

    shopper = make_user("erin")
    api = Api(token_pair_issue(user_id=shopper.id, scope="user").access)
    api.client.defaults["HTTP_X_DEVICE_ID"] = "erin-device-123456"
    # when she binds through the API and places an order
    with commit():
        assert api.post("/api/v1/distribution/bind", {"code": dave.code, "source": "link"}).status_code == 200
    paid_order_with_device = None
    with on_device("erin-device-123456", "198.51.100.9"):
        paid_order_with_device = paid_order(commit, shopper, (sku.id, 1))
    # then both carry her device and IP
    binding = ClientTrace.objects.get(kind=TraceKind.BINDING, user_id=shopper.id)
    assert (binding.device_id, binding.ip) == ("erin-device-123456", "127.0.0.1")
    order_trace = ClientTrace.objects.get(kind=TraceKind.ORDER, object_id=paid_order_with_device.id)
    assert (order_trace.device_id, order_trace.ip) == ("erin-device-123456", "198.51.100.9")


def test_traces_are_erased_after_180_days(db):
    ClientTrace.objects.create(kind=TraceKind.ORDER, object_id=1, user_id=1, device_id="d" * 10)
    now = timezone.now()
    assert sweep_client_traces(now=now + timedelta(days=179)) == 0
    assert sweep_client_traces(now=now + timedelta(days=181)) == 1
    assert not ClientTrace.objects.exists()


def test_refund_abuse_opens_a_case_with_the_refunded_orders(commit, dave, sku):
    # given thresholds of 50% over at least 4 orders, and four of Dave's customers
    risk_settings_update(actor_id=None, changes={"refund_min_orders": 4, "refund_max_bps": 5000})
    orders = []
    for i in range(4):
        user = make_user(f"cust{i}")
        referral_bind(user_id=user.id, code=dave.code, source="link")
        orders.append(paid_order(commit, user, (sku.id, 1)))
    # when three of them are refunded (75%)
    for order in orders[:3]:
        with commit():
            # what a finished refund leaves behind, then its event
            refund_line(lines_of(order)[0], 10_000)
            Order.objects.filter(pk=order.pk).update(refunded_fen=10_000)
            publish_on_commit("order_line_refunded", order_id=order.id, order_line_id=lines_of(order)[0].id)
    # then one refund-abuse case about Dave names the refunded orders and the rate
    case = RiskCase.objects.get(kind=CaseKind.REFUND_ABUSE)
    assert case.subject_user_id == dave.user_id
    assert sorted(case.orders.values_list("order_id", flat=True)) == sorted(o.id for o in orders)
    assert case.evidence["signals"][-1]["refunded_order_ids"] == sorted(o.id for o in orders[:3])
    assert case.evidence["signals"][-1]["rate_bps"] == 7500


def test_a_burst_of_new_customers_in_an_hour_opens_a_case(commit, dave, sku):
    # given at most 2 first orders an hour
    risk_settings_update(actor_id=None, changes={"burst_max_first_orders": 2})
    orders = []
    for i in range(3):
        user = make_user(f"new{i}")
        referral_bind(user_id=user.id, code=dave.code, source="link")
        orders.append(paid_order(commit, user, (sku.id, 1)))
    case = RiskCase.objects.get(kind=CaseKind.BURST)
    assert sorted(case.orders.values_list("order_id", flat=True)) == sorted(o.id for o in orders)
    assert OrderReferral.objects.filter(order_id__in=[o.id for o in orders]).count() == 3


def test_h5_pages_carry_the_device_in_a_cookie(db):
    from django.test import Client

    from fenxiao.core.client_context import ClientContextMiddleware, current_client

    seen = {}

    def view(request):
        seen["client"] = current_client()
        from django.http import HttpResponse

        return HttpResponse("ok")

    client = Client()
    client.cookies["fx_device"] = "0123456789abcdef0123456789abcdef"
    request = client.get("/").wsgi_request
    ClientContextMiddleware(view)(request)
    assert seen["client"].device_id == "0123456789abcdef0123456789abcdef"
    assert current_client().device_id == ""
