"""The cart's services and selectors as checkout and other code call them, and its pure rules."""

from __future__ import annotations

import pytest

from fenxiao.core.errors import DomainError, NotFound
from fenxiao.orders.cart.selectors import CartLine, cart_get, cart_selected_lines, cart_summary, line_unavailable_reason
from fenxiao.orders.cart.services import (
    cart_item_add,
    cart_item_delete,
    cart_item_update,
    cart_items_delete,
    cart_items_select,
    cart_remove_skus,
)
from fenxiao.orders.models import CartItem
from tests.catalog_factories import ProductFactory, SkuFactory, stock_of

# --- pure rules --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on_shelf", "sku_active", "stock", "quantity", "reason"),
    [
        (True, True, 10, 10, ""),
        (True, True, 10, 1, ""),
        (True, True, 3, 4, "库存不足，仅剩 3 件"),
        (True, True, 0, 1, "已售罄"),
        (True, False, 10, 1, "该规格已停售"),
        (False, True, 10, 1, "已下架"),
        (False, False, 0, 5, "已下架"),  # the most permanent cause is the one shown
        (True, False, 0, 5, "该规格已停售"),
    ],
)
def test_line_unavailable_reason(on_shelf, sku_active, stock, quantity, reason):
    assert line_unavailable_reason(on_shelf=on_shelf, sku_active=sku_active, stock=stock, quantity=quantity) == reason


def _line(price_fen: int, quantity: int, *, selected: bool = True, reason: str = "") -> CartLine:
    return CartLine(
        id=1,
        sku_id=1,
        product_id=1,
        title="t",
        spec_text="",
        image="",
        price_fen=price_fen,
        quantity=quantity,
        selected=selected,
        stock=99,
        unavailable_reason=reason,
    )


def test_summary_counts_only_available_selected_lines():
    lines = [
        _line(1000, 2),
        _line(250, 4),
        _line(9999, 1, selected=False),
        _line(5000, 3, reason="已下架"),
    ]

    summary = cart_summary(lines)

    assert (summary.item_count, summary.selected_count, summary.selected_goods_fen) == (4, 6, 3000)
    assert summary.all_selected is False  # one available line is not selected


def test_all_selected_ignores_unavailable_lines_and_is_false_when_nothing_can_be_bought():
    assert cart_summary([_line(1, 1), _line(1, 1, selected=False, reason="已下架")]).all_selected is True
    assert cart_summary([_line(1, 1, reason="已下架")]).all_selected is False
    assert cart_summary([]).all_selected is False


# --- services ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_add_merges_and_update_checks_like_add(buyer, sku):
    first = cart_item_add(user_id=buyer.id, sku_id=sku.id, quantity=2)
    merged = cart_item_add(user_id=buyer.id, sku_id=sku.id, quantity=3)

    assert merged.id == first.id
    assert merged.quantity == 5

    with pytest.raises(DomainError) as exc:
        cart_item_update(user_id=buyer.id, item_id=first.id, quantity=stock_of(sku) + 1)
    assert exc.value.code == "STOCK_INSUFFICIENT"
    assert cart_item_update(user_id=buyer.id, item_id=first.id, quantity=7).quantity == 7


@pytest.mark.django_db
@pytest.mark.parametrize("quantity", [0, -1])
def test_services_refuse_non_positive_quantities_themselves(buyer, sku, quantity):
    item = cart_item_add(user_id=buyer.id, sku_id=sku.id)

    for call in (
        lambda: cart_item_add(user_id=buyer.id, sku_id=sku.id, quantity=quantity),
        lambda: cart_item_update(user_id=buyer.id, item_id=item.id, quantity=quantity),
    ):
        with pytest.raises(DomainError) as exc:
            call()
        assert exc.value.code == "QUANTITY_INVALID"
        assert exc.value.field == "quantity"
    assert CartItem.objects.get(pk=item.id).quantity == 1


@pytest.mark.django_db
def test_update_with_nothing_to_change_keeps_the_line(buyer, sku):
    item = cart_item_add(user_id=buyer.id, sku_id=sku.id, quantity=2)

    same = cart_item_update(user_id=buyer.id, item_id=item.id, quantity=2, selected=True)

    assert (same.quantity, same.selected, same.updated_at) == (2, True, item.updated_at)


@pytest.mark.django_db
def test_another_users_item_is_not_found_for_every_service(buyer, other_user, sku):
    theirs = cart_item_add(user_id=other_user.id, sku_id=sku.id, quantity=2)

    for call in (
        lambda: cart_item_update(user_id=buyer.id, item_id=theirs.id, selected=False),
        lambda: cart_item_delete(user_id=buyer.id, item_id=theirs.id),
    ):
        with pytest.raises(NotFound) as exc:
            call()
        assert exc.value.code == "CART_ITEM_NOT_FOUND"
    assert cart_items_select(user_id=buyer.id, item_ids=[theirs.id], selected=False) == 0
    assert cart_items_delete(user_id=buyer.id, item_ids=[theirs.id]) == 0
    assert cart_remove_skus(user_id=buyer.id, sku_ids=[sku.id]) == 0
    assert CartItem.objects.filter(pk=theirs.id, selected=True, quantity=2).exists()


@pytest.mark.django_db
def test_select_reports_how_many_lines_changed(buyer, sku, sku2):
    cart_item_add(user_id=buyer.id, sku_id=sku.id)
    cart_item_add(user_id=buyer.id, sku_id=sku2.id, selected=False)

    assert cart_items_select(user_id=buyer.id, selected=True) == 1
    assert cart_items_select(user_id=buyer.id, selected=True) == 0
    assert cart_items_select(user_id=buyer.id, selected=False, item_ids=[]) == 0


@pytest.mark.django_db
def test_remove_skus_takes_only_the_ordered_skus_of_that_user(buyer, other_user, sku, sku2):
    cart_item_add(user_id=buyer.id, sku_id=sku.id)
    cart_item_add(user_id=buyer.id, sku_id=sku2.id)
    cart_item_add(user_id=other_user.id, sku_id=sku.id)

    removed = cart_remove_skus(user_id=buyer.id, sku_ids=iter([sku.id, sku.id, 999_999]))

    assert removed == 1
    assert list(CartItem.objects.filter(user=buyer).values_list("sku_id", flat=True)) == [sku2.id]
    assert CartItem.objects.filter(user=other_user, sku=sku).exists()


@pytest.mark.django_db
def test_selected_lines_for_checkout_are_in_sku_order_and_keep_unavailable_ones(buyer, other_user):
    high, low, unselected = SkuFactory(), SkuFactory(), SkuFactory()
    off_shelf = SkuFactory(product=ProductFactory(is_on_shelf=False))
    # Rows written directly: the services would refuse the off-shelf one, but it may have been
    # taken off the shelf after it was added.
    CartItem.objects.create(user=buyer, sku=low, quantity=2)
    CartItem.objects.create(user=buyer, sku=high, quantity=1)
    CartItem.objects.create(user=buyer, sku=unselected, quantity=4, selected=False)
    CartItem.objects.create(user=buyer, sku=off_shelf, quantity=3)
    CartItem.objects.create(user=other_user, sku=low, quantity=9)

    lines = cart_selected_lines(user_id=buyer.id)

    assert lines == sorted([(low.id, 2), (high.id, 1), (off_shelf.id, 3)])


@pytest.mark.django_db
def test_reading_the_cart_is_one_query(buyer, django_assert_num_queries):
    for sku in SkuFactory.create_batch(5):
        cart_item_add(user_id=buyer.id, sku_id=sku.id)

    with django_assert_num_queries(1):
        view = cart_get(user_id=buyer.id)

    assert len(view.lines) == 5
    assert view.lines[0].title  # product fields came with the same query
