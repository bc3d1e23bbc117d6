"""``PlainSchema`` answers exactly what Ninja's ``Schema`` answers, only faster for plain dicts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from ninja import Schema
from pydantic import ValidationError

from fenxiao.core.plain_schema import PlainSchema
from fenxiao.orders.api.schemas.orders import OrderDetailOut
from fenxiao.orders.models import OrderStatus

AT = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


class LineNinja(Schema):
    sku_id: int
    title: str
    note: str = "无"


class OrderNinja(Schema):
    id: int
    status: str
    created_at: datetime
    paid_at: datetime | None
    lines: list[LineNinja]


class LinePlain(PlainSchema):
    sku_id: int
    title: str
    note: str = "无"


class OrderPlain(PlainSchema):
    id: int
    status: str
    created_at: datetime
    paid_at: datetime | None
    lines: list[LinePlain]


class WithResolver(PlainSchema):
    total: int

    @staticmethod
    def resolve_total(obj) -> int:
        return obj["a"] + obj["b"]


def _order(**changes):
    return {
        "id": 1,
        "status": OrderStatus.PENDING_PAYMENT,
        "created_at": AT,
        "paid_at": None,
        "lines": [{"sku_id": 2, "title": "茶叶", "extra": "dropped"}, {"sku_id": "3", "title": "杯子", "note": "礼盒"}],
        **changes,
    }


def test_a_plain_dict_validates_and_dumps_as_ninja_schema_does():
    plain, ninja = OrderPlain.model_validate(_order()), OrderNinja.model_validate(_order())
    assert plain.model_dump() == ninja.model_dump()
    assert plain.model_dump_json() == ninja.model_dump_json()
    assert plain.model_fields_set == ninja.model_fields_set
    assert plain.lines[1].sku_id == 3


def test_a_value_the_getter_converts_takes_ninja_path():
    order = _order(paid_at=lambda: AT)  # DjangoGetter calls a callable
    assert OrderPlain.model_validate(order).paid_at == AT == OrderNinja.model_validate(order).paid_at


def test_objects_and_resolvers_take_ninja_path():
    class Line:
        sku_id, title = 5, "壶"

    assert LinePlain.model_validate(Line()).model_dump() == {"sku_id": 5, "title": "壶", "note": "无"}
    assert WithResolver.model_validate({"a": 1, "b": 2}).total == 3


def test_errors_name_the_same_fields():
    bad = _order(id="x", lines=[{"sku_id": 1}])
    with pytest.raises(ValidationError) as plain:
        OrderPlain.model_validate(bad)
    with pytest.raises(ValidationError) as ninja:
        OrderNinja.model_validate(bad)
    assert [e["loc"] for e in plain.value.errors()] == [e["loc"] for e in ninja.value.errors()]


def test_the_order_answer_is_a_plain_schema_down_to_its_lines():
    assert issubclass(OrderDetailOut, PlainSchema)
    line = OrderDetailOut.model_fields["lines"].annotation.__args__[0]
    assert issubclass(line, PlainSchema)
