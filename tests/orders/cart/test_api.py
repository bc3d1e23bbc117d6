"""The cart through the mini-program's eyes: ``/api/v1/cart`` with a shopper's token."""

from __future__ import annotations

import pytest

from fenxiao.orders.models import CartItem
from tests.catalog_factories import ProductFactory, SkuFactory
from tests.support import Api, assert_error

ITEMS = "/api/v1/cart/items"

pytestmark = pytest.mark.django_db


@pytest.fixture
def anon() -> Api:
    return Api()


def add(api, sku_id: int, quantity: int | None = None, **extra):
    body = {"sku_id": sku_id, **extra}
    if quantity is not None:
        body["quantity"] = quantity
    return api.post(ITEMS, body)


def cart(api) -> dict:
    response = api.get(ITEMS)
    assert response.status_code == 200, response.content.decode()
    return response.json()


# --- adding ------------------------------------------------------------------------------------


def test_add_answers_the_line_with_current_price_specs_and_image(buyer_api, buyer):
    # One spec name: PostgreSQL's jsonb does not keep the order of several.
    sku = SkuFactory(specs={"颜色": "红色"}, price_fen=3990, stock=20)

    response = add(buyer_api, sku.id, 2)

    assert response.status_code == 201, response.content.decode()
    line = response.json()
    assert line == {
        "id": CartItem.objects.get(user=buyer).id,
        "sku_id": sku.id,
        "product_id": sku.product_id,
        "title": sku.product.title,
        "spec_text": "颜色:红色",
        "image": f"http://testserver/media/demo/products/{sku.product.code}.png",
        "price_fen": 3990,
        "quantity": 2,
        "selected": True,
        "stock": 20,
        "available": True,
        "unavailable_reason": "",
    }


def test_quantity_defaults_to_one_and_a_sku_image_beats_the_main_image(buyer_api):
    sku = SkuFactory(image="https://cdn.example.com/red.png")

    line = add(buyer_api, sku.id).json()

    assert line["quantity"] == 1
    assert line["image"] == "https://cdn.example.com/red.png"


def test_adding_the_same_sku_again_adds_up_in_one_line(buyer_api, buyer, sku):
    add(buyer_api, sku.id, 2, selected=False)

    response = add(buyer_api, sku.id, 3)

    assert response.status_code == 201
    assert response.json()["quantity"] == 5
    assert response.json()["selected"] is True  # adding again means "I want it": selected
    assert list(CartItem.objects.filter(user=buyer).values_list("sku_id", "quantity")) == [(sku.id, 5)]


def test_add_can_leave_the_line_unselected(buyer_api, sku):
    assert add(buyer_api, sku.id, 1, selected=False).json()["selected"] is False


def test_unknown_sku_is_not_found(buyer_api):
    assert_error(add(buyer_api, 999_999), 404, "SKU_NOT_FOUND")


def test_off_shelf_product_is_refused(buyer_api, buyer):
    sku = SkuFactory(product=ProductFactory(is_on_shelf=False))

    body = assert_error(add(buyer_api, sku.id), 400, "PRODUCT_OFF_SHELF")

    assert body["message"] == "商品已下架"
    assert not CartItem.objects.filter(user=buyer).exists()


def test_retired_sku_is_refused_like_an_off_shelf_product(buyer_api):
    sku = SkuFactory(is_active=False)

    body = assert_error(add(buyer_api, sku.id), 400, "PRODUCT_OFF_SHELF")

    assert "停售" in body["message"]


def test_more_than_the_stock_is_refused_with_what_is_left(buyer_api, buyer):
    sku = SkuFactory(stock=3)

    body = assert_error(add(buyer_api, sku.id, 4), 409, "STOCK_INSUFFICIENT")

    assert body["message"] == "库存不足，仅剩 3 件"
    assert body["field"] == "quantity"
    assert not CartItem.objects.filter(user=buyer).exists()


def test_merging_past_the_stock_is_refused_and_keeps_the_line(buyer_api, buyer):
    sku = SkuFactory(stock=3)
    add(buyer_api, sku.id, 2)

    body = assert_error(add(buyer_api, sku.id, 2), 409, "STOCK_INSUFFICIENT")

    assert body["message"] == "库存不足，仅剩 3 件（购物车中已有 2 件）"
    assert CartItem.objects.get(user=buyer).quantity == 2


def test_sold_out_sku_is_refused(buyer_api):
    sku = SkuFactory(stock=0)

    body = assert_error(add(buyer_api, sku.id), 409, "STOCK_INSUFFICIENT")

    assert body["message"] == "该商品已售罄"


def test_a_line_never_holds_more_than_an_order_line_may(buyer_api, buyer, sku, settings):
    settings.ORDER_MAX_UNITS_PER_SKU = 5
    add(buyer_api, sku.id, 5)

    body = assert_error(add(buyer_api, sku.id, 1), 400, "QUANTITY_TOO_LARGE")

    assert "最多购买 5 件" in body["message"]
    assert CartItem.objects.get(user=buyer).quantity == 5


def test_a_full_cart_takes_no_new_sku_but_still_merges(buyer_api, buyer, settings):
    settings.CART_MAX_ITEMS = 2
    first, second, third = SkuFactory.create_batch(3)
    add(buyer_api, first.id)
    add(buyer_api, second.id)

    body = assert_error(add(buyer_api, third.id), 400, "CART_FULL")

    assert "2" in body["message"]
    assert add(buyer_api, first.id).status_code == 201
    assert CartItem.objects.filter(user=buyer).count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"sku_id": 1, "quantity": 0}, "quantity"),
        ({"sku_id": 1, "quantity": -2}, "quantity"),
        ({"sku_id": 1, "quantity": "两件"}, "quantity"),
        ({"quantity": 1}, "sku_id"),
        ({"sku_id": 0}, "sku_id"),
    ],
)
def test_bad_add_payload_is_a_validation_error_naming_the_field(buyer_api, payload, field):
    body = assert_error(buyer_api.post(ITEMS, payload), 422, "VALIDATION_ERROR")

    assert body["field"] == field


def test_every_cart_endpoint_needs_a_login(anon, buyer, sku):
    item = CartItem.objects.create(user=buyer, sku=sku, quantity=1)

    responses = [
        anon.get(ITEMS),
        anon.post(ITEMS, {"sku_id": sku.id}),
        anon.patch(f"{ITEMS}/{item.id}", {"quantity": 2}),
        anon.delete(f"{ITEMS}/{item.id}"),
        anon.post(f"{ITEMS}/select", {"selected": False}),
        anon.post(f"{ITEMS}/delete", {"item_ids": [item.id]}),
    ]

    responses.append(Api("not-a-token").get(ITEMS))
    for response in responses:
        assert response.status_code == 401, response.content.decode()
    assert CartItem.objects.get(pk=item.id).quantity == 1


# --- reading -----------------------------------------------------------------------------------


def test_empty_cart(buyer_api):
    assert cart(buyer_api) == {
        "items": [],
        "summary": {"item_count": 0, "selected_count": 0, "selected_goods_fen": 0, "all_selected": False},
    }


def test_cart_lists_newest_first_and_totals_the_selected_lines(buyer_api, sku, sku2):
    add(buyer_api, sku.id, 2)  # 3990 each
    add(buyer_api, sku2.id, 3)  # 1250 each

    body = cart(buyer_api)

    assert [line["sku_id"] for line in body["items"]] == [sku2.id, sku.id]
    assert body["summary"] == {
        "item_count": 2,
        "selected_count": 5,
        "selected_goods_fen": 2 * 3990 + 3 * 1250,
        "all_selected": True,
    }


def test_cart_shows_the_current_price_not_the_price_when_added(buyer_api, sku):
    add(buyer_api, sku.id, 2)
    sku.price_fen = 2990
    sku.save()

    body = cart(buyer_api)

    assert body["items"][0]["price_fen"] == 2990
    assert body["summary"]["selected_goods_fen"] == 5980


def test_lines_that_cannot_be_bought_say_why_and_do_not_count(buyer_api, buyer, sku):
    off_shelf = SkuFactory(product=ProductFactory(is_on_shelf=False))
    retired = SkuFactory(is_active=False)
    short = SkuFactory(stock=3)
    sold_out = SkuFactory(stock=0)
    for unavailable in (off_shelf, retired, short, sold_out):
        CartItem.objects.create(user=buyer, sku=unavailable, quantity=5)
    add(buyer_api, sku.id, 1)

    body = cart(buyer_api)

    by_sku = {line["sku_id"]: line for line in body["items"]}
    assert {sku_id: (line["available"], line["unavailable_reason"]) for sku_id, line in by_sku.items()} == {
        off_shelf.id: (False, "已下架"),
        retired.id: (False, "该规格已停售"),
        short.id: (False, "库存不足，仅剩 3 件"),
        sold_out.id: (False, "已售罄"),
        sku.id: (True, ""),
    }
    assert body["summary"] == {"item_count": 5, "selected_count": 1, "selected_goods_fen": 3990, "all_selected": True}


# --- changing ----------------------------------------------------------------------------------


def test_patch_changes_the_quantity_and_answers_the_whole_cart(buyer_api, sku):
    item_id = add(buyer_api, sku.id, 1).json()["id"]

    response = buyer_api.patch(f"{ITEMS}/{item_id}", {"quantity": 4})

    assert response.status_code == 200, response.content.decode()
    assert response.json()["items"][0]["quantity"] == 4
    assert response.json()["summary"]["selected_goods_fen"] == 4 * 3990


def test_patch_past_the_stock_is_refused(buyer_api, buyer):
    sku = SkuFactory(stock=3)
    item_id = add(buyer_api, sku.id, 1).json()["id"]

    body = assert_error(buyer_api.patch(f"{ITEMS}/{item_id}", {"quantity": 4}), 409, "STOCK_INSUFFICIENT")

    assert body["message"] == "库存不足，仅剩 3 件"
    assert CartItem.objects.get(pk=item_id).quantity == 1


def test_patch_past_the_line_maximum_is_refused(buyer_api, sku, settings):
    settings.ORDER_MAX_UNITS_PER_SKU = 10
    item_id = add(buyer_api, sku.id, 1).json()["id"]

    assert_error(buyer_api.patch(f"{ITEMS}/{item_id}", {"quantity": 11}), 400, "QUANTITY_TOO_LARGE")


def test_patch_quantity_of_an_off_shelf_line_is_refused_but_deselecting_it_works(buyer_api, buyer, sku):
    item_id = add(buyer_api, sku.id, 1).json()["id"]
    sku.product.is_on_shelf = False
    sku.product.save()

    assert_error(buyer_api.patch(f"{ITEMS}/{item_id}", {"quantity": 2}), 400, "PRODUCT_OFF_SHELF")
    response = buyer_api.patch(f"{ITEMS}/{item_id}", {"selected": False})

    assert response.status_code == 200
    assert CartItem.objects.get(pk=item_id).selected is False


def test_patch_quantity_zero_is_a_validation_error(buyer_api, sku):
    item_id = add(buyer_api, sku.id, 1).json()["id"]

    body = assert_error(buyer_api.patch(f"{ITEMS}/{item_id}", {"quantity": 0}), 422, "VALIDATION_ERROR")

    assert body["field"] == "quantity"


def test_delete_removes_the_line_once(buyer_api, buyer, sku):
    item_id = add(buyer_api, sku.id, 1).json()["id"]

    assert buyer_api.delete(f"{ITEMS}/{item_id}").status_code == 204
    assert not CartItem.objects.filter(user=buyer).exists()
    assert_error(buyer_api.delete(f"{ITEMS}/{item_id}"), 404, "CART_ITEM_NOT_FOUND")


def test_select_all_and_none(buyer_api, sku, sku2):
    add(buyer_api, sku.id, 1)
    add(buyer_api, sku2.id, 2)

    none = buyer_api.post(f"{ITEMS}/select", {"selected": False}).json()
    every = buyer_api.post(f"{ITEMS}/select", {"item_ids": None, "selected": True}).json()

    assert [line["selected"] for line in none["items"]] == [False, False]
    assert none["summary"] == {
        "item_count": 2,
        "selected_count": 0,
        "selected_goods_fen": 0,
        "all_selected": False,
    }
    assert [line["selected"] for line in every["items"]] == [True, True]
    assert every["summary"]["all_selected"] is True


def test_select_some(buyer_api, sku, sku2):
    keep = add(buyer_api, sku.id, 1).json()["id"]
    drop = add(buyer_api, sku2.id, 2).json()["id"]

    body = buyer_api.post(f"{ITEMS}/select", {"item_ids": [drop], "selected": False}).json()

    assert {line["id"]: line["selected"] for line in body["items"]} == {keep: True, drop: False}
    assert body["summary"]["selected_goods_fen"] == 3990
    assert body["summary"]["all_selected"] is False


def test_select_needs_the_flag(buyer_api):
    body = assert_error(buyer_api.post(f"{ITEMS}/select", {"item_ids": []}), 422, "VALIDATION_ERROR")

    assert body["field"] == "selected"


def test_bulk_delete(buyer_api, buyer, sku, sku2):
    first = add(buyer_api, sku.id, 1).json()["id"]
    second = add(buyer_api, sku2.id, 1).json()["id"]

    assert buyer_api.post(f"{ITEMS}/delete", {"item_ids": [first, second, 987_654]}).status_code == 204
    assert not CartItem.objects.filter(user=buyer).exists()


def test_bulk_delete_needs_at_least_one_id(buyer_api):
    body = assert_error(buyer_api.post(f"{ITEMS}/delete", {"item_ids": []}), 422, "VALIDATION_ERROR")

    assert body["field"] == "item_ids"


# --- one shopper's cart is invisible to another ---------------------------------------------


def test_another_shoppers_line_is_not_found_and_untouched(buyer_api, other_api, other_user, sku):
    theirs = add(other_api, sku.id, 2).json()["id"]

    assert_error(buyer_api.patch(f"{ITEMS}/{theirs}", {"quantity": 5}), 404, "CART_ITEM_NOT_FOUND")
    assert_error(buyer_api.patch(f"{ITEMS}/{theirs}", {"selected": False}), 404, "CART_ITEM_NOT_FOUND")
    assert_error(buyer_api.delete(f"{ITEMS}/{theirs}"), 404, "CART_ITEM_NOT_FOUND")
    assert buyer_api.post(f"{ITEMS}/select", {"item_ids": [theirs], "selected": False}).status_code == 200
    assert buyer_api.post(f"{ITEMS}/delete", {"item_ids": [theirs]}).status_code == 204

    assert cart(buyer_api)["items"] == []
    line = CartItem.objects.get(pk=theirs)
    assert (line.user_id, line.quantity, line.selected) == (other_user.id, 2, True)


def test_each_shopper_has_their_own_line_for_the_same_sku(buyer_api, other_api, sku):
    add(buyer_api, sku.id, 1)
    add(other_api, sku.id, 4)

    assert [line["quantity"] for line in cart(buyer_api)["items"]] == [1]
    assert [line["quantity"] for line in cart(other_api)["items"]] == [4]
