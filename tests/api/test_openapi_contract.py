"""The published OpenAPI document is what mini-program and ERP developers code against. Ninja keys
component schemas by class name, so two schema classes with one name silently document one
endpoint with the other's fields: these tests keep every name unique and spot-check endpoints
that were once documented with another's schema."""

from __future__ import annotations

import re
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
    from fenxiao.core.web_api import api

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


# Error answers: every operation documents the ones it can really give, with the shared schema.
METHODS = ("get", "post", "put", "patch", "delete")


def _operations(spec: dict):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            if method in METHODS:
                yield path, method, operation


def _errors(operation: dict) -> set[int]:
    return {int(status) for status in operation["responses"] if int(status) >= 400}


def test_the_error_schema_is_one_named_component(spec):
    error = spec["components"]["schemas"]["ErrorOut"]

    assert set(error["required"]) == {"code", "message"}
    assert {"code", "message", "field", "errors"} <= set(error["properties"])
    for path, method, operation in _operations(spec):
        for status in _errors(operation):
            schema = operation["responses"][status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
            assert operation["responses"][status]["description"], (method, path, status)


def test_every_operation_can_answer_503_when_the_database_is_down(spec):
    assert [(m, p) for p, m, op in _operations(spec) if 503 not in _errors(op)] == []


# Public endpoints that refuse a credential in the body rather than a login: a wrong password or
# refresh token is 401, a disabled account 403.
CREDENTIAL_CHECKS = {
    ("post", "/api/v1/auth/staff-login"),
    ("post", "/api/v1/auth/refresh"),
    ("post", "/api/v1/auth/wechat-login"),
}


def test_only_endpoints_that_need_a_login_document_401_and_403(spec):
    for path, method, operation in _operations(spec):
        errors = _errors(operation)
        if operation.get("security"):
            assert 401 in errors, (method, path)
        elif (method, path) not in CREDENTIAL_CHECKS:
            assert not errors & {401, 403}, (method, path)


def test_the_operator_api_documents_403_for_tokens_that_are_not_staff(spec):
    operator = [(p, m, op) for p, m, op in _operations(spec) if p.startswith("/api/v1/admin/")]

    assert operator and all(403 in _errors(op) for _, _, op in operator)


def test_input_errors_follow_from_the_parameters(spec):
    for path, method, operation in _operations(spec):
        errors = _errors(operation)
        if operation.get("parameters") or operation.get("requestBody"):
            assert 422 in errors, (method, path)
        if "application/json" in operation.get("requestBody", {}).get("content", {}):
            assert 400 in errors, (method, path)
        if "{" in path:
            assert 404 in errors, (method, path)


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("get", "/api/v1/health", {503}),
        ("get", "/api/v1/products", {400, 422, 503}),
        ("post", "/api/v1/orders", {400, 401, 404, 409, 422, 503}),
        ("post", "/api/v1/orders/{order_id}/cancel", {400, 401, 404, 409, 422, 502, 503}),
        ("post", "/api/v1/auth/staff-login", {400, 401, 422, 429, 503}),
        ("get", "/api/v1/admin/products", {401, 403, 422, 503}),
    ],
)
def test_spot_checks_of_what_endpoints_really_answer(spec, method, path, expected):
    assert _errors(spec["paths"][path][method]) == expected


def test_operation_ids_name_the_wire_call_not_the_python_module(spec):
    """A generated client's function names survive moving a view to another module."""
    ids = {}
    for path, method, operation in _operations(spec):
        expected = method + "_" + re.sub(r"[^0-9A-Za-z]+", "_", path.removeprefix("/api/")).strip("_")
        assert operation["operationId"] == expected, (method, path)
        ids.setdefault(operation["operationId"], []).append((method, path))
    assert all(len(v) == 1 for v in ids.values())
    assert spec["paths"]["/api/v1/orders/{order_id}/cancel"]["post"]["operationId"] == "post_v1_orders_order_id_cancel"
