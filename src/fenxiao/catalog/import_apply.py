"""The writing half of the catalogue import: apply a checked ``Plan`` (``import_plan``) to the
catalogue's own rows with bulk queries, in the caller's transaction. Stock is not the catalogue's:
``inventory/catalogue_import.py`` runs the whole import and sets the stock column itself."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Model
from django.utils import timezone

from fenxiao.catalog.cache import catalog_changed
from fenxiao.catalog.import_plan import Plan, ProductPlan, SkuPlan, fetch_in
from fenxiao.catalog.models import Category, Product, Sku, Supplier
from fenxiao.catalog.prices import product_prices_refresh
from fenxiao.catalog.services import MAX_BULK_PRODUCTS, product_set_shelf
from fenxiao.core.limits import chunks

BATCH = 500
GROUPED_UPDATE_MAX = 50


@dataclass(frozen=True)
class Applied:
    counts: dict[str, int]
    sku_ids: dict[str, int]  # SKU code → id, for every SKU row of the plan


def catalogue_apply(plan: Plan) -> Applied:
    """Create or update suppliers, categories, products and SKUs by their codes, then shelve.
    Must run inside a transaction: one failure must leave nothing behind."""
    counts: dict[str, int] = {}
    supplier_ids, counts["suppliers_created"] = _ensure_suppliers(plan.supplier_names)
    category_ids, counts["categories_created"] = _ensure_categories(plan.category_paths)
    product_ids = _save_products(plan.products, supplier_ids, category_ids, counts)
    sku_ids = _save_skus(plan.skus, product_ids, counts)
    # Bulk SKU writes send no signals: the products whose SKUs were written get their list prices
    # recomputed here, before shelving, in the import's transaction.
    product_prices_refresh(product_ids=_priced_products(plan, product_ids))
    to_on = [product_ids[p.code] for p in plan.products if p.on_shelf is True and not p.was_on_shelf]
    to_off = [product_ids[p.code] for p in plan.products if p.on_shelf is False and p.was_on_shelf]
    for ids, on_shelf, key in ((to_on, True, "shelved_on"), (to_off, False, "shelved_off")):
        counts[key] = sum(product_set_shelf(product_ids=c, on_shelf=on_shelf) for c in chunks(ids, MAX_BULK_PRODUCTS))
    catalog_changed()  # bulk writes fire no signals: cached list pages must re-render
    return Applied(counts=counts, sku_ids=sku_ids)


def _priced_products(plan: Plan, product_ids: dict[str, int]) -> set[int]:
    """Products with a SKU created or changed by the plan, and the product each changed SKU
    belonged to before (the plan never moves one, but the price copy must not rest on that)."""
    touched: set[int] = set()
    for sku in plan.skus:
        if sku.existing is not None and not sku.fields:
            continue
        touched.add(product_ids[sku.product_code])
        if sku.existing is not None:
            touched.add(sku.existing.product_id)
    return touched


def _ensure_suppliers(names: set[str]) -> tuple[dict[str, int], int]:
    known = dict(fetch_in(Supplier.objects.values_list("name", "pk"), "name", names))
    missing = sorted(names - known.keys())
    Supplier.objects.bulk_create([Supplier(name=n) for n in missing], batch_size=BATCH)
    known.update(fetch_in(Supplier.objects.values_list("name", "pk"), "name", missing))
    return known, len(missing)


def _ensure_categories(paths: set[tuple[str, str | None]]) -> tuple[dict[tuple[str, str | None], int], int]:
    """``(一级, 二级)`` or ``(一级, None)`` to a category id, creating what is missing."""
    tops = {top for top, _ in paths}

    def load_tops() -> dict[str, int]:
        return dict(fetch_in(Category.objects.filter(parent__isnull=True).values_list("name", "pk"), "name", tops))

    top_ids = load_tops()
    missing_tops = sorted(tops - top_ids.keys())
    Category.objects.bulk_create([Category(name=n) for n in missing_tops], batch_size=BATCH)
    top_ids = load_tops()

    def load_children() -> dict[tuple[str, str], int]:
        by_parent = {pk: name for name, pk in top_ids.items()}
        rows = fetch_in(Category.objects.values_list("parent_id", "name", "pk"), "parent_id", by_parent)
        return {(by_parent[parent_id], name): pk for parent_id, name, pk in rows}

    child_ids = load_children()
    wanted = {(top, child) for top, child in paths if child is not None}
    missing_children = sorted(wanted - child_ids.keys())
    Category.objects.bulk_create(
        [Category(parent_id=top_ids[top], name=child) for top, child in missing_children], batch_size=BATCH
    )
    if missing_children:
        child_ids = load_children()
    ids: dict[tuple[str, str | None], int] = {(top, None): pk for top, pk in top_ids.items()}
    ids.update(child_ids)
    return ids, len(missing_tops) + len(missing_children)


def _save_products(
    plans: list[ProductPlan], supplier_ids: dict[str, int], category_ids: dict, counts: dict[str, int]
) -> dict[str, int]:
    created, changes = [], []
    for plan in plans:
        values = dict(plan.fields)
        if plan.supplier is not None:
            values["supplier_id"] = supplier_ids[plan.supplier]
        if plan.category is not None:
            values["category_id"] = category_ids[plan.category]
        if plan.existing is None:
            created.append(Product(code=plan.code, **values))
        elif changed := _assign(plan.existing, values):
            changes.append((plan.existing, changed))
    Product.objects.bulk_create(created, batch_size=BATCH)
    _save_changes(Product, changes)
    counts.update(products_created=len(created), products_updated=len(changes))
    counts["products_unchanged"] = len(plans) - len(created) - len(changes)
    ids = {p.code: p.existing.pk for p in plans if p.existing is not None}
    ids.update(fetch_in(Product.objects.values_list("code", "pk"), "code", [p.code for p in created]))
    return ids


def _save_skus(plans: list[SkuPlan], product_ids: dict[str, int], counts: dict[str, int]) -> dict[str, int]:
    created, changes = [], []
    for plan in plans:
        if plan.existing is None:
            created.append(Sku(code=plan.code, product_id=product_ids[plan.product_code], **plan.fields))
        elif changed := _assign(plan.existing, plan.fields):
            changes.append((plan.existing, changed))
    Sku.objects.bulk_create(created, batch_size=BATCH)
    _save_changes(Sku, changes)
    counts.update(skus_created=len(created), skus_updated=len(changes))
    counts["skus_unchanged"] = len(plans) - len(created) - len(changes)
    ids = {s.code: s.existing.pk for s in plans if s.existing is not None}
    ids.update(fetch_in(Sku.objects.values_list("code", "pk"), "code", [s.code for s in created]))
    return ids


def _assign(obj: Model, values: dict[str, object]) -> list[str]:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return changed


def _save_changes(model: type[Model], changes: list[tuple[Model, list[str]]]) -> None:
    """Write changed fields. Spreadsheet edits repeat values (a new weight for a whole column, a
    price rise to 99.00), so a field with few distinct new values gets one ``UPDATE ... WHERE pk
    IN`` per value; a field with many gets ``bulk_update``, whose CASE per row costs more."""
    if not changes:
        return
    by_field: dict[str, dict[str, tuple[object, list[Model]]]] = defaultdict(dict)
    for obj, fields in changes:
        for name in fields:
            value = getattr(obj, name)
            key = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
            by_field[name].setdefault(key, (value, []))[1].append(obj)
    now = timezone.now()  # update() and bulk_update() skip auto_now
    by_field["updated_at"] = {"now": (now, [obj for obj, _ in changes])}
    for name, groups in by_field.items():
        if len(groups) <= GROUPED_UPDATE_MAX:
            for value, objs in groups.values():
                for chunk in chunks([o.pk for o in objs], BATCH):
                    model._base_manager.filter(pk__in=chunk).update(**{name: value})
        else:
            objs = [o for _, group in groups.values() for o in group]
            model._base_manager.bulk_update(objs, [name], batch_size=BATCH)
