"""The three parts of an order placement that issue 22's second pass changed, each timed both ways
in one process, interleaved, so a busy machine slows both alike (CPU µs, min and median of the
rounds). The "before" side is the code as it was, kept here only to measure against:

* the client trace: ``ClientTrace.objects.create`` against the prebuilt INSERT (``rows_insert``);
* the answer: validating the new order's dict with Ninja's ``Schema`` against ``PlainSchema``;
* a one-line order's INSERT parameters (the order, its line and reservation, the event, the
  referral snapshot and the trace): ``get_db_prep_save(pre_save(...))`` for every field against
  ``core.statements``' preparers.

    .venv/bin/python bench/order_parts.py [--rounds 7] [--n 300]

Runs on the orders bench's database (``orders_bench.py`` creates it); the INSERTs of the first
part are rolled back."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(BENCH.parent / "src"))

from orders_bench import DEFAULT_DATABASE_URL  # noqa: E402


def timed(fn: Callable[[], object], n: int) -> float:
    started = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - started) / n * 1e6


def compare(name: str, before: Callable[[], object], after: Callable[[], object], rounds: int, n: int) -> None:
    for fn in (before, after):
        timed(fn, max(1, n // 5))  # warm
    got: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(rounds):
        got["before"].append(timed(before, n))
        got["after"].append(timed(after, n))
    b, a = got["before"], got["after"]
    print(
        f"{name:<40} before min {min(b):6.0f} median {statistics.median(b):6.0f} µs | "
        f"after min {min(a):6.0f} median {statistics.median(a):6.0f} µs"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_ORDERS_DATABASE_URL", DEFAULT_DATABASE_URL))
    args = parser.parse_args()
    os.environ.update(DJANGO_SETTINGS_MODULE="fenxiao.settings", DATABASE_URL=args.database_url, DEBUG="false")
    import django

    django.setup()
    from django.db import connection, transaction
    from ninja import Schema
    from pydantic import create_model

    from fenxiao.core.statements import _insert_fields, _insert_preparers, rows_insert
    from fenxiao.distribution.models import OrderReferral
    from fenxiao.inventory.models import StockReservation
    from fenxiao.orders.api.schemas import orders as schemas
    from fenxiao.orders.models import Order, OrderEvent, OrderLine
    from fenxiao.risk.models import ClientTrace

    order = Order.objects.order_by("-id").first()
    line = OrderLine.objects.filter(order=order).first()
    if order is None or line is None:
        raise SystemExit("no order in the database: run orders_bench.py once first")

    with transaction.atomic():
        compare(
            "client trace INSERT",
            lambda: ClientTrace.objects.create(kind="order", object_id=1, user_id=1, device_id="", ip="127.0.0.1"),
            lambda: rows_insert([ClientTrace(kind="order", object_id=1, user_id=1, device_id="", ip="127.0.0.1")]),
            args.rounds,
            args.n,
        )
        transaction.set_rollback(True)

    # The answer to a new order with one line and its "created" event, as order_dict builds it.
    class Request:
        def build_absolute_uri(self, url: str) -> str:
            return f"http://127.0.0.1{url}"

    body = schemas.order_dict(Order.objects.get(pk=order.pk), Request(), events=False)
    body["events"] = [
        {
            "type": "created",
            "label": "提交订单",
            "to_status": "pending_payment",
            "note": "",
            "created_at": datetime.now(UTC),
        }
    ]

    def twin(cls: type, base: type, cache: dict) -> type:
        """``cls`` rebuilt on ``base`` (Ninja's Schema), nested schemas included."""
        if cls in cache:
            return cache[cls]
        annotations = {}
        for field_name, info in cls.model_fields.items():
            annotation = info.annotation
            args_ = getattr(annotation, "__args__", ())
            if args_ and isinstance(args_[0], type) and issubclass(args_[0], schemas.PlainSchema):
                annotation = list[twin(args_[0], base, cache)]
            annotations[field_name] = (annotation, info)
        cache[cls] = create_model(f"{cls.__name__}Ninja", __base__=base, **annotations)
        return cache[cls]

    ninja_detail = twin(schemas.OrderDetailOut, Schema, {})
    before = create_model("Before", response=(ninja_detail, ...))
    after = create_model("After", response=(schemas.OrderDetailOut, ...))
    assert (
        before.model_validate({"response": body}).model_dump() == after.model_validate({"response": body}).model_dump()
    )
    compare(
        "validating the order answer",
        lambda: before.model_validate({"response": body}).model_dump(by_alias=True),
        lambda: after.model_validate({"response": body}).model_dump(by_alias=True),
        args.rounds,
        args.n,
    )

    reservation = StockReservation(reference="order_line:1", stock_id=line.sku_id, quantity=1)
    rows = [
        order,
        line,
        reservation,
        OrderEvent(order=order, type="created", to_status="pending_payment", data={"fingerprint": "0" * 64}),
        OrderReferral(order_id=order.id, buyer_id=order.buyer_id, chain=[], self_purchase=False),
        ClientTrace(kind="order", object_id=order.id, user_id=order.buyer_id, device_id="", ip="127.0.0.1"),
    ]
    connection.ensure_connection()

    def chain() -> None:
        for obj in rows:
            for field in _insert_fields(type(obj)):
                field.get_db_prep_save(field.pre_save(obj, True), connection)

    def preparers() -> None:
        for obj in rows:
            for prepare in _insert_preparers(type(obj), connection.vendor):
                prepare(obj, connection)

    compare("INSERT parameters of a 1-line order", chain, preparers, args.rounds, args.n)


if __name__ == "__main__":
    main()
