"""A NUL character (U+0000) in anything the API reads is refused at the door with one error, not a
500 from PostgreSQL ("text fields cannot contain NUL"): in the path, in a query key or value, in a
form field, or in any string of a JSON body, keys included. Nothing is written. Only the text
``\\u0000`` (an escaped backslash, then "u0000") is ordinary text. WeChat's notify URLs keep
checking their signature first."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from fenxiao.accounts.models import User
from fenxiao.inventory.models import StockMovement
from tests.accounts.support import access_for
from tests.catalog_factories import SkuFactory, stock_of
from tests.factories import StaffUserFactory, UserFactory
from tests.support import Api

pytestmark = pytest.mark.django_db

URLENCODED = "application/x-www-form-urlencoded"
INVALID = {"code": "INVALID_CHARACTER", "message": "参数包含非法字符"}


@pytest.fixture
def shopper() -> User:
    return UserFactory(nickname="爱丽丝")


@pytest.fixture
def shopper_api(shopper) -> Api:
    return Api(access_for(shopper))


@pytest.fixture
def staff_api() -> Api:
    return Api(access_for(StaffUserFactory(username="operator"), scope="staff"))


def assert_refused(response, field: str) -> None:
    assert response.status_code == 422, response.content.decode()
    body = response.json()
    assert {k: body[k] for k in ("code", "message", "field")} == {**INVALID, "field": field}
    assert body["errors"] == [{"field": field, "message": "包含非法字符"}]


# --- anonymous endpoints --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/products?q=%00", "q"),
        ("/api/v1/products?q=%E9%9D%A2%E8%86%9C%00", "q"),
        ("/api/v1/products?page=1&q=ok&%00=1", "query"),
        ("/api/v1/products?sort=default&sort=%00", "sort"),
        ("/api/v1/distribution/shops/%00", "path"),
        ("/api/v1/distribution/shops/AB%00CD", "path"),
    ],
)
def test_a_nul_in_the_path_or_the_query_is_refused(path, field):
    assert_refused(Client().get(path), field)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"username": "a\\u0000", "password": "x"}', "username"),
        ('{"username": "operator", "password": "\\u0000"}', "password"),
        ('{"username": "operator", "password": "x", "extra\\u0000": 1}', "body"),
    ],
)
def test_staff_login_with_a_nul_is_refused_before_any_lookup(staff_api, raw, field):
    response = Api().post("/api/v1/auth/staff-login", raw=raw)

    assert_refused(response, field)
    assert User.objects.get(username="operator").last_login is None


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", ""])
def test_a_json_body_sent_as_another_content_type_is_checked_too(content_type):
    # Django Ninja reads the body as JSON whatever the Content-Type says.
    response = Client().post(
        "/api/v1/auth/staff-login", '{"username": "a\\u0000", "password": "x"}', content_type=content_type
    )

    assert_refused(response, "username")


def test_a_form_field_with_a_nul_is_refused():
    response = Client().post("/api/v1/auth/staff-login", "username=a%00&password=x", content_type=URLENCODED)

    assert_refused(response, "username")


def test_a_multipart_field_with_a_nul_is_refused_but_file_bytes_are_not_looked_at():
    photo = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", content_type="image/png")
    with_nul = Client().post("/api/v1/auth/staff-login", {"username": "a\x00", "photo": photo})
    photo.seek(0)
    clean = Client().post("/api/v1/auth/staff-login", {"username": "a", "photo": photo})

    assert_refused(with_nul, "username")
    # Not refused for the NULs in the file: the JSON endpoint then finds no JSON, as before.
    assert clean.status_code == 400 and clean.json()["code"] == "BAD_REQUEST"


# --- a logged-in shopper: nothing is written ---------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ('{"nickname": "a\\u0000"}', "nickname"),
        ('{"nickname": "\\u0000"}', "nickname"),
        ('{"nickname": "新名字", "avatar_url": "https://x.example/\\u0000.png"}', "avatar_url"),
        ('{"nickname": "新名字", "note\\u0000": "x"}', "body"),
        ('{"nickname": "新名字", "profile": {"tags": ["ok", "a\\u0000"]}}', "profile.tags.1"),
        ('{"nickname": "新名字", "profile": {"k\\u0000": "v"}}', "profile"),
    ],
)
def test_a_profile_update_with_a_nul_is_refused_and_changes_nothing(shopper, shopper_api, raw, field):
    response = shopper_api.patch("/api/v1/auth/me", raw=raw)

    assert_refused(response, field)
    shopper.refresh_from_db()
    assert (shopper.nickname, shopper.avatar_url) == ("爱丽丝", "")


def test_an_address_with_a_nul_is_refused_and_nothing_is_saved(shopper, shopper_api):
    body = {
        "receiver": "张三",
        "phone": "13800138000",
        "province": "广东省",
        "city": "深圳市",
        "district": "南山区",
        "detail": "科技园\x00南区",
    }

    response = shopper_api.post("/api/v1/addresses", body)

    assert_refused(response, "detail")
    assert not shopper.addresses.exists()


# --- an operator: a nested string in a batch --------------------------------------------------


def test_a_stock_sync_with_a_nul_in_one_item_changes_no_stock(staff_api):
    sku = SkuFactory(code="S-OK", stock=100)
    body = {"items": [{"sku_code": "S-OK", "stock": 5}, {"sku_code": "S-\x00", "stock": 7}], "note": "WMS"}

    response = staff_api.post("/api/v1/admin/stock/sync", body)

    assert_refused(response, "items.1.sku_code")
    assert stock_of(sku.pk) == 100
    assert not StockMovement.objects.exists()


# --- what must still pass -----------------------------------------------------------------------


def test_an_escaped_backslash_before_u0000_is_ordinary_text(shopper, shopper_api):
    # The JSON text "a\\u0000" is the seven characters a, \, u, 0, 0, 0, 0: no NUL anywhere.
    response = shopper_api.patch("/api/v1/auth/me", raw='{"nickname": "a\\\\u0000"}')

    assert response.status_code == 200, response.content.decode()
    assert response.json()["nickname"] == "a\\u0000"
    shopper.refresh_from_db()
    assert shopper.nickname == "a\\u0000"


def test_percent_encoded_percent_00_in_the_query_is_ordinary_text():
    response = Client().get("/api/v1/products", {"q": "%00"})

    assert response.status_code == 200, response.content.decode()


def test_a_normal_request_is_unaffected(shopper, shopper_api):
    assert Client().get("/api/v1/products?q=面膜").status_code == 200

    response = shopper_api.patch("/api/v1/auth/me", {"nickname": "新名字"})

    assert response.status_code == 200, response.content.decode()
    shopper.refresh_from_db()
    assert shopper.nickname == "新名字"


@pytest.mark.parametrize("raw", ["[]", '["\\u0000"]'])
def test_a_json_body_that_is_not_an_object_is_still_refused_as_such(raw):
    response = Api().post("/api/v1/auth/staff-login", raw=raw)

    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


def test_deeply_nested_json_is_a_bad_request_not_a_crash():
    response = Api().post("/api/v1/auth/staff-login", raw='{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")

    assert response.status_code == 400
    assert response.json() == {"code": "BAD_REQUEST", "message": "请求体不是合法的 JSON"}


# --- WeChat's notify URLs: the signature is checked first, as before --------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/payments/wechat/notify",
        "/api/v1/payments/wechat/refund-notify",
        "/api/v1/distribution/wechat/transfer-notify",
    ],
)
def test_an_unsigned_notification_with_a_nul_gets_the_usual_signature_refusal(path):
    clean = {"id": "EV-1", "event_type": "TRANSACTION.SUCCESS", "resource": {"ciphertext": "abc"}}
    with_nul = {**clean, "id": "EV-\x00", "resource": {"ciphertext": "a\x00c"}}

    expected = Client().post(path, json.dumps(clean), content_type="application/json")
    response = Client().post(path, json.dumps(with_nul), content_type="application/json")

    assert expected.status_code == 401 and expected.json()["code"] == "FAIL"
    assert (response.status_code, response.json()) == (expected.status_code, expected.json())


# --- pages: the storefront, the shop pages, the admin ---------------------------------------------


def assert_400_page(response) -> None:
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "参数包含非法字符" in html
    assert ">请求有误</h1>" in html


@pytest.mark.parametrize(
    "url",
    ["/search/?q=%00", "/search/?%00=1", "/shop/%00/", "/shop/AB%00CD/?ref=x", "/category/?category=1%00"],
)
def test_a_storefront_page_with_a_nul_in_its_address_answers_the_400_page(url):
    assert_400_page(Client().get(url))


def test_a_shoppers_page_with_a_nul_in_its_query_answers_the_400_page(shopper):
    client = Client()
    client.force_login(shopper)

    assert_400_page(client.get("/centre/shop/pick/?q=%00"))


def test_a_storefront_form_post_with_a_nul_writes_nothing(shopper):
    client = Client()
    client.force_login(shopper)

    response = client.post(
        "/addresses/new/",
        {
            "receiver": "张三\x00",
            "phone": "13800138000",
            "province": "广东省",
            "city": "深圳市",
            "district": "南山区",
            "detail": "科技园 1 号",
        },
    )

    assert_400_page(response)
    assert not shopper.addresses.exists()


def test_an_admin_search_with_a_nul_answers_the_400_page():
    client = Client()
    client.force_login(StaffUserFactory(is_superuser=True))

    assert_400_page(client.get("/admin/orders/order/?q=%00"))
    assert client.get("/admin/orders/order/?q=abc").status_code == 200
