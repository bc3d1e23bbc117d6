"""The prebuilt statements (``core.statements``) must write and read exactly what the ORM writes
and reads, on SQLite and on PostgreSQL: every field of every row is compared with the ORM's."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fenxiao.accounts.models import Address, User
from fenxiao.catalog.models import ProductImage, Sku
from fenxiao.core.statements import (
    _insert_fields,
    _insert_preparers,
    _slow,
    row_get,
    rows_get,
    rows_insert,
    rows_with_parent,
    values_first,
)
from fenxiao.distribution.models import OrderReferral
from fenxiao.orders.models import Order, OrderEvent, OrderStatus
from tests.catalog_factories import SkuFactory
from tests.factories import AddressFactory, UserFactory

pytestmark = pytest.mark.django_db


def _values(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in type(obj)._meta.concrete_fields}


def test_row_get_reads_every_field_as_the_orm_does():
    user = UserFactory(nickname="小明", is_staff=True, last_login=timezone.now())
    address = AddressFactory(user=user, is_default=True)

    assert _values(row_get(User, "id = %s", [user.id])) == _values(User.objects.get(pk=user.id))
    loaded = row_get(Address, "id = %s AND user_id = %s", [address.id, user.id])
    assert _values(loaded) == _values(Address.objects.get(pk=address.id))
    assert loaded._state.adding is False and loaded._state.db == "default"
    assert isinstance(loaded.is_default, bool)
    assert loaded.created_at.tzinfo is not None


def test_row_get_answers_none_for_no_row_and_the_lowest_key_for_several():
    user = UserFactory()
    first, _second = AddressFactory(user=user), AddressFactory(user=user)
    assert row_get(Address, "id = %s AND user_id = %s", [first.id, user.id + 1]) is None
    assert row_get(Address, "user_id = %s", [user.id]).id == first.id
    assert row_get(Address, "user_id = %s AND is_default = %s", [user.id, True]) is None


def test_rows_get_orders_and_limits_as_asked():
    product = SkuFactory().product
    for order, name in [(2, "c.png"), (0, "b.png"), (0, "a.png"), (1, "d.png")]:
        ProductImage.objects.create(product=product, image=name, sort_order=order)
    orm = list(ProductImage.objects.filter(product=product).order_by("sort_order", "id"))

    rows = rows_get(ProductImage, "product_id = %s", [product.id], order_by="sort_order, id")

    assert [_values(r) for r in rows] == [_values(r) for r in orm]
    assert [r.image for r in rows_get(ProductImage, "product_id = %s", [product.id], limit=2)] == ["c.png", "b.png"]
    assert rows_get(ProductImage, "product_id = %s", [product.id + 1000]) == []


def test_rows_with_parent_reads_the_parent_in_the_same_statement_less_its_deferred_columns():
    skus = [SkuFactory(specs={"颜色": "红"}), SkuFactory()]
    ids = [s.id for s in skus]
    orm = {s.id: s for s in Sku.objects.select_related("product").filter(pk__in=ids)}

    with CaptureQueriesContext(connection) as queries:
        rows = rows_with_parent(Sku, "product", "catalog_sku.id IN (%s, %s)", ids, parent_defer=["detail_html"])
        products = [row.product for row in rows]
    assert len(queries) == 1
    assert sorted(r.id for r in rows) == sorted(ids)
    for row, product in zip(rows, products, strict=True):
        assert _values(row) == _values(orm[row.id])
        assert product.get_deferred_fields() == {"detail_html"}
        expected = _values(orm[row.id].product)
        del expected["detail_html"]
        assert {k: v for k, v in _values(product).items() if k != "detail_html"} == expected
    # The deferred column is still there when asked for, as with ``defer``.
    assert products[0].detail_html == orm[rows[0].id].product.detail_html


def test_rows_with_parent_refuses_a_parent_that_may_be_missing():
    with pytest.raises(ValueError, match="may be null"):
        rows_with_parent(OrderEvent, "actor", "orders_orderevent.id = %s", [1])


def _order(user: User, order_no: str) -> Order:
    return Order(
        order_no=order_no,
        buyer=user,
        goods_fen=3990,
        shipping_fen=800,
        discount_fen=500,
        payable_fen=4290,
        adjustments=[{"kind": "coupon", "label": "满减", "amount_fen": 500, "data": {"ids": [1, 2]}}],
        receiver="张三",
        receiver_phone="13800000000",
        province="广东省",
        city="深圳市",
        district="南山区",
        address_detail="科技园 1 号",
        remark="",
        idempotency_key=None,
        payment_deadline=timezone.now() + timedelta(minutes=30),
    )


def test_rows_insert_writes_the_row_save_writes():
    user = UserFactory()
    by_orm = _order(user, "ORM0001")
    by_orm.save()
    by_statement = _order(user, "STMT0001")
    before = timezone.now()

    assert rows_insert([by_statement]) == [by_statement]

    assert by_statement.pk is not None and by_statement.pk != by_orm.pk
    assert by_statement._state.adding is False
    assert before <= by_statement.created_at <= timezone.now()
    stored, reference = Order.objects.get(pk=by_statement.pk), Order.objects.get(pk=by_orm.pk)
    skip = {"id", "order_no", "created_at", "updated_at", "payment_deadline"}
    assert {k: v for k, v in _values(stored).items() if k not in skip} == {
        k: v for k, v in _values(reference).items() if k not in skip
    }
    assert stored.payment_deadline == by_statement.payment_deadline
    assert stored.created_at == by_statement.created_at
    assert stored.adjustments[0]["data"] == {"ids": [1, 2]}


def test_rows_insert_gives_each_row_its_own_key_in_order():
    user = UserFactory()
    order = _order(user, "STMT0002")
    rows_insert([order])
    events = [OrderEvent(order=order, type=t, data={"n": i}) for i, t in enumerate(["created", "paid", "shipped"])]

    rows_insert(events)

    assert [OrderEvent.objects.get(pk=e.pk).type for e in events] == ["created", "paid", "shipped"]
    assert [OrderEvent.objects.get(pk=e.pk).data for e in events] == [{"n": 0}, {"n": 1}, {"n": 2}]


def test_rows_insert_can_skip_a_row_that_already_exists():
    user = UserFactory()
    order = _order(user, "STMT0003")
    rows_insert([order])
    rows_insert([OrderReferral(order_id=order.id, buyer_id=user.id, chain=[7], self_purchase=False)])

    rows_insert(
        [OrderReferral(order_id=order.id, buyer_id=user.id, chain=[8, 9], self_purchase=True)], ignore_conflicts=True
    )

    snapshot = OrderReferral.objects.get(order_id=order.id)
    assert (snapshot.chain, snapshot.self_purchase) == ([7], False)


def test_values_first_compiles_once_and_binds_its_argument():
    alice, bob = UserFactory(nickname="甲"), UserFactory(nickname="乙")

    def build(user_id):
        return User.objects.filter(pk=user_id).values_list("id", "nickname")

    assert values_first(("test_names",), build, alice.id) == (alice.id, "甲")
    with CaptureQueriesContext(connection) as queries:
        assert values_first(("test_names",), build, bob.id) == (bob.id, "乙")
    assert len(queries) == 1
    assert values_first(("test_names",), build, bob.id + 1000) is None


def test_values_first_refuses_queries_it_cannot_run_as_the_orm_would():
    with pytest.raises(ValueError, match="one parameter"):
        values_first(("two_params",), lambda v: User.objects.filter(pk=v, nickname="x").values_list("id"), 1)
    with pytest.raises(ValueError, match="without conversion"):
        values_first(("converted",), lambda v: Order.objects.filter(pk=v).values_list("adjustments"), 1)


def test_rows_insert_refuses_a_model_whose_save_signals_someone_listens_to():
    sku = SkuFactory.build(product=SkuFactory().product, code="NEW-SKU")

    with pytest.raises(ValueError, match="signal receivers"):
        rows_insert([sku])
    assert not Sku.objects.filter(code="NEW-SKU").exists()


# Values of every plain type, their subclasses and wrong types: the preparer must answer each as
# get_db_prep_save does, or raise what it raises.
SAMPLES = [
    None,
    0,
    7,
    -3,
    2**40,
    "",
    "abc",
    "12",
    True,
    False,
    OrderStatus.PAID,
    datetime(2026, 12, 7, 12, 30, tzinfo=timezone.get_current_timezone()),
    [1, 2],
]


def _prepared(prepare, obj):
    try:
        value = prepare(obj, connection)
    except Exception as exc:  # the same refusal is the same answer
        return ("raised", type(exc))
    return (type(value), repr(value))


def test_every_insert_parameter_is_what_get_db_prep_save_gives_for_every_field_of_every_model():
    checked = 0
    for model in apps.get_models():
        try:
            fields = _insert_fields(model)
        except ValueError:  # filled by the database: rows_insert refuses it anyway
            continue
        for field, prepare in zip(fields, _insert_preparers(model, connection.vendor), strict=True):
            if "auto_now" in getattr(field, "__dict__", {}) and (field.auto_now or field.auto_now_add):
                continue  # stamps "now" on each call: compared on a written row above
            obj = model()
            for sample in SAMPLES:
                setattr(obj, field.attname, sample)
                assert _prepared(prepare, obj) == _prepared(_slow(field), obj), (model, field.name, sample)
                checked += 1
    assert checked > 1000


@pytest.mark.parametrize(
    ("lock", "clause"), [("update", "LIMIT 1 FOR UPDATE"), ("no_key_update", "LIMIT 1 FOR NO KEY UPDATE")]
)
def test_a_locked_read_locks_where_the_database_has_row_locks(lock, clause):
    user = UserFactory()

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert row_get(User, "id = %s", [user.id], lock=lock).pk == user.pk

    [sql] = [q["sql"] for q in queries.captured_queries if '"accounts_user"' in q["sql"]]
    if connection.vendor == "postgresql":
        assert sql.endswith(clause)
    else:  # SQLite serialises writers and has no row locks: the clause would be a syntax error
        assert " FOR " not in sql
