"""The seckill endpoints: the shopper's list and buy, the operator's create, list, update, pause,
resume and report, and the ordinary checkout refusing a forged seckill option."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from fenxiao.promotions.models import SeckillActivity
from tests.catalog_factories import SkuFactory
from tests.promotions.seckill.support import gate, make_activity

__all__ = ["gate"]
pytestmark = pytest.mark.django_db


def activity_body(sku, **fields) -> dict:
    now = timezone.now()
    return {
        "name": "午间秒杀",
        "sku_id": sku.id,
        "seckill_price_fen": 1_990,
        "stock": 3,
        "per_user_limit": 1,
        "starts_at": (now - timedelta(minutes=1)).isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
        "payment_minutes": 10,
        **fields,
    }


def test_a_shopper_buys_at_the_seckill_price_once(gate, buyer, buyer_api, sku):
    activity = make_activity(sku, seckill_price_fen=990)
    address_id = buyer.addresses.get(is_default=True).id

    listed = buyer_api.get("/api/v1/seckill").json()
    first = buyer_api.post(f"/api/v1/seckill/{activity.pk}/orders", {"address_id": address_id})
    second = buyer_api.post(f"/api/v1/seckill/{activity.pk}/orders", {"address_id": address_id})

    assert [(a["id"], a["state"], a["remaining"]) for a in listed] == [(activity.pk, "on_sale", 10)]
    assert first.status_code == 201, first.json()
    body = first.json()
    assert body["lines"][0]["paid_fen"] == 990 and body["discounts"][0]["kind"] == "seckill"
    assert body["payment_deadline"] is not None
    assert second.status_code == 409 and second.json()["code"] == "SECKILL_LIMIT_REACHED"
    assert buyer_api.get(f"/api/v1/seckill/{activity.pk}").json()["remaining"] == 9


def test_buying_needs_a_signed_in_shopper(sku):
    from tests.support import Api

    activity = make_activity(sku)
    assert Api().post(f"/api/v1/seckill/{activity.pk}/orders", {"address_id": 1}).status_code == 401


def test_an_unknown_activity_is_not_found(buyer_api):
    response = buyer_api.post("/api/v1/seckill/999999/orders", {"address_id": 1})
    assert response.status_code == 404 and response.json()["code"] == "SECKILL_NOT_FOUND"


def test_the_ordinary_checkout_refuses_a_forged_seckill_option(settings, buyer, buyer_api, sku):
    settings.REDIS_URL = ""
    activity = make_activity(sku)
    address_id = buyer.addresses.get(is_default=True).id

    response = buyer_api.post(
        "/api/v1/orders",
        {
            "lines": [{"sku_id": sku.id, "quantity": 1}],
            "address_id": address_id,
            "options": {"seckill_id": activity.pk},
        },
    )

    assert response.status_code == 400 and response.json()["code"] == "SECKILL_NOT_ALLOWED"


def test_the_operator_runs_an_activity_from_creation_to_report(gate, staff_api, buyer, buyer_api, sku):
    created = staff_api.post("/api/v1/admin/seckill-activities", activity_body(sku))
    assert created.status_code == 201, created.json()
    aid = created.json()["id"]
    assert created.json()["sold"] == 0 and created.json()["status"] == "active"

    patched = staff_api.patch(f"/api/v1/admin/seckill-activities/{aid}", {"stock": 5, "per_user_limit": 2})
    assert (patched.json()["stock"], patched.json()["per_user_limit"]) == (5, 2)

    address_id = buyer.addresses.get(is_default=True).id
    assert buyer_api.post(f"/api/v1/seckill/{aid}/orders", {"address_id": address_id}).status_code == 201

    paused = staff_api.post(f"/api/v1/admin/seckill-activities/{aid}/pause")
    assert paused.json()["status"] == "paused"
    refused = buyer_api.post(f"/api/v1/seckill/{aid}/orders", {"address_id": address_id})
    assert refused.status_code == 409 and refused.json()["code"] == "SECKILL_PAUSED"
    assert staff_api.post(f"/api/v1/admin/seckill-activities/{aid}/resume").json()["status"] == "active"

    listed = staff_api.get("/api/v1/admin/seckill-activities").json()
    assert listed["count"] == 1 and listed["items"][0]["sold"] == 1

    report = staff_api.get(f"/api/v1/admin/seckill-activities/{aid}/report").json()
    assert (report["stock"], report["sold"], report["remaining"], report["orders"]) == (5, 1, 4, 1)
    assert report["redis_remaining"] == (4 if gate == "redis" else None)


def test_the_sku_of_an_activity_that_sold_cannot_change(gate, staff_api, buyer, buyer_api, sku):
    aid = staff_api.post("/api/v1/admin/seckill-activities", activity_body(sku)).json()["id"]
    address_id = buyer.addresses.get(is_default=True).id
    assert buyer_api.post(f"/api/v1/seckill/{aid}/orders", {"address_id": address_id}).status_code == 201
    other = SkuFactory(price_fen=sku.price_fen)

    refused = staff_api.patch(f"/api/v1/admin/seckill-activities/{aid}", {"sku_id": other.id})

    assert refused.status_code == 409 and refused.json()["code"] == "SECKILL_SKU_LOCKED"
    assert SeckillActivity.objects.get(pk=aid).sku_id == sku.id


def test_the_operator_is_told_every_broken_rule(staff_api, sku):
    body = activity_body(sku, seckill_price_fen=20_000, ends_at="2020-01-01T00:00:00+08:00")

    response = staff_api.post("/api/v1/admin/seckill-activities", body)

    assert response.status_code == 400 and response.json()["code"] == "SECKILL_INVALID"
    assert "秒杀价不能高于售价" in response.json()["message"]
    assert "结束时间必须晚于开始时间" in response.json()["message"]
    assert not SeckillActivity.objects.exists()


def test_shoppers_cannot_use_the_operator_api(buyer_api, sku):
    assert buyer_api.post("/api/v1/admin/seckill-activities", activity_body(sku)).status_code in (401, 403)


def test_a_shopper_sees_the_product_with_an_image_url(buyer_api, sku):
    activity = make_activity(sku)

    card = buyer_api.get(f"/api/v1/seckill/{activity.pk}").json()
    listed = buyer_api.get("/api/v1/seckill").json()

    assert (card["product_id"], card["title"]) == (sku.product_id, sku.product.title)
    assert card["image"].startswith("http://") and card["image"].endswith(sku.product.main_image)
    assert listed[0]["image"] == card["image"]
