"""Memory stays flat: a CSV export of ten times the rows peaks at about the same memory, because
rows come from the database a chunk at a time and leave in 64 KiB pieces."""

from __future__ import annotations

import tracemalloc

import pytest

from fenxiao.orders.models import Order, OrderStatus
from tests.factories import UserFactory
from tests.support import Api

pytestmark = pytest.mark.django_db


def _orders(buyer, count: int, start: int) -> None:
    Order.objects.bulk_create(
        [
            Order(
                order_no=f"M{start + n:020d}",
                buyer=buyer,
                status=OrderStatus.PAID,
                goods_fen=12_345,
                payable_fen=12_345,
                paid_fen=12_345,
                receiver="张三",
                receiver_phone="13800138000",
                province="广东省",
                city="深圳市",
                district="南山区",
                address_detail="科技园南区 1 栋 101 室，门口放快递柜即可，谢谢",
                remark="工作日送货",
            )
            for n in range(count)
        ],
        batch_size=1000,
    )


def _peak(api: Api, buyer_id: int) -> tuple[int, int]:
    tracemalloc.start()
    try:
        response = api.get("/api/v1/admin/exports/orders", {"format": "csv", "buyer_id": str(buyer_id)})
        assert response.status_code == 200
        size = sum(len(chunk) for chunk in response.streaming_content)
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def test_ten_times_the_rows_do_not_take_ten_times_the_memory(operator_api, settings):
    settings.EXPORT_CHUNK_ROWS = 200
    few, many = UserFactory(), UserFactory()
    _orders(few, 500, 0)
    _orders(many, 5_000, 10_000)
    _peak(operator_api, few.id)  # warm-up: imports, URL resolution and caches are not the export
    small_peak, small_size = _peak(operator_api, few.id)
    big_peak, big_size = _peak(operator_api, many.id)
    assert big_size > 9 * small_size  # ten times the file...
    assert big_peak < 2 * small_peak  # ...not ten times the memory
