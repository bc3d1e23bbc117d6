"""Shipping templates as checkout reads them: a snapshot of every template, its rules and the
products it covers, kept in process memory under a version held in the shared cache.

Every quote and every order needs the templates, and they change a few times a year, so reading
them from the database each time was the largest avoidable cost of placing an order (bench/).
A save of a template, a rule or a template's product list bumps the version after commit; each
worker sees the new version on its next quote and reloads. A version key that is missing (a
fresh or flushed cache) starts at a random number, so a worker never mistakes an old snapshot for
a new one. If the cache is down, the snapshot is read from the database every time.

A bump can be lost: the change commits while the cache is unreachable, and the cache comes back
with the old version, which every worker's snapshot still matches. So a snapshot is also
reloaded once it is ``SNAPSHOT_MAX_AGE_SECONDS`` old: a lost bump shows within a minute."""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from fenxiao.core.redis import log_without_redis
from fenxiao.orders.models import ShippingRule, ShippingTemplate
from fenxiao.orders.pricing import ShippingRuleSpec, ShippingTemplateSpec

logger = logging.getLogger(__name__)
VERSION_KEY = "shipping:templates:version"
SNAPSHOT_MAX_AGE_SECONDS = 60


@dataclass(frozen=True)
class TemplatesSnapshot:
    templates: dict[int, ShippingTemplateSpec]
    by_product: dict[int, int]  # product id → template id
    default_id: int | None

    def for_product(self, product_id: int) -> ShippingTemplateSpec | None:
        template_id = self.by_product.get(product_id, self.default_id)
        return self.templates.get(template_id) if template_id is not None else None


_lock = threading.Lock()
_local: tuple[int, float, TemplatesSnapshot] | None = None  # version, loaded at (epoch s), snapshot


def _version() -> int:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, secrets.randbits(48), timeout=None)
        version = cache.get(VERSION_KEY)
    return int(version)


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.add(VERSION_KEY, secrets.randbits(48), timeout=None)
    except Exception:
        log_without_redis(logger, "shipping template cache version not bumped")


def shipping_templates_changed() -> None:
    transaction.on_commit(_bump)


def _load() -> TemplatesSnapshot:
    templates: dict[int, ShippingTemplateSpec] = {}
    default_id = None
    for t in ShippingTemplate.objects.prefetch_related("rules").order_by("id"):
        templates[t.id] = ShippingTemplateSpec(
            id=t.id,
            name=t.name,
            charge_by=t.charge_by,
            free_over_fen=t.free_over_fen,
            rules=tuple(
                ShippingRuleSpec(
                    provinces=tuple(r.provinces or ()),
                    first_units=r.first_units,
                    first_fen=r.first_fen,
                    extra_units=r.extra_units,
                    extra_fen=r.extra_fen,
                    is_unreachable=r.is_unreachable,
                )
                for r in t.rules.all()
            ),
        )
        if t.is_default:
            default_id = t.id
    by_product: dict[int, int] = {}
    # A product in two templates uses the lowest template id: deterministic (ordered by id).
    through = ShippingTemplate.products.through.objects.order_by("shippingtemplate_id")
    for template_id, product_id in through.values_list("shippingtemplate_id", "product_id"):
        by_product.setdefault(product_id, template_id)
    return TemplatesSnapshot(templates=templates, by_product=by_product, default_id=default_id)


def shipping_templates() -> TemplatesSnapshot:
    global _local
    try:
        version = _version()
    except Exception:
        log_without_redis(logger, "shipping template cache unavailable; reading templates from the database")
        return _load()
    current = _local
    now = time.time()
    if current is not None and current[0] == version and 0 <= now - current[1] < SNAPSHOT_MAX_AGE_SECONDS:
        return current[2]
    snapshot = _load()
    with _lock:
        _local = (version, now, snapshot)
    return snapshot


def _changed(sender, **kwargs) -> None:
    shipping_templates_changed()


def connect() -> None:
    for model in (ShippingTemplate, ShippingRule):
        post_save.connect(_changed, sender=model, dispatch_uid=f"shipping-cache-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"shipping-cache-{model.__name__}-delete")
    m2m_changed.connect(_changed, sender=ShippingTemplate.products.through, dispatch_uid="shipping-cache-products")
