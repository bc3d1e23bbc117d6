"""Operator API: staff tokens only; shelving and stock changes with their rules and audit rows."""

from __future__ import annotations

import json

import pytest

from fenxiao.accounts.tokens import token_pair_issue
from fenxiao.catalog.models import Product, Sku
from fenxiao.inventory.models import StockMovement
from tests.catalog_factories import ProductFactory, SkuFactory, stock_of
from tests.support import Api

pytestmark = pytest.mark.django_db

OPERATOR_CALLS = [
    ("get", "/api/v1/admin/products", None),
    ("get", "/api/v1/admin/products/{product}", None),
    ("post", "/api/v1/admin/products/{product}/on-shelf", {}),
    ("post", "/api/v1/admin/products/{product}/off-shelf", {}),
    ("post", "/api/v1/admin/products/shelf", {"product_ids": ["{product}"], "on_shelf": False}),
    ("get", "/api/v1/admin/skus/{sku}/stock", None),
    ("post", "/api/v1/admin/skus/{sku}/stock", {"delta": 5}),
    ("post", "/api/v1/admin/stock/sync", {"items": [{"sku_code": "{sku_code}", "stock": 1}]}),
]


@pytest.fixture
def sku():
    return SkuFactory(stock=10, product=ProductFactory(is_on_shelf=True))


def _call(client: Api, method: str, path: str, body, sku: Sku):
    values = {"product": sku.product_id, "sku": sku.id, "sku_code": sku.code}
    if body is None:
        return client.get(path.format(**values))
    text = json.dumps(body)
    for key, value in values.items():
        text = text.replace(f'"{{{key}}}"', json.dumps(value))
    return client.post(path.format(**values), raw=text)


@pytest.mark.parametrize(("method", "path", "body"), OPERATOR_CALLS)
def test_operator_endpoints_refuse_anonymous_and_shopper_tokens(anon, shopper_api, sku, method, path, body):
    anonymous = _call(anon, method, path, body, sku)
    assert anonymous.status_code == 401
    assert anonymous.json()["code"] == "UNAUTHORIZED"
    as_shopper = _call(shopper_api, method, path, body, sku)
    assert as_shopper.status_code == 403
    assert as_shopper.json()["code"] == "STAFF_ONLY"
    sku.refresh_from_db()
    assert stock_of(sku) == 10 and sku.product.is_on_shelf is True
    assert not StockMovement.objects.exists()


def test_a_staff_scope_token_of_a_user_no_longer_staff_is_refused(staff, sku):
    token = token_pair_issue(user_id=staff.id, scope="staff").access
    staff.is_staff = False
    staff.save()
    response = Api(token).get("/api/v1/admin/products")
    assert response.status_code == 403


def test_a_shopper_token_of_a_staff_user_does_not_open_the_operator_api(staff, sku):
    token = token_pair_issue(user_id=staff.id, scope="user").access
    assert Api(token).get("/api/v1/admin/products").status_code == 403


def test_operator_list_includes_off_shelf_products_and_finds_by_sku_code(staff_api, sku):
    off = SkuFactory(product=ProductFactory(is_on_shelf=False), price_fen=2500, stock=3)
    body = staff_api.get("/api/v1/admin/products").json()
    assert body["count"] == 2
    assert {i["code"]: i["is_on_shelf"] for i in body["items"]} == {sku.product.code: True, off.product.code: False}
    found = staff_api.get("/api/v1/admin/products", {"q": off.code}).json()["items"]
    assert [(i["code"], i["min_price_fen"], i["total_stock"]) for i in found] == [(off.product.code, 2500, 3)]
    assert staff_api.get("/api/v1/admin/products", {"on_shelf": "false"}).json()["count"] == 1


def test_operator_detail_shows_cost_and_inactive_skus(staff_api, sku):
    SkuFactory(product=sku.product, is_active=False, cost_fen=777)
    body = staff_api.get(f"/api/v1/admin/products/{sku.product_id}").json()
    assert [s["cost_fen"] for s in body["skus"]] == [1500, 777]
    assert body["total_stock"] == 10


def test_off_and_on_shelf_change_what_shoppers_see(staff_api, anon, sku):
    product_id = sku.product_id
    assert staff_api.post(f"/api/v1/admin/products/{product_id}/off-shelf").json() == {"changed": 1}
    assert anon.get(f"/api/v1/products/{product_id}").status_code == 404
    assert staff_api.post(f"/api/v1/admin/products/{product_id}/off-shelf").json() == {"changed": 0}
    assert staff_api.post(f"/api/v1/admin/products/{product_id}/on-shelf").json() == {"changed": 1}
    assert anon.get(f"/api/v1/products/{product_id}").status_code == 200


def test_a_product_without_an_active_sku_cannot_go_on_shelf(staff_api, db):
    product = ProductFactory(is_on_shelf=False)
    SkuFactory(product=product, is_active=False)
    response = staff_api.post(f"/api/v1/admin/products/{product.id}/on-shelf")
    assert response.status_code == 400
    assert response.json()["code"] == "PRODUCT_NO_ACTIVE_SKU"
    assert product.code in response.json()["message"]
    assert Product.objects.get(pk=product.pk).is_on_shelf is False


def test_bulk_shelf_is_all_or_nothing(staff_api, sku):
    other = SkuFactory(product=ProductFactory(is_on_shelf=True))
    response = staff_api.post(
        "/api/v1/admin/products/shelf", {"product_ids": [sku.product_id, 987654], "on_shelf": False}
    )
    assert response.status_code == 404
    assert "987654" in response.json()["message"]
    assert Product.objects.filter(is_on_shelf=True).count() == 2
    ok = staff_api.post(
        "/api/v1/admin/products/shelf", {"product_ids": [sku.product_id, other.product_id], "on_shelf": False}
    )
    assert ok.json() == {"changed": 2}


def test_stock_delta_and_set_leave_movements(staff_api, staff, sku):
    assert staff_api.post(f"/api/v1/admin/skus/{sku.id}/stock", {"delta": -4, "note": "破损"}).json()["stock"] == 6
    assert staff_api.post(f"/api/v1/admin/skus/{sku.id}/stock", {"stock": 50}).json()["stock"] == 50
    movements = list(
        StockMovement.objects.order_by("id").values_list("delta", "stock_after", "reason", "note", "actor")
    )
    assert movements == [(-4, 6, "adjust", "破损", staff.id), (44, 50, "adjust", "", staff.id)]


def test_stock_never_goes_negative(staff_api, sku):
    response = staff_api.post(f"/api/v1/admin/skus/{sku.id}/stock", {"delta": -11})
    assert response.status_code == 400
    assert response.json()["code"] == "STOCK_INSUFFICIENT"
    assert stock_of(sku.pk) == 10
    assert not StockMovement.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "body"),
        ({"delta": 1, "stock": 3}, "body"),
        ({"stock": -1}, "stock"),
        ({"delta": "many"}, "delta"),
        ({"delta": 1, "note": "x" * 201}, "note"),
    ],
)
def test_bad_stock_change_input(staff_api, sku, body, field):
    response = staff_api.post(f"/api/v1/admin/skus/{sku.id}/stock", body)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert stock_of(sku.pk) == 10


def test_zero_delta_and_unknown_sku(staff_api, sku):
    assert staff_api.post(f"/api/v1/admin/skus/{sku.id}/stock", {"delta": 0}).json()["code"] == "STOCK_DELTA_ZERO"
    response = staff_api.post("/api/v1/admin/skus/999999/stock", {"delta": 1})
    assert response.status_code == 404 and response.json()["code"] == "SKU_NOT_FOUND"


def test_stock_sync_by_code_is_all_or_nothing(staff_api, sku):
    other = SkuFactory(stock=1)
    bad = staff_api.post(
        "/api/v1/admin/stock/sync", {"items": [{"sku_code": sku.code, "stock": 0}, {"sku_code": "NOPE", "stock": 5}]}
    )
    assert bad.status_code == 404 and "NOPE" in bad.json()["message"]
    dup = staff_api.post(
        "/api/v1/admin/stock/sync", {"items": [{"sku_code": sku.code, "stock": 0}, {"sku_code": sku.code, "stock": 5}]}
    )
    assert dup.json()["code"] == "SKU_CODE_DUPLICATED"
    assert stock_of(sku.pk) == 10
    ok = staff_api.post(
        "/api/v1/admin/stock/sync",
        {"items": [{"sku_code": sku.code, "stock": 0}, {"sku_code": other.code, "stock": 1}], "note": "WMS 盘点"},
    )
    assert ok.status_code == 200
    assert ok.json()["updated"] == 2
    assert stock_of(sku.pk) == 0
    # unchanged SKUs leave no movement
    assert list(StockMovement.objects.values_list("sku_id", "delta", "reason")) == [(sku.id, -10, "sync")]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"product_ids": [], "on_shelf": True}, "product_ids"),
        ({"product_ids": ["abc"], "on_shelf": True}, "product_ids.0"),
        ({"product_ids": [0], "on_shelf": True}, "product_ids.0"),
        ({"product_ids": list(range(1, 1002)), "on_shelf": True}, "product_ids"),
        ({"product_ids": [1]}, "on_shelf"),
        ({"on_shelf": True}, "product_ids"),
    ],
)
def test_bad_bulk_shelf_input_names_the_field(staff_api, sku, body, field):
    response = staff_api.post("/api/v1/admin/products/shelf", body)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert Product.objects.get(pk=sku.product_id).is_on_shelf is True


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"items": []}, "items"),
        ({"items": [{"sku_code": "", "stock": 1}]}, "items.0.sku_code"),
        ({"items": [{"sku_code": "A", "stock": -1}]}, "items.0.stock"),
        ({"items": [{"sku_code": "A"}]}, "items.0.stock"),
        ({"items": "A"}, "items"),
    ],
)
def test_bad_stock_sync_input_names_the_field(staff_api, sku, body, field):
    response = staff_api.post("/api/v1/admin/stock/sync", body)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert stock_of(sku.pk) == 10
