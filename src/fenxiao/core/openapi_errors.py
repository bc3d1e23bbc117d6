"""The error answers each operation can really give, in the OpenAPI document, with the one error
schema (``ErrorOut``) as a named component, so client generators type the 4xx/5xx bodies too.

Two sources, merged per operation:

- what the operation is says most of it (``derived_error_statuses``): any auth → 401, an auth that
  refuses some users (``openapi_error_statuses``, the staff-only auth) or a session cookie checked
  for CSRF on writes → 403, any parameter → 422, a JSON body → 400 (not JSON), a path parameter →
  404 (nothing there, or not yours), a Ninja throttle → 429, and every operation → 503 (it needs
  the database; ``SERVICE_UNAVAILABLE`` while it is down). ``auth=None`` endpoints never get
  401/403 this way.
- what only the endpoint knows is declared on it, right under its route decorator:
  ``@answers(409)`` for the refusals its services raise. It only documents: the view's own
  ``response`` mapping (and so the status Ninja answers a plain return with) stays as it was.

tests/api/test_openapi_contract.py holds the rules to their word, and the test suite records every
error status an operation answered and fails if one was not documented."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ninja import Schema
from ninja.openapi.schema import OpenAPISchema
from ninja.security import APIKeyCookie

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

DESCRIPTIONS = {
    400: "请求不正确（如请求体不是合法的 JSON，或业务规则拒绝）",
    401: "未登录或登录已失效",
    403: "没有权限",
    404: "资源不存在（或不属于当前用户）",
    409: "与当前状态冲突",
    413: "上传内容过大",
    422: "参数校验失败（field 指出字段，errors 列出全部）",
    429: "请求过于频繁",
    502: "微信接口暂时失败，请稍后重试",
    503: "服务暂不可用（数据库或缓存故障），请稍后重试",
}


class FieldErrorOut(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every 4xx and 5xx answer of the API."""

    code: str
    message: str
    field: str | None = None
    errors: list[FieldErrorOut] | None = None


ANSWERS_ATTRIBUTE = "fenxiao_error_statuses"

View = TypeVar("View", bound=Callable[..., Any])


def answers(*statuses: int) -> Callable[[View], View]:
    """The error statuses an endpoint's services can answer besides the derived ones. Goes below
    the route decorator, which registers the view as it stands then."""

    def mark(view: View) -> View:
        setattr(view, ANSWERS_ATTRIBUTE, (*getattr(view, ANSWERS_ATTRIBUTE, ()), *statuses))
        return view

    return mark


def declared_error_statuses(operation: Any) -> set[int]:
    return set(getattr(operation.view_func, ANSWERS_ATTRIBUTE, ()))


def _auth_statuses(operation: Any) -> set[int]:
    statuses: set[int] = set()
    for auth in operation.auth_callbacks:
        statuses.add(401)
        statuses.update(getattr(auth, "openapi_error_statuses", ()))
        if isinstance(auth, APIKeyCookie) and getattr(auth, "csrf", False) and WRITE_METHODS & set(operation.methods):
            statuses.add(403)
    return statuses


def derived_error_statuses(operation: Any) -> set[int]:
    """What follows from the operation's auth, parameters and throttles (see the module)."""
    statuses = {503} | _auth_statuses(operation)
    sources = {getattr(model, "__ninja_param_source__", "") for model in operation.models}
    if sources:
        statuses.add(422)
    if "body" in sources:
        statuses.add(400)
    if "path" in sources:
        statuses.add(404)
    if operation.throttle_objects:
        statuses.add(429)
    return statuses


class ErrorDocumentingSchema(OpenAPISchema):
    """Ninja's OpenAPI document, plus each operation's derived error answers."""

    def responses(self, operation: Any) -> dict[int, Any]:
        result = super().responses(operation)
        missing = (derived_error_statuses(operation) | declared_error_statuses(operation)) - result.keys()
        if missing:
            schema, _ = self._create_schema_from_model(_ErrorResponse, by_alias=True, mode="serialization")
            for status in missing:
                result[status] = {
                    "description": DESCRIPTIONS.get(status, "错误"),
                    "content": {self.api.renderer.media_type: {"schema": schema}},
                }
        return dict(sorted(result.items()))


class _ErrorResponse(Schema):
    """Ninja's wrapping of a response model (one ``response`` field), so ``ErrorOut`` lands in the
    components and each answer points at it."""

    response: ErrorOut
