"""The published OpenAPI document is what mini-program and ERP developers code against. Ninja keys
component schemas by class name, so two schema classes with one name silently document one
endpoint with the other's fields: these tests keep every name unique and spot-check endpoints
that were once documented with another's schema."""

from __future__ import annotations

from collections import defaultdict

import pytest
from ninja import Schema

import fenxiao.urls  # noqa: F401  (imports every router, so every schema class exists)

pytestmark = pytest.mark.django_db


def _schema_classes(base: type = Schema) -> list[type]:
    found = []
    for sub in base.__subclasses__():
        if sub.__module__.startswith("fenxiao."):
            found.append(sub)
        found.extend(_schema_classes(sub))
    return found


def test_every_api_schema_class_has_its_own_name():
    modules: dict[str, set[str]] = defaultdict(set)
    for cls in _schema_classes():
        modules[cls.__name__].add(cls.__module__)
    clashes = {name: sorted(mods) for name, mods in modules.items() if len(mods) > 1}
    assert clashes == {}


@pytest.fixture(scope="module")
def spec() -> dict:
    from fenxiao.core.api import api

    return api.get_openapi_schema()


def _component(spec: dict, node: dict) -> dict:
    """The component a schema node points at, through an array's items or an ``allOf`` wrapper."""
    node = node.get("items", node)
    node = node["allOf"][0] if "allOf" in node else node
    return spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]


def test_categories_are_documented_with_their_icon_and_children(spec):
    response = spec["paths"]["/api/v1/categories"]["get"]["responses"][200]
    schema = _component(spec, response["content"]["application/json"]["schema"])
    assert {"id", "name", "icon", "children"} <= set(schema["properties"])


def test_checkout_options_document_the_promotion_choices(spec):
    body = spec["paths"]["/api/v1/checkout/quote"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    options = _component(spec, _component(spec, body)["properties"]["options"])
    assert {"coupon_id", "coupon", "group_buy_member_id", "group_buy_token"} <= set(options["properties"])


def test_coupon_template_choices_are_listed_for_clients(spec):
    body = spec["components"]["schemas"]["TemplateIn"]["properties"]

    assert body["kind"]["enum"] == ["fixed", "percent", "no_threshold"]
    assert body["scope"]["enum"] == ["all", "categories", "products"]
