"""我的小店: the services (add, remove, reorder, the 50-item limit), the public shop, the centre's
pages for arranging it, the shop page whose links bind visitors, and the JSON endpoints."""

from __future__ import annotations

import threading
from types import ModuleType

import pytest
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, Resolver404, path, resolve, reverse

from fenxiao.catalog.models import Product
from fenxiao.core.errors import DomainError
from fenxiao.distribution.centre.shop import (
    MAX_SHOP_ITEMS,
    shop_get,
    shop_item_add,
    shop_item_list,
    shop_item_remove,
    shop_item_reorder,
)
from fenxiao.distribution.models import Referral, ShopItem
from fenxiao.distribution.network.enrolment import distributor_suspend
from tests.catalog_factories import ProductFactory, SkuFactory
from tests.distribution.centre_support import api_for
from tests.distribution.support import make_distributor, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def dina(db):
    return make_distributor("丁娜")


def on_shelf(title: str, price_fen: int = 9_900) -> Product:
    return SkuFactory(product__title=title, product__main_image="", price_fen=price_fen, stock=20).product


def add(distributor, product: Product):
    return shop_item_add(user_id=distributor.user_id, product_id=product.id)


def refused(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


def titles(distributor) -> list[str]:
    return [i.title for i in shop_item_list(distributor=distributor)]


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# -- services --------------------------------------------------------------------------------


def test_products_are_added_at_the_end_and_reordered_exactly(dina):
    a, b, c = on_shelf("面霜"), on_shelf("精华"), on_shelf("眼霜")
    for product in (a, b, c):
        add(dina, product)
    assert titles(dina) == ["面霜", "精华", "眼霜"]

    shop_item_reorder(user_id=dina.user_id, product_ids=[c.id, a.id, b.id])
    assert titles(dina) == ["眼霜", "面霜", "精华"]

    shop_item_remove(user_id=dina.user_id, product_id=a.id)
    add(dina, a)
    assert titles(dina) == ["眼霜", "精华", "面霜"]


@pytest.mark.parametrize(
    "order, code",
    [
        ("missing_one", "SHOP_REORDER_MISMATCH"),
        ("duplicate", "SHOP_REORDER_MISMATCH"),
        ("foreign", "SHOP_REORDER_MISMATCH"),
    ],
)
def test_a_reorder_must_name_every_item_once_and_nothing_else(dina, order, code):
    a, b = on_shelf("面霜"), on_shelf("精华")
    add(dina, a)
    add(dina, b)
    ids = {"missing_one": [a.id], "duplicate": [a.id, a.id, b.id], "foreign": [a.id, b.id, on_shelf("别的").id]}[order]
    assert refused(shop_item_reorder, user_id=dina.user_id, product_ids=ids).code == code
    assert titles(dina) == ["面霜", "精华"]


def test_adding_is_refused_with_a_stable_code_and_a_chinese_message(dina):
    product = on_shelf("面霜")
    add(dina, product)
    off_shelf = ProductFactory(title="下架品", is_on_shelf=False)
    shopper = make_user("路人")

    duplicate = refused(add, dina, product)
    assert (duplicate.code, duplicate.message) == ("SHOP_ITEM_EXISTS", "该商品已在您的小店中")
    assert refused(add, dina, off_shelf).code == "PRODUCT_NOT_FOUND"
    assert refused(shop_item_add, user_id=dina.user_id, product_id=999_999).code == "PRODUCT_NOT_FOUND"
    assert refused(shop_item_add, user_id=shopper.id, product_id=product.id).code == "NOT_A_DISTRIBUTOR"
    assert refused(shop_item_remove, user_id=dina.user_id, product_id=off_shelf.id).code == "SHOP_ITEM_NOT_FOUND"
    assert ShopItem.objects.filter(distributor=dina).count() == 1


def test_a_shop_holds_at_most_fifty_products(dina):
    products = [on_shelf(f"商品{n}") for n in range(MAX_SHOP_ITEMS + 1)]
    for product in products[:MAX_SHOP_ITEMS]:
        add(dina, product)
    full = refused(add, dina, products[-1])
    assert full.code == "SHOP_FULL" and "最多展示 50 件" in full.message
    assert ShopItem.objects.filter(distributor=dina).count() == MAX_SHOP_ITEMS

    shop_item_remove(user_id=dina.user_id, product_id=products[0].id)
    add(dina, products[-1])
    assert titles(dina)[-1] == f"商品{MAX_SHOP_ITEMS}"


def test_a_suspended_distributor_cannot_add_and_their_shop_is_closed(dina):
    product = on_shelf("面霜")
    add(dina, product)
    staff = make_user("运营", is_staff=True)
    distributor_suspend(distributor_id=dina.id, actor_id=staff.id, reason="投诉核查")
    assert refused(add, dina, on_shelf("精华")).code == "DIST_SUSPENDED"
    assert refused(shop_get, code=dina.code).code == "SHOP_NOT_FOUND"
    shop_item_remove(user_id=dina.user_id, product_id=product.id)  # tidying up is still allowed
    assert titles(dina) == []


def test_visitors_see_only_what_can_be_bought_and_the_owner_masked(dina):
    kept, gone = on_shelf("面霜", 12_000), on_shelf("精华")
    add(dina, kept)
    add(dina, gone)
    Product.objects.filter(pk=gone.pk).update(is_on_shelf=False)

    shop = shop_get(code=dina.code.lower())
    assert shop.owner_name == "丁*" and [(i.title, i.price_fen) for i in shop.items] == [("面霜", 12_000)]
    owner_view = {i.title: i.on_shelf for i in shop_item_list(distributor=dina)}
    assert owner_view == {"面霜": True, "精华": False}
    assert refused(shop_get, code="NOPE123").code == "SHOP_NOT_FOUND"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_taps_for_the_fiftieth_place_never_make_fifty_one():
    dina = make_distributor("丁娜")
    for n in range(MAX_SHOP_ITEMS - 1):
        add(dina, on_shelf(f"商品{n}"))
    contenders = [on_shelf("甲"), on_shelf("乙")]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def tap(product):
        try:
            barrier.wait()
            add(dina, product)
            outcomes.append("added")
        except DomainError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=tap, args=(p,)) for p in contenders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["SHOP_FULL", "added"]
    assert ShopItem.objects.filter(distributor=dina).count() == MAX_SHOP_ITEMS


# -- pages -----------------------------------------------------------------------------------


def test_picking_removing_and_moving_products_in_the_centre(dina):
    a, b = on_shelf("山茶花精华"), on_shelf("玫瑰面霜")
    client = client_for(dina.user)
    pick = client.get(reverse("storefront:centre_shop_pick"), {"q": "山茶花"})
    assert "山茶花精华" in pick.content.decode() and "玫瑰面霜" not in pick.content.decode()

    for product in (a, b):
        response = client.post(reverse("storefront:centre_shop_add"), {"product_id": product.id})
        assert response.status_code == 302
    page = client.get(reverse("storefront:centre_shop")).content.decode()
    assert page.index("山茶花精华") < page.index("玫瑰面霜") and 'id="shop-count">2<' in page
    assert "已在小店" in client.get(reverse("storefront:centre_shop_pick")).content.decode()

    client.post(reverse("storefront:centre_shop_reorder"), {"order": f"{b.id},{a.id}"})
    assert titles(dina) == ["玫瑰面霜", "山茶花精华"]
    client.post(reverse("storefront:centre_shop_remove"), {"product_id": b.id})
    assert titles(dina) == ["山茶花精华"]


def test_refusals_in_the_centre_come_back_as_chinese_messages(dina):
    product = on_shelf("山茶花精华")
    add(dina, product)
    client = client_for(dina.user)
    shop_url = reverse("storefront:centre_shop")
    again = client.post(
        reverse("storefront:centre_shop_add"), {"product_id": product.id}, HTTP_REFERER=shop_url, follow=True
    )
    assert "该商品已在您的小店中" in again.content.decode()
    stale = client.post(reverse("storefront:centre_shop_reorder"), {"order": "1,x"}, HTTP_REFERER=shop_url, follow=True)
    assert "排序不正确，请刷新后重试" in stale.content.decode()
    for product_number in range(MAX_SHOP_ITEMS - 1):
        add(dina, on_shelf(f"商品{product_number}"))
    full = client.post(
        reverse("storefront:centre_shop_add"), {"product_id": on_shelf("第51件").id}, HTTP_REFERER=shop_url, follow=True
    )
    assert "小店最多展示 50 件商品" in full.content.decode()
    assert ShopItem.objects.filter(distributor=dina).count() == MAX_SHOP_ITEMS


def test_the_public_shop_links_carry_the_code_and_bind_the_visitor(dina):
    product = on_shelf("山茶花精华")
    add(dina, product)
    visitor = make_user("小林")
    client = client_for(visitor)
    page = client.get(reverse("storefront:shop", args=[dina.code]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "丁*的小店" in body and "丁娜" not in body
    link = f"/products/{product.id}/?ref={dina.code}"
    assert link in body

    client.get(link)
    assert Referral.objects.get(user=visitor).distributor_id == dina.id


def test_an_unknown_shop_is_a_chinese_404(client):
    response = client.get(reverse("storefront:shop", args=["NOPE123"]))
    assert response.status_code == 404 and "小店不存在或已关闭" in response.content.decode()


def test_centre_renders_without_the_materials_page_and_links_it_when_it_exists(dina):
    body = client_for(dina.user).get(reverse("storefront:centre")).content.decode()
    try:
        materials = reverse("storefront:materials")
    except NoReverseMatch:
        assert 'id="centre-link-materials"' not in body
    else:
        assert f'href="{materials}"' in body


# -- JSON API --------------------------------------------------------------------------------


@pytest.fixture
def shop_api(settings):
    """The site's API once ``distribution.api.shop.router`` is registered in ``fenxiao/api.py``;
    until then the same router on an API with the site's error handlers, so these tests run either
    way."""
    from fenxiao.api import api

    try:
        resolve("/api/v1/distribution/shops/ABC1234")
    except Resolver404:
        from ninja import NinjaAPI

        from fenxiao.distribution.api.shop import router

        local = NinjaAPI(urls_namespace="shop-api-test", docs_url=None, openapi_url=None)
        local._exception_handlers = dict(api._exception_handlers)
        local.add_router("/v1/distribution", router, url_name_prefix="shoptest")
        urlconf = ModuleType("shop_api_test_urls")
        urlconf.urlpatterns = [path("api/", local.urls)]
        settings.ROOT_URLCONF = urlconf
    return "/api/v1/distribution"


def test_api_arranges_my_shop_and_anyone_can_open_it(shop_api, dina):
    a, b = on_shelf("面霜", 12_000), on_shelf("精华", 8_800)
    me = api_for(dina.user)

    created = me.post(f"{shop_api}/shop/items", {"product_id": a.id})
    assert created.status_code == 201
    me.post(f"{shop_api}/shop/items", {"product_id": b.id})
    listed = me.get(f"{shop_api}/shop/items").json()
    assert listed["code"] == dina.code and listed["max_items"] == 50
    assert [(i["product_id"], i["price_fen"], i["position"]) for i in listed["items"]] == [
        (a.id, 12_000, 0),
        (b.id, 8_800, 1),
    ]

    reordered = me.put(f"{shop_api}/shop/items/order", {"product_ids": [b.id, a.id]})
    assert [i["product_id"] for i in reordered.json()["items"]] == [b.id, a.id]

    public = Client().get(f"{shop_api}/shops/{dina.code}")
    assert public.status_code == 200
    shop = public.json()
    assert shop["owner_name"] == "丁*"
    assert shop["items"][0]["path"] == f"pages/product/detail?id={b.id}&ref={dina.code}"

    assert me.delete(f"{shop_api}/shop/items/{b.id}").status_code == 204
    assert [i["product_id"] for i in me.get(f"{shop_api}/shop/items").json()["items"]] == [a.id]


def test_api_refusals_carry_stable_codes(shop_api, dina):
    product = on_shelf("面霜")
    me = api_for(dina.user)
    me.post(f"{shop_api}/shop/items", {"product_id": product.id})

    duplicate = me.post(f"{shop_api}/shop/items", {"product_id": product.id})
    assert duplicate.status_code == 409 and duplicate.json()["code"] == "SHOP_ITEM_EXISTS"
    missing = me.delete(f"{shop_api}/shop/items/999999")
    assert missing.status_code == 404 and missing.json()["code"] == "SHOP_ITEM_NOT_FOUND"
    mismatch = me.put(f"{shop_api}/shop/items/order", {"product_ids": []})
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "SHOP_REORDER_MISMATCH"
    shopper = api_for(make_user("路人"))
    assert shopper.get(f"{shop_api}/shop/items").json()["code"] == "NOT_A_DISTRIBUTOR"
    assert Client().get(f"{shop_api}/shop/items").status_code == 401
    unknown = Client().get(f"{shop_api}/shops/NOPE123")
    assert unknown.status_code == 404 and unknown.json()["code"] == "SHOP_NOT_FOUND"
