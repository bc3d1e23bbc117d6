"""How many SQL statements one order sends, counted in process before the server starts: the
same endpoint through Django's test client on the bench database, a few orders to warm the
process's caches, then ``--statement-probe`` orders counted. The foreign-key checks each INSERT
makes run inside PostgreSQL and are not among them; their cost shows in the rows scanned."""

from __future__ import annotations

import json
import random

from common.base import BenchError
from order_placement.fixtures import Fixtures

WARM_ORDERS = 3


def statements_per_order(fx: Fixtures, orders: int) -> float:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    rng = random.Random(20261207)
    client = Client(HTTP_HOST="127.0.0.1")

    def place(i: int) -> None:
        token, address_id = fx.shoppers[i % len(fx.shoppers)]
        body = {"lines": [{"sku_id": rng.choice(fx.spread_skus), "quantity": 1}], "address_id": address_id}
        answer = client.post(
            "/api/v1/orders", json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
        )
        if answer.status_code != 201:
            raise BenchError(f"statement probe: order answered {answer.status_code}: {answer.content[:300]!r}")

    for i in range(WARM_ORDERS):
        place(i)
    with CaptureQueriesContext(connection) as queries:
        for i in range(orders):
            place(WARM_ORDERS + i)
    connection.close()
    return len(queries) / orders
