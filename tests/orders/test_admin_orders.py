"""The operator console for orders and shipping templates, through Django's test client logged in
as the superuser: lists and filters render, shipping works end to end, yuan become fen."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from fenxiao.orders.models import OrderStatus, Shipment, ShippingTemplate
from fenxiao.orders.shipping.shipments import order_ship
from tests.order_support import mark_paid, place_order

ORDERS = reverse("admin:orders_order_changelist")
TEMPLATES = reverse("admin:orders_shippingtemplate_changelist")


@pytest.fixture
def console(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


@pytest.fixture
def paid(buyer, sku, sku2):
    return mark_paid(place_order(buyer, (sku.id, 2), (sku2.id, 1)))


def ship_url(order) -> str:
    return reverse("admin:orders_order_ship", args=[order.pk])


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [o.pk for o in response.context["cl"].result_list]


def test_order_list_filters_and_search(console, paid, buyer, other_user, sku):
    unpaid = place_order(other_user, (sku.id, 1))

    response = console.get(ORDERS)
    assert sorted(listed(response)) == sorted([paid.pk, unpaid.pk])
    page = response.content.decode()
    assert ship_url(paid) in page and ship_url(unpaid) not in page
    assert "买家 ID、用户名或昵称" in page

    assert listed(console.get(ORDERS, {"status__exact": "paid"})) == [paid.pk]
    assert listed(console.get(ORDERS, {"buyer": str(other_user.pk)})) == [unpaid.pk]
    assert listed(console.get(ORDERS, {"buyer": "爱丽"})) == [paid.pk]
    assert listed(console.get(ORDERS, {"q": paid.order_no})) == [paid.pk]
    assert listed(console.get(ORDERS, {"q": "鲍勃"})) == [unpaid.pk]  # buyer nickname
    assert listed(console.get(ORDERS, {"q": "李四"})) == [unpaid.pk]  # receiver
    year = paid.created_at.year
    assert len(listed(console.get(ORDERS, {"created_at__year": str(year)}))) == 2
    assert listed(console.get(ORDERS, {"_facets": "True", "buyer": str(buyer.pk)})) == [paid.pk]


def test_order_page_is_read_only_with_a_ship_button(console, paid):
    response = console.get(reverse("admin:orders_order_change", args=[paid.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert ship_url(paid) in page
    assert 'name="_save"' not in page
    assert paid.lines.first().product_title in page
    assert console.get(reverse("admin:orders_order_add")).status_code == 403


def test_ship_form_ships_a_parcel_end_to_end(console, paid, staff):
    first, second = paid.lines.order_by("id")
    assert console.get(ship_url(paid)).status_code == 200

    response = console.post(
        ship_url(paid),
        {"carrier_code": "SF", "tracking_no": "sf0000001", f"line_{first.id}": "1", f"line_{second.id}": "0"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:orders_order_change", args=[paid.pk])
    shipment = Shipment.objects.get()
    assert (shipment.tracking_no, shipment.shipped_by) == ("SF0000001", staff)
    assert list(shipment.lines.values_list("order_line_id", "quantity")) == [(first.id, 1)]
    assert "已发货：顺丰速运 SF0000001" in messages_of(response)
    assert LogEntry.objects.filter(object_id=str(paid.pk), change_message__contains="SF0000001").exists()

    # the rest goes in a second parcel; the form offers what is left
    page = console.get(ship_url(paid))
    assert page.context["form"].available == {first.id: 1, second.id: 1}
    console.post(
        ship_url(paid),
        {"carrier_code": "ZTO", "tracking_no": "7800002", f"line_{first.id}": "1", f"line_{second.id}": "1"},
    )
    paid.refresh_from_db()
    assert paid.status == OrderStatus.SHIPPED
    page = console.get(reverse("admin:orders_order_change", args=[paid.pk])).content.decode()
    assert "SF0000001" in page and "7800002" in page and "部分发货" in page
    assert ship_url(paid) not in page  # nothing left to ship


def test_ship_form_shows_domain_errors_on_the_form(console, paid, buyer, sku, staff):
    other = mark_paid(place_order(buyer, (sku.id, 1)))
    order_ship(order_id=other.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=None)
    first, second = paid.lines.order_by("id")
    data = {"carrier_code": "SF", "tracking_no": "SF0000001", f"line_{first.id}": "2", f"line_{second.id}": "1"}

    response = console.post(ship_url(paid), data)

    assert response.status_code == 200
    assert response.context["form"].errors["tracking_no"] == ["该运单号已被使用，请核对"]
    response = console.post(
        ship_url(paid), {**data, "tracking_no": "SF0000002", f"line_{first.id}": "0", f"line_{second.id}": "0"}
    )
    assert "请至少发货一件商品" in response.context["form"].non_field_errors()
    response = console.post(ship_url(paid), {**data, "tracking_no": "SF0000002", f"line_{first.id}": "3"})
    assert response.context["form"].errors[f"line_{first.id}"]
    assert Shipment.objects.filter(order=paid).count() == 0


def test_ship_form_refuses_an_unpaid_order(console, buyer, sku):
    unpaid = place_order(buyer, (sku.id, 1))
    line = unpaid.lines.get()
    response = console.post(
        ship_url(unpaid), {"carrier_code": "SF", "tracking_no": "SF0000001", f"line_{line.id}": "1"}
    )
    assert response.status_code == 200
    assert "订单当前状态不能发货" in response.context["form"].non_field_errors()


def test_cancel_action_cancels_unpaid_orders_only(console, paid, buyer, sku, staff):
    unpaid = place_order(buyer, (sku.id, 1))

    response = console.post(ORDERS, {"action": "cancel_unpaid", "_selected_action": [paid.pk, unpaid.pk]}, follow=True)

    unpaid.refresh_from_db()
    paid.refresh_from_db()
    assert (unpaid.status, paid.status) == (OrderStatus.CANCELLED, OrderStatus.PAID)
    assert unpaid.events.last().actor == staff
    text = " ".join(messages_of(response))
    assert "已取消 1 个订单" in text and paid.order_no in text


def test_retry_upload_action(console, paid, staff):
    order_ship(order_id=paid.id, by=staff, carrier_code="SF", tracking_no="SF0000001", lines=None)

    response = console.post(ORDERS, {"action": "retry_wechat_upload", "_selected_action": [paid.pk]}, follow=True)

    assert Shipment.objects.get().wechat_upload == Shipment.UploadState.UPLOADED
    assert "已处理 1 个订单" in " ".join(messages_of(response))


def template_form(**overrides) -> dict:
    data = {
        "name": "江浙沪包邮",
        "charge_by": "piece",
        "free_over_yuan": "99.5",
        "is_default": "on",
        "rules-TOTAL_FORMS": "2",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "1000",
        "rules-0-provinces_text": "广东、广西，北京市",
        "rules-0-first_units": "1",
        "rules-0-first_yuan": "10",
        "rules-0-extra_units": "1",
        "rules-0-extra_yuan": "2.5",
        "rules-1-provinces_text": "",
        "rules-1-first_units": "1",
        "rules-1-first_yuan": "¥12.00",
        "rules-1-extra_units": "2",
        "rules-1-extra_yuan": "",
    }
    return {**data, **overrides}


def test_shipping_template_form_converts_yuan_and_provinces(console, sku):
    response = console.post(
        reverse("admin:orders_shippingtemplate_add"), {**template_form(), "products": [sku.product_id]}
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    template = ShippingTemplate.objects.get()
    assert (template.free_over_fen, template.is_default) == (9950, True)
    assert list(template.products.all()) == [sku.product]
    rules = list(template.rules.order_by("id").values_list("provinces", "first_fen", "extra_units", "extra_fen"))
    assert rules == [(["广东省", "广西壮族自治区", "北京市"], 1000, 1, 250), ([], 1200, 2, 0)]

    # the change page shows them back in yuan and as text
    page = console.get(reverse("admin:orders_shippingtemplate_change", args=[template.pk])).content.decode()
    assert 'value="99.50"' in page and "广东省、广西壮族自治区、北京市" in page and 'value="10.00"' in page
    assert console.get(TEMPLATES).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"free_over_yuan": "1.234"}, "金额最多两位小数"),
        ({"rules-0-first_yuan": "十块"}, "金额格式不正确"),
        ({"rules-0-extra_yuan": "-1"}, "金额不能为负数"),
        ({"rules-0-provinces_text": "广东、火星"}, "无法识别的省份：火星"),
        ({"rules-1-provinces_text": "广东省"}, "省份出现在多条规则中：广东省"),
        ({"rules-0-provinces_text": ""}, "只能有一条“其余地区”规则"),
    ],
)
def test_shipping_template_form_errors(console, overrides, message):
    response = console.post(reverse("admin:orders_shippingtemplate_add"), template_form(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ShippingTemplate.objects.exists()


def test_only_one_default_template(console):
    ShippingTemplate.objects.create(name="全国", is_default=True)
    response = console.post(reverse("admin:orders_shippingtemplate_add"), template_form())
    assert response.status_code == 200
    assert "已有默认模板「全国」" in response.content.decode()
