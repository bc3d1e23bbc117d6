"""Tampered requests to the operator console answer as Django does for bad lookups (``?e=1``, a
message and a redirect, or a form error), never a 500, and change nothing."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.urls import reverse

from fenxiao.accounts.models import User
from fenxiao.catalog.models import Category, Product, Supplier
from fenxiao.content.models import Material, MaterialCategory
from fenxiao.orders.models import AfterSale, AfterSaleLine, Order
from tests.catalog_factories import CategoryFactory, ProductFactory, SkuFactory
from tests.order_support import address_for, place_order

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "1.5", "-1", "１", "9223372036854775808", "9" * 5000, ""]


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- 1. bulk actions with ids that are not ids ----------------------------------------------------


@pytest.mark.parametrize(
    "changelist, make",
    [
        ("admin:catalog_supplier_changelist", lambda: Supplier.objects.create(name="供应商甲")),
        ("admin:catalog_product_changelist", lambda: ProductFactory()),
        ("admin:catalog_category_changelist", lambda: CategoryFactory()),
        ("admin:content_materialcategory_changelist", lambda: MaterialCategory.objects.create(name="素材分类")),
    ],
)
@pytest.mark.parametrize("bad", BAD_IDS)
def test_bulk_delete_with_bad_ids_only_says_items_must_be_selected(admin_client, changelist, make, bad):
    row = make()
    model = type(row)
    before = model.objects.count()
    url = reverse(changelist)

    response = admin_client.post(url, {"action": "delete_selected", "_selected_action": bad, "index": "0"})

    assert response.status_code == 302
    assert response["Location"] == url
    assert any("Items must be selected" in m or "条目必须选中" in m for m in messages_of(response))
    assert model.objects.count() == before
    assert not LogEntry.objects.exists()


def test_bulk_action_keeps_the_good_ids_and_drops_the_bad(admin_client):
    kept = Supplier.objects.create(name="留下")
    doomed = Supplier.objects.create(name="删除")
    url = reverse("admin:catalog_supplier_changelist")

    response = admin_client.post(
        url,
        {"action": "delete_selected", "_selected_action": ["abc", str(doomed.pk), "1.5"], "post": "yes"},
    )

    assert response.status_code == 302
    assert list(Supplier.objects.values_list("pk", flat=True)) == [kept.pk]


def test_product_bulk_action_with_bad_id_changes_nothing(admin_client):
    product = ProductFactory(is_on_shelf=False)
    SkuFactory(product=product)
    url = reverse("admin:catalog_product_changelist")

    response = admin_client.post(url, {"action": "put_on_shelf", "_selected_action": "abc"})

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.is_on_shelf is False


# --- 2. date hierarchy values no calendar holds ---------------------------------------------------


@pytest.mark.parametrize(
    "changelist",
    [
        "admin:orders_aftersale_changelist",
        "admin:orders_order_changelist",
        "admin:payments_payment_changelist",
        "admin:ledger_ledgertransaction_changelist",
        "admin:distribution_commissionrecord_changelist",
    ],
)
@pytest.mark.parametrize(
    "params",
    [
        {"created_at__year": "9223372036854775808"},
        {"created_at__year": "9999"},
        {"created_at__year": "0"},
        {"created_at__year": "1"},
        {"created_at__year": "１" * 30},  # full-width digits: int() reads them too
        {"created_at__year": "2024", "created_at__month": "99999999999999999999"},
        {"created_at__year": "2024", "created_at__month": "1", "created_at__day": "18446744073709551616"},
        {"created_at__year": "2024", "created_at__month": "13"},
        {"created_at__year": "abc"},
    ],
)
def test_out_of_range_date_hierarchy_is_a_bad_lookup(admin_client, changelist, params):
    url = reverse(changelist)

    response = admin_client.get(url, params)

    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_a_real_date_hierarchy_still_filters(admin_client):
    url = reverse("admin:orders_order_changelist")

    assert admin_client.get(url, {"created_at__year": "2024", "created_at__month": "2"}).status_code == 200


# --- 3. the catalogue's own list filters ----------------------------------------------------------


@pytest.mark.parametrize("bad", ["abc", "1.5", "9223372036854775808", "9" * 5000])
@pytest.mark.parametrize(
    "changelist, param",
    [("admin:catalog_product_changelist", "top_category"), ("admin:catalog_category_changelist", "parent")],
)
def test_category_filters_refuse_values_that_are_not_ids(admin_client, changelist, param, bad):
    ProductFactory()  # a top category, so that the filter shows (and is applied)
    url = reverse(changelist)

    response = admin_client.get(url, {param: bad})

    assert response.status_code == 302
    assert response["Location"] == f"{url}?e=1"


def test_category_filters_still_filter_by_id(admin_client):
    product = ProductFactory()
    other = ProductFactory()
    top = product.category.parent

    page = admin_client.get(reverse("admin:catalog_product_changelist"), {"top_category": str(top.pk)})
    assert [p.pk for p in page.context["cl"].result_list] == [product.pk]
    assert other.pk != product.pk

    page = admin_client.get(reverse("admin:catalog_category_changelist"), {"parent": str(top.pk)})
    assert [c.pk for c in page.context["cl"].result_list] == [product.category.pk]
    assert Category.objects.count() == 4


# --- 4. the change form of a record only services change ------------------------------------------


@pytest.fixture
def order() -> Order:
    buyer = User.objects.create(username="wx_sandbox-alice", openid="sandbox-alice", nickname="爱丽丝")
    address_for(buyer)
    return place_order(buyer, (SkuFactory(price_fen=3990, stock=10).id, 1))


def after_sale_of(order: Order) -> AfterSale:
    after_sale = AfterSale.objects.create(
        after_sale_no="AS-TAMPER-1", order=order, buyer=order.buyer, kind="refund_only", reason="不想要了", refund_fen=0
    )
    AfterSaleLine.objects.create(after_sale=after_sale, order_line=order.lines.first(), quantity=1, refund_fen=0)
    return after_sale


INLINES_EMPTY = {
    f"{prefix}-{field}": "0"
    for prefix in ("lines", "shipments", "events")
    for field in ("TOTAL_FORMS", "INITIAL_FORMS")
}


@pytest.mark.parametrize(
    "view, record",
    [("admin:orders_order_change", lambda order: order), ("admin:orders_aftersale_change", after_sale_of)],
)
def test_posting_a_service_only_change_form_saves_nothing_and_says_so(admin_client, order, view, record):
    row = record(order)
    model = type(row)
    before = model.objects.filter(pk=row.pk).values().get()
    url = reverse(view, args=[row.pk])

    response = admin_client.post(url, {**INLINES_EMPTY, "remark": "tampered", "reason": "tampered"})

    assert response.status_code == 302
    assert response["Location"] == url
    assert any("操作按钮" in m for m in messages_of(response))
    assert model.objects.filter(pk=row.pk).values().get() == before
    assert not LogEntry.objects.exists()
    assert admin_client.get(url).status_code == 200


# --- 5. an autocomplete field given something that is not an id -----------------------------------


def test_material_with_bad_product_is_a_form_error(admin_client):
    category = MaterialCategory.objects.create(name="素材分类")
    url = reverse("admin:content_material_add")

    response = admin_client.post(
        url,
        {
            "kind": "copy",
            "title": "标题",
            "category": str(category.pk),
            "product": "abc",
            "position": "0",
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "product" in response.context["adminform"].form.errors
    assert not Material.objects.exists()
    assert Product.objects.count() == 0
