"""The create / update / pause steps shared by seckill and group-buy (``ActivityKind``), with a
stand-in model: only editable fields are written, a draft is refused with every problem at once,
a missing row is the kind's own 404."""

from __future__ import annotations

import pytest

from fenxiao.core.errors import DomainError, NotFound
from fenxiao.promotions.activities.lifecycle import ActivityKind


class Row:
    """Stands in for a model: remembers what was saved."""

    saved: list[tuple[dict, list[str] | None]]

    def __init__(self, **fields: object) -> None:
        self.pk = fields.pop("pk", None)
        self.status = "active"
        self.sold = 0
        self.__dict__.update(fields)
        self.saved = []

    def save(self, update_fields: list[str] | None = None) -> None:
        self.saved.append((dict(vars(self)), update_fields))


ROWS: dict[int, Row] = {}


def problems_of(row: Row) -> list[str]:
    found = []
    if not getattr(row, "name", ""):
        found.append("请填写活动名称")
    if getattr(row, "price_fen", 0) < 0:
        found.append("价格不能为负")
    return found


KIND = ActivityKind(
    model=Row,
    editable=("name", "price_fen"),
    problems=problems_of,
    invalid=lambda message: DomainError("TEST_INVALID", message),
    not_found=lambda: NotFound("TEST_NOT_FOUND", "活动不存在"),
    lock=ROWS.get,
)


def test_create_writes_only_the_editable_fields():
    row = KIND.create({"name": "秒杀", "price_fen": 100, "sold": 99, "status": "paused"})
    assert (row.name, row.price_fen, row.sold, row.status) == ("秒杀", 100, 0, "active")
    assert len(row.saved) == 1


def test_a_broken_draft_is_refused_with_every_problem_and_nothing_is_saved():
    with pytest.raises(DomainError) as caught:
        KIND.create({"name": "", "price_fen": -1})
    assert (caught.value.code, caught.value.message) == ("TEST_INVALID", "请填写活动名称；价格不能为负")


def test_apply_checks_the_row_as_it_would_be_saved():
    row = Row(pk=1, name="秒杀", price_fen=100)
    with pytest.raises(DomainError):
        KIND.apply(row, {"price_fen": -5})
    assert row.saved == []
    KIND.apply(row, {"price_fen": 80, "sold": 7})
    assert (row.price_fen, row.sold, len(row.saved)) == (80, 0, 1)


def test_set_status_saves_only_the_status_on_the_locked_row():
    ROWS[7] = Row(pk=7, name="拼团", price_fen=1)
    row = KIND.set_status(7, "paused")
    assert row.status == "paused"
    assert row.saved[-1][1] == ["status", "updated_at"]


def test_a_missing_row_is_the_kinds_not_found():
    with pytest.raises(NotFound) as caught:
        KIND.locked(404)
    assert caught.value.code == "TEST_NOT_FOUND"
