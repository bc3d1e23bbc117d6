"""The operator refund through its two faces: ``POST /api/v1/admin/orders/{id}/refunds`` (staff
token with the refund permission) and the order page's "运营退款" form in the admin. Both call the
same service and both leave an audit entry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from fenxiao.accounts.models import User
from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.orders.models import AfterSale, OrderStatus
from fenxiao.orders.services import order_complete
from fenxiao.risk.models import AuditEntry
from tests.catalog_factories import SkuFactory
from tests.order_support import place_order
from tests.orders.aftersales.support import fixture_aftersale_sandbox, lines_of, pay, receive, ship  # noqa: F401
from tests.support import Api, assert_error

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def completed_order(buyer, staff):
    sku = SkuFactory(price_fen=3_333, stock=100, weight_g=100)
    order = receive(ship(pay(place_order(buyer, (sku.id, 3))), staff))
    order_complete(order_id=order.id, at=order.received_at + timedelta(days=8))
    order.refresh_from_db()
    return order


def url(order) -> str:
    return f"/api/v1/admin/orders/{order.id}/refunds"


def test_staff_with_the_permission_refunds_per_line_and_the_refund_is_audited(staff_api, staff, completed_order):
    (line,) = lines_of(completed_order)
    response = staff_api.post(
        url(completed_order), {"reason": "投诉处理", "lines": [{"order_line_id": line.id, "quantity": 2}]}
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["kind"] == "operator" and body["kind_label"] == "运营退款"
    assert body["status"] == "refunded" and body["refund_fen"] == 6_666
    entry = AuditEntry.objects.get(action="order_operator_refund")
    assert entry.actor_id == staff.id and entry.target_id == str(completed_order.id)
    assert entry.changes["refund_fen"] == 6_666 and entry.changes["whole_order"] is False


def test_whole_order_then_refusals_with_stable_codes(staff_api, completed_order, buyer):
    assert staff_api.post(url(completed_order), {"reason": "纠纷"}).status_code == 201
    assert_error(staff_api.post(url(completed_order), {"reason": "纠纷"}), 409, "OPERATOR_REFUND_EXCEEDS_PAID")
    assert_error(staff_api.post("/api/v1/admin/orders/999999/refunds", {"reason": "纠纷"}), 404, "ORDER_NOT_FOUND")
    sku = SkuFactory(price_fen=1_000, stock=10, weight_g=100)
    paid = pay(place_order(buyer, (sku.id, 1)))
    assert_error(staff_api.post(url(paid), {"reason": "纠纷"}), 409, "OPERATOR_REFUND_ORDER_NOT_COMPLETED")
    assert staff_api.post(url(paid), {"reason": ""}).status_code == 422


def test_shoppers_and_staff_without_the_permission_are_refused(buyer_api, completed_order):
    assert_error(buyer_api.post(url(completed_order), {"reason": "纠纷"}), 403, "STAFF_ONLY")
    clerk = User.objects.create(username="clerk", is_staff=True)
    clerk_api = Api(token_pair_issue(user_id=clerk.id, scope="staff").access)
    assert_error(clerk_api.post(url(completed_order), {"reason": "纠纷"}), 403, "OPERATOR_REFUND_FORBIDDEN")
    assert Api().post(url(completed_order), {"reason": "纠纷"}).status_code == 401
    assert not AfterSale.objects.exists()


def test_admin_form_refunds_some_units_and_logs_it(staff, completed_order):
    console = Client()
    console.force_login(staff)
    page = reverse("admin:orders_order_operator_refund", args=[completed_order.pk])
    change = console.get(reverse("admin:orders_order_change", args=[completed_order.pk])).content.decode()
    assert page in change  # the order page links to the form

    (line,) = lines_of(completed_order)
    response = console.post(page, {"reason": "投诉处理", "note": "", f"line_{line.id}": 1})
    assert response.status_code == 302
    after_sale = AfterSale.objects.get()
    assert after_sale.refund_fen == 3_333 and after_sale.handled_by == staff
    assert AuditEntry.objects.filter(action="order_operator_refund", actor=staff).count() == 1

    # more than is left is refused by the form; an empty pick is named
    response = console.post(page, {"reason": "再退", f"line_{line.id}": 3})
    assert response.status_code == 200 and "line_" in response.content.decode()
    response = console.post(page, {"reason": "再退", f"line_{line.id}": 0})
    assert "请至少退款一件商品" in response.content.decode()

    # the rest: the whole order, which closes it
    response = console.post(page, {"reason": "整单", f"line_{line.id}": 2})
    assert response.status_code == 302
    completed_order.refresh_from_db()
    assert completed_order.status == OrderStatus.CLOSED and completed_order.refunded_fen == 9_999


def test_admin_form_is_refused_without_the_permission(completed_order):
    clerk = User.objects.create(username="clerk", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename__in=["view_order", "change_order"]))
    console = Client()
    console.force_login(clerk)
    page = reverse("admin:orders_order_operator_refund", args=[completed_order.pk])
    assert console.get(page).status_code == 403
    clerk.user_permissions.add(Permission.objects.get(codename="refund_completed_order"))
    clerk = User.objects.get(pk=clerk.pk)
    console.force_login(clerk)
    assert console.get(page).status_code == 200
