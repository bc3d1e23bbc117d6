"""A count of units is a JSON integer wherever it enters the API, as ``amount_fen`` always was: text
("2"), a float (2.0) and a boolean are refused with 422 naming the field, never read as 2 or 1.
Every endpoint that takes a quantity is listed; the control sends the same body with 2 and must get
past validation (whatever the shop then answers), so each case really reaches the field it names."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.support import assert_error

pytestmark = pytest.mark.django_db

WINDOW = {"starts_at": "2030-01-01T00:00:00+08:00", "ends_at": "2030-01-02T00:00:00+08:00"}

# (who, method, path, body for a quantity q, the field the error names)
CASES: list[tuple[str, str, str, Callable[[Any], dict], str]] = [
    ("shopper", "post", "/api/v1/cart/items", lambda q: {"sku_id": 1, "quantity": q}, "quantity"),
    ("shopper", "patch", "/api/v1/cart/items/1", lambda q: {"quantity": q}, "quantity"),
    (
        "shopper",
        "post",
        "/api/v1/checkout/quote",
        lambda q: {"lines": [{"sku_id": 1, "quantity": q}]},
        "lines.0.quantity",
    ),
    (
        "shopper",
        "post",
        "/api/v1/orders",
        lambda q: {"lines": [{"sku_id": 1, "quantity": q}], "address_id": 1},
        "lines.0.quantity",
    ),
    (
        "shopper",
        "post",
        "/api/v1/orders/1/after-sales",
        lambda q: {"kind": "refund_only", "reason": "不想要了", "lines": [{"order_line_id": 1, "quantity": q}]},
        "lines.0.quantity",
    ),
    ("shopper", "post", "/api/v1/group-buy/1/groups", lambda q: {"quantity": q}, "quantity"),
    ("shopper", "post", "/api/v1/group-buy/groups/1/members", lambda q: {"quantity": q}, "quantity"),
    ("staff", "post", "/api/v1/admin/skus/1/stock", lambda q: {"delta": q}, "delta"),
    ("staff", "post", "/api/v1/admin/skus/1/stock", lambda q: {"stock": q}, "stock"),
    (
        "staff",
        "post",
        "/api/v1/admin/stock/sync",
        lambda q: {"items": [{"sku_code": "A1", "stock": q}]},
        "items.0.stock",
    ),
    (
        "staff",
        "post",
        "/api/v1/admin/orders/1/shipments",
        lambda q: {"carrier_code": "SF", "tracking_no": "SF1", "lines": [{"order_line_id": 1, "quantity": q}]},
        "lines.0.quantity",
    ),
    (
        "staff",
        "post",
        "/api/v1/admin/seckill-activities",
        lambda q: {"name": "秒杀", "sku_id": 1, "seckill_price_fen": 100, "stock": q, **WINDOW},
        "stock",
    ),
    (
        "staff",
        "post",
        "/api/v1/admin/seckill-activities",
        lambda q: {"name": "秒杀", "sku_id": 1, "seckill_price_fen": 100, "stock": 5, "per_user_limit": q, **WINDOW},
        "per_user_limit",
    ),
    ("staff", "patch", "/api/v1/admin/seckill-activities/1", lambda q: {"stock": q}, "stock"),
    (
        "staff",
        "post",
        "/api/v1/admin/group-buy-activities",
        lambda q: {"name": "拼团", "sku_id": 1, "group_size": 2, "group_price_fen": 100, "max_quantity": q, **WINDOW},
        "max_quantity",
    ),
    (
        "staff",
        "post",
        "/api/v1/admin/coupon-templates",
        lambda q: {"name": "满减", "kind": "fixed", "amount_fen": 100, "total_quantity": q},
        "total_quantity",
    ),
    (
        "staff",
        "post",
        "/api/v1/admin/coupon-templates",
        lambda q: {"name": "满减", "kind": "fixed", "amount_fen": q, "total_quantity": 10},
        "amount_fen",
    ),
]
IDS = [f"{method} {path} {field}" for _, method, path, _, field in CASES]


@pytest.fixture
def client_for(shopper_api, staff_api):
    return {"shopper": shopper_api, "staff": staff_api}


@pytest.mark.parametrize(("who", "method", "path", "body", "field"), CASES, ids=IDS)
@pytest.mark.parametrize("bad", ["2", 2.0, True], ids=["text", "float", "bool"])
def test_a_quantity_that_is_not_a_json_integer_is_refused(client_for, who, method, path, body, field, bad):
    response = getattr(client_for[who], method)(path, body(bad))

    error = assert_error(response, 422, "VALIDATION_ERROR")
    assert error["field"] == field
    assert "应为整数" in error["message"]


@pytest.mark.parametrize(("who", "method", "path", "body", "field"), CASES, ids=IDS)
def test_the_same_body_with_an_integer_gets_past_validation(client_for, who, method, path, body, field):
    response = getattr(client_for[who], method)(path, body(2))

    assert response.status_code != 422 or response.json().get("field") != field, response.content.decode()
