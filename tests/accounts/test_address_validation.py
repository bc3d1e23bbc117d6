"""Bad address input: every field, every verb. The answer names the field in Chinese and nothing is written."""

from __future__ import annotations

import re

import pytest

from fenxiao.accounts.models import Address
from tests.accounts.support import assert_error
from tests.factories import AddressFactory
from tests.support import HOME_ADDRESS

pytestmark = pytest.mark.django_db

ADDRESSES = "/api/v1/addresses"
CHINESE = re.compile(r"[\u4e00-\u9fff]")
VALID = {**HOME_ADDRESS, "is_default": False}

BAD_VALUES = [
    # phone: 11 digits, mobile prefixes 13-19, ASCII digits only
    ("phone", "1380013800", "请输入 11 位手机号"),
    ("phone", "138001380001", "请输入 11 位手机号"),
    ("phone", "12800138000", "请输入 11 位手机号"),
    ("phone", "23800138000", "请输入 11 位手机号"),
    ("phone", "1380013800a", "请输入 11 位手机号"),
    ("phone", "+8613800138000", "请输入 11 位手机号"),
    ("phone", "138 0013 8000", "请输入 11 位手机号"),
    ("phone", "１３８００１３８０００", "请输入 11 位手机号"),  # full-width digits
    ("phone", "13८00138000", "请输入 11 位手机号"),  # a Devanagari digit
    ("phone", "", "请输入 11 位手机号"),
    ("phone", 13800138000, "应为字符串"),
    # text fields: required, trimmed, bounded
    ("receiver", "", "长度不足"),
    ("receiver", "   ", "长度不足"),
    ("receiver", "张" * 33, "长度超出限制"),
    ("receiver", 123, "应为字符串"),
    ("province", "", "长度不足"),
    ("province", "省" * 33, "长度超出限制"),
    ("city", " ", "长度不足"),
    ("district", "", "长度不足"),
    ("detail", "号", "长度不足"),
    ("detail", "  ", "长度不足"),
    ("detail", "路" * 201, "长度超出限制"),
    ("detail", ["科技园"], "应为字符串"),
    ("tag", "标" * 17, "长度超出限制"),
    # one line: a parcel label has no room for line breaks or control characters
    ("receiver", "张\u0012三", "不能包含换行或控制字符"),
    ("city", "深圳\t市", "不能包含换行或控制字符"),
    ("detail", "科技园\n1 号", "不能包含换行或控制字符"),
    ("detail", "科技园\u009b1 号", "不能包含换行或控制字符"),
    ("tag", "家\r人", "不能包含换行或控制字符"),
    # postal code: empty or six ASCII digits
    ("postal_code", "51800", "格式不正确"),
    ("postal_code", "5180001", "格式不正确"),
    ("postal_code", "abcdef", "格式不正确"),
    ("postal_code", "５１８０００", "格式不正确"),
    ("postal_code", 518000, "应为字符串"),
    # is_default
    ("is_default", "maybe", "应为布尔值"),
    ("is_default", [], "应为布尔值"),
]


def _cases(rows):
    return [pytest.param(field, value, message, id=f"{field}={value!r}"[:40]) for field, value, message in rows]


BAD_CASES = _cases(BAD_VALUES)


def assert_field_error(response, field: str, message: str) -> None:
    err = assert_error(response, 422, "VALIDATION_ERROR")
    assert err["field"] == field, err
    assert err["message"] == f"参数 {field} 不正确：{message}", err
    assert {"field": field, "message": message} in err["errors"]


@pytest.mark.parametrize(("field", "value", "message"), BAD_CASES)
def test_create_with_a_bad_field(shopper_api, field, value, message):
    response = shopper_api.post(ADDRESSES, VALID | {field: value})

    assert_field_error(response, field, message)
    assert not Address.objects.exists()


@pytest.mark.parametrize("field", ["receiver", "phone", "province", "city", "district", "detail"])
def test_create_without_a_required_field(shopper_api, field):
    response = shopper_api.post(ADDRESSES, {k: v for k, v in VALID.items() if k != field})

    assert_field_error(response, field, "必填")
    assert not Address.objects.exists()


@pytest.mark.parametrize("field", ["receiver", "phone", "province", "city", "district", "detail"])
def test_create_with_null_for_a_required_field(shopper_api, field):
    response = shopper_api.post(ADDRESSES, VALID | {field: None})

    assert_field_error(response, field, "应为字符串")
    assert not Address.objects.exists()


def test_every_bad_field_is_listed(shopper_api):
    response = shopper_api.post(ADDRESSES, VALID | {"receiver": "", "phone": "123", "postal_code": "1"})

    err = assert_error(response, 422, "VALIDATION_ERROR")
    assert [e["field"] for e in err["errors"]] == ["receiver", "phone", "postal_code"]
    assert err["field"] == "receiver"


@pytest.mark.parametrize(
    "raw", ["{receiver: 张三}", '{"receiver": "张三",}', '{"receiver": "张三"', "receiver=张三"], ids=str
)
def test_create_with_invalid_json(shopper_api, raw):
    response = shopper_api.post(ADDRESSES, raw=raw)

    body = assert_error(response, 400, "BAD_REQUEST")
    assert body["message"] == "请求体不是合法的 JSON"
    assert not Address.objects.exists()


@pytest.mark.parametrize("raw", ["", "[]", "null"], ids=["empty", "array", "null"])
def test_create_with_no_object_body(shopper_api, raw):
    response = shopper_api.post(ADDRESSES, raw=raw)

    err = assert_error(response, 422, "VALIDATION_ERROR")
    assert all(CHINESE.search(e["message"]) for e in err["errors"]), err
    assert not Address.objects.exists()


def test_form_encoded_body_is_refused(shopper_api):
    response = shopper_api.client.post(
        ADDRESSES,
        "receiver=张三&phone=13800138000",
        content_type="application/x-www-form-urlencoded",
        headers={"Authorization": f"Bearer {shopper_api.token}"},
    )

    assert response.status_code in (400, 415, 422)
    assert not Address.objects.exists()


# --- PATCH and PUT reject the same values and leave the row as it was ------------------------------


@pytest.fixture
def home(shopper):
    return AddressFactory(user=shopper, is_default=True, **{k: v for k, v in VALID.items() if k != "is_default"})


def _unchanged(address: Address) -> None:
    before = {k: getattr(address, k) for k in VALID}
    address.refresh_from_db()
    assert {k: getattr(address, k) for k in VALID} == before


@pytest.mark.parametrize(("field", "value", "message"), BAD_CASES)
def test_patch_with_a_bad_field(shopper_api, home, field, value, message):
    response = shopper_api.patch(f"{ADDRESSES}/{home.pk}", {"receiver": "李四", field: value})

    assert_field_error(response, field, message)
    _unchanged(home)


@pytest.mark.parametrize(("field", "value", "message"), BAD_CASES)
def test_put_with_a_bad_field(shopper_api, home, field, value, message):
    response = shopper_api.put(f"{ADDRESSES}/{home.pk}", VALID | {"receiver": "李四", field: value})

    assert_field_error(response, field, message)
    _unchanged(home)


@pytest.mark.parametrize("verb", ["patch", "put"])
def test_update_with_invalid_json(shopper_api, home, verb):
    response = getattr(shopper_api, verb)(f"{ADDRESSES}/{home.pk}", raw='{"receiver": ')

    assert_error(response, 400, "BAD_REQUEST")
    _unchanged(home)


def test_bad_input_on_someone_elses_address_reveals_nothing_and_writes_nothing(shopper_api, db):
    from tests.factories import UserFactory

    bobs = AddressFactory(user=UserFactory(), is_default=True)

    response = shopper_api.patch(f"{ADDRESSES}/{bobs.pk}", {"receiver": "黑客"})

    assert_error(response, 404, "ADDRESS_NOT_FOUND")
    _unchanged(bobs)
