"""SQL built once for the statements that every order placement and every signed-in request run.

Why not the ORM here: Django compiles a statement again on every call. Reading a user by primary
key costs 0.35 ms of CPU through ``User.objects.get`` against 0.10 ms as a prepared text, and an
order runs about ten such statements (bench/README.md, "Order placement"). The text below is built
once per model from the model's own metadata, so a renamed column or a new field needs no edit
here. Values go in through each field's ``pre_save``/``get_db_prep_save`` and come out through the
converters the ORM itself applies, so a row written or read here is the row the ORM would write or
read; ``tests/core/test_statements.py`` compares them field by field on SQLite and PostgreSQL.

Model signals are not sent, as with ``bulk_create``: use these only for models no receiver
listens to. ``where`` and ``order_by`` are SQL written in the code, never input: values always go
as ``%s`` parameters. Everything else in the project keeps using the ORM.

The texts are built once per process, like the statements a connection has prepared, so app
servers restart after a migration (README, "Deploying for real")."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any, Literal, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    AutoField,
    BigAutoField,
    BigIntegerField,
    BooleanField,
    CharField,
    DateTimeField,
    Field,
    ForeignKey,
    IntegerField,
    Model,
    PositiveBigIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    QuerySet,
    SmallIntegerField,
    TextField,
)
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=Model)

# A value no real lookup uses, to find where a compiled query takes its one parameter.
_PROBE = -7_319_054_221_908_713


def _connection():
    return connections[DEFAULT_DB_ALIAS]


@dataclass(frozen=True)
class _Columns:
    """A model's selected columns: the quoted list, the attnames ``from_db`` takes and each
    column's converters (what the ORM's compiler would apply to it)."""

    sql: str
    attnames: tuple[str, ...]
    converters: tuple[tuple[tuple[Callable, Any], ...], ...]

    def convert(self, row: Sequence[Any], connection) -> list[Any]:
        values = list(row)
        for i, pairs in enumerate(self.converters):
            for convert, col in pairs:
                values[i] = convert(values[i], col, connection)
        return values


@cache
def _columns(model: type[Model], vendor: str, table_alias: str, defer: frozenset[str] = frozenset()) -> _Columns:
    connection = _connection()
    quote = connection.ops.quote_name
    fields = [f for f in model._meta.concrete_fields if f.name not in defer and f.attname not in defer]
    converters = []
    for field in fields:
        col = field.get_col(table_alias)
        pairs = [(c, col) for c in connection.ops.get_db_converters(col) + col.get_db_converters(connection)]
        converters.append(tuple(pairs))
    return _Columns(
        sql=", ".join(f"{quote(table_alias)}.{quote(f.column)}" for f in fields),
        attnames=tuple(f.attname for f in fields),
        converters=tuple(converters),
    )


def _instance(model: type[M], columns: _Columns, row: Sequence[Any], connection) -> M:
    return model.from_db(connection.alias, columns.attnames, columns.convert(row, connection))


@cache
def _select(model: type[Model], vendor: str) -> tuple[str, str, _Columns]:
    """``SELECT <columns> FROM <table>`` and the primary key column, built once per model."""
    quote = _connection().ops.quote_name
    table = model._meta.db_table
    columns = _columns(model, vendor, table)
    return f"SELECT {columns.sql} FROM {quote(table)}", quote(model._meta.pk.column), columns


def quoted_names(model: type[Model], *fields: str) -> tuple[str, ...]:
    """The model's table, then each field's column, quoted for the database: for the few
    statements written by hand whose text is built once from the model's metadata."""
    quote = _connection().ops.quote_name
    return (quote(model._meta.db_table), *(quote(model._meta.get_field(f).column) for f in fields))


RowLock = Literal["", "update", "no_key_update"]
_LOCK_CLAUSES: dict[str, str] = {"update": " FOR UPDATE", "no_key_update": " FOR NO KEY UPDATE"}


def rows_get(
    model: type[M],
    where: str,
    params: Sequence[Any],
    *,
    order_by: str = "",
    limit: int | None = None,
    lock: RowLock = "",
) -> list[M]:
    """Rows of ``model`` matching ``where``, a condition on the model's own table written with its
    column names and ``%s`` placeholders, in ``order_by`` (column names; the primary key when
    empty). ``lock`` locks them as ``select_for_update`` (``no_key=True`` for ``no_key_update``)
    would: inside the caller's transaction, and not at all where the database has no row locks
    (SQLite, which serialises writers instead)."""
    connection = _connection()
    select, pk, columns = _select(model, connection.vendor)
    sql = f"{select} WHERE {where} ORDER BY {order_by or pk}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    if lock and connection.features.has_select_for_update:
        no_key = lock == "no_key_update" and connection.features.has_select_for_no_key_update
        sql += _LOCK_CLAUSES["no_key_update" if no_key else "update"]
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        rows = cursor.fetchall()
    return [_instance(model, columns, row, connection) for row in rows]


def row_get(model: type[M], where: str, params: Sequence[Any], *, lock: RowLock = "") -> M | None:
    """The first row (lowest primary key) of ``model`` matching ``where`` (see ``rows_get``)."""
    found = rows_get(model, where, params, limit=1, lock=lock)
    return found[0] if found else None


@cache
def _select_with_parent(
    model: type[Model], parent_field: str, parent_defer: frozenset[str], vendor: str
) -> tuple[str, _Columns, _Columns]:
    quote = _connection().ops.quote_name
    fk = model._meta.get_field(parent_field)
    if fk.null:
        # An inner join would drop the rows without a parent instead of reading them with None.
        raise ValueError(f"{model.__name__}.{parent_field} may be null: read it with the ORM")
    parent = fk.related_model
    child_table, parent_table = model._meta.db_table, parent._meta.db_table
    child = _columns(model, vendor, child_table)
    above = _columns(parent, vendor, parent_table, parent_defer)
    sql = (
        f"SELECT {child.sql}, {above.sql} FROM {quote(child_table)} "
        f"INNER JOIN {quote(parent_table)} ON {quote(child_table)}.{quote(fk.column)} = "
        f"{quote(parent_table)}.{quote(fk.target_field.column)}"
    )
    return sql, child, above


def rows_with_parent(
    model: type[M], parent_field: str, where: str, params: Sequence[Any], *, parent_defer: Sequence[str] = ()
) -> list[M]:
    """Rows of ``model`` each with the row its foreign key ``parent_field`` points to, read in one
    statement: ``select_related`` for one level, with the parent's bulky columns left out
    (``parent_defer``; reading one of them later costs a query, as with ``defer``). ``where``
    names columns with their table, as both tables are joined."""
    connection = _connection()
    select, child, above = _select_with_parent(model, parent_field, frozenset(parent_defer), connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(f"{select} WHERE {where}", list(params))
        rows = cursor.fetchall()
    fk = model._meta.get_field(parent_field)
    parent = fk.related_model
    split = len(child.attnames)
    result = []
    for row in rows:
        obj = _instance(model, child, row[:split], connection)
        fk.set_cached_value(obj, _instance(parent, above, row[split:], connection))
        result.append(obj)
    return result


@cache
def _insert_fields(model: type[Model]) -> tuple[Field, ...]:
    """The columns an INSERT names: all but a database-assigned key. Fields whose value only the
    database knows (generated columns, database defaults) are refused, not guessed."""
    fields = []
    for field in model._meta.concrete_fields:
        if getattr(field, "generated", False) or field.has_db_default():
            raise ValueError(f"{model.__name__}.{field.name} is filled by the database: insert it with the ORM")
        if not (field.primary_key and field.db_returning):
            fields.append(field)
    return tuple(fields)


# Field classes whose value of one plain type goes to the database as it is, or through one
# backend adapter: what ``get_db_prep_save(pre_save(...))`` does for them, without its five
# calls a field. Exact classes only: a subclass may change any step.
_AS_IS: dict[type[Field], type] = {CharField: str, TextField: str, BooleanField: bool}
_INTEGERS = (
    IntegerField,
    BigIntegerField,
    SmallIntegerField,
    PositiveIntegerField,
    PositiveSmallIntegerField,
    PositiveBigIntegerField,
)
_AUTO_KEYS = (AutoField, BigAutoField)

Preparer = Callable[[Model, Any], Any]


def _slow(field: Field) -> Preparer:
    def prepare(obj: Model, connection) -> Any:
        return field.get_db_prep_save(field.pre_save(obj, True), connection)

    return prepare


def _preparer(field: Field) -> Preparer:
    """The parameter an INSERT sends for ``field``: Django's own ``get_db_prep_save`` after
    ``pre_save``, except for the plainest fields holding a value of their plain type, where the
    same answer is computed directly: any str in a text field (choices members too), an int in an
    integer field or in a foreign key to an auto key, a bool, None, and an empty datetime that no
    ``auto_now`` fills. Each order inserts about 70 values and the full chain cost about 7 µs a
    value (bench/README.md, "Where an order's CPU goes"); ``tests/core/test_statements.py``
    checks that both ways agree for every field of every model."""
    slow = _slow(field)
    kind = type(field)
    attname = field.attname
    if kind in _AS_IS:
        plain = _AS_IS[kind]

        def as_is(obj: Model, connection) -> Any:
            value = getattr(obj, attname)
            return value if value is None or type(value) is plain else slow(obj, connection)

        if plain is str:
            # A text field's own conversion keeps any str as it is, choices members included.
            def text(obj: Model, connection) -> Any:
                value = getattr(obj, attname)
                return value if value is None or isinstance(value, str) else slow(obj, connection)

            return text
        return as_is
    if kind in _INTEGERS:
        internal_type = field.get_internal_type()

        def integer(obj: Model, connection) -> Any:
            value = getattr(obj, attname)
            if value is None or type(value) is int:
                return connection.ops.adapt_integerfield_value(value, internal_type)
            return slow(obj, connection)

        return integer
    if kind is ForeignKey and type(field.target_field) in _AUTO_KEYS:

        def key(obj: Model, connection) -> Any:
            value = getattr(obj, attname)
            if value is None:
                return None
            if type(value) is int:
                return connection.ops.validate_autopk_value(value)
            return slow(obj, connection)

        return key
    if kind is DateTimeField and not (field.auto_now or field.auto_now_add):
        # Only the empty ones: a datetime goes through the time zone checks and adapters.
        def empty_datetime(obj: Model, connection) -> Any:
            return None if getattr(obj, attname) is None else slow(obj, connection)

        return empty_datetime
    return slow


@cache
def _insert_preparers(model: type[Model], vendor: str) -> tuple[Preparer, ...]:
    return tuple(_preparer(field) for field in _insert_fields(model))


@lru_cache(maxsize=256)
def _insert(model: type[Model], vendor: str, rows: int, ignore_conflicts: bool) -> str:
    quote = _connection().ops.quote_name
    fields = _insert_fields(model)
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
        f"VALUES {', '.join([one] * rows)}"
    )
    if ignore_conflicts:
        return f"{sql} ON CONFLICT DO NOTHING"
    return f"{sql} RETURNING {quote(model._meta.pk.column)}"


def rows_insert(objs: Sequence[M], *, ignore_conflicts: bool = False) -> list[M]:
    """Insert ``objs`` (one model) in one statement and set their primary keys, as ``save()`` or
    ``bulk_create`` would (defaults, ``auto_now_add``). With ``ignore_conflicts`` a row that
    breaks a unique constraint is skipped, and no object gets a primary key it did not have."""
    if not objs:
        return []
    model = type(objs[0])
    if pre_save.has_listeners(model) or post_save.has_listeners(model):
        raise ValueError(f"{model.__name__} has save signal receivers, which an INSERT here would skip: use the ORM")
    connection = _connection()
    preparers = _insert_preparers(model, connection.vendor)
    params: list[Any] = []
    for obj in objs:
        for prepare in preparers:
            params.append(prepare(obj, connection))
    sql = _insert(model, connection.vendor, len(objs), ignore_conflicts)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = None if ignore_conflicts else [row[0] for row in cursor.fetchall()]
    if ids is not None and len(ids) != len(objs):
        raise AssertionError("INSERT ... RETURNING answered a different number of rows")
    pk = model._meta.pk.attname
    for i, obj in enumerate(objs):
        if ids is not None:
            # Rows come back in VALUES order on PostgreSQL and SQLite, as bulk_create relies on.
            setattr(obj, pk, ids[i])
            obj._state.adding = False
        obj._state.db = connection.alias
    return list(objs)


_compiled: dict[tuple[Hashable, str], str] = {}


def _compile(build: Callable[[Any], QuerySet], connection) -> str:
    compiler = build(_PROBE).query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    if list(params) != [_PROBE]:
        raise ValueError("a compiled query must take exactly one parameter, its argument")
    if compiler.get_converters([col for col, _, _ in compiler.select]):
        raise ValueError("a compiled query must select only columns read without conversion")
    return sql


def values_first(key: Hashable, build: Callable[[Any], QuerySet], arg: Any) -> tuple | None:
    """The first row of ``build(arg)``, a ``values_list`` query whose only parameter is ``arg``,
    compiled once per ``key``: the same ``key`` must always build the same query. Only for
    columns the ORM reads without conversion (ids, integers, plain text); compiling refuses others."""
    connection = _connection()
    sql = _compiled.get((key, connection.vendor))
    if sql is None:
        sql = _compiled[(key, connection.vendor)] = _compile(build, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [arg])
        return cursor.fetchone()
