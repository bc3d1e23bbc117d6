"""The one NinjaAPI instance and its error contract: every 4xx and 5xx from the API is
``{"code": "<STABLE_CODE>", "message": "<中文说明>"}`` (plus ``field``/``errors`` for bad input)."""

from __future__ import annotations

import logging
import re
from typing import Any

from csp.decorators import csp_update
from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation

from fenxiao.core import unavailable
from fenxiao.core.errors import DomainError
from fenxiao.core.openapi_errors import ErrorDocumentingSchema

logger = logging.getLogger(__name__)

HTTP_CODES = {
    400: ("BAD_REQUEST", "请求格式不正确"),
    401: ("UNAUTHORIZED", "请先登录"),
    403: ("FORBIDDEN", "没有权限执行此操作"),
    404: ("NOT_FOUND", "资源不存在"),
    405: ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
    409: ("CONFLICT", "资源状态冲突"),
    413: ("PAYLOAD_TOO_LARGE", "请求内容过大"),
    415: ("UNSUPPORTED_MEDIA_TYPE", "请求内容类型不受支持"),
    422: ("VALIDATION_ERROR", "参数不正确"),
    429: ("THROTTLED", "请求过于频繁，请稍后再试"),
    500: ("SERVER_ERROR", "服务器开小差了，请稍后再试"),
    503: (unavailable.CODE, unavailable.MESSAGE),
}

PYDANTIC_MESSAGES = {
    "missing": "必填",
    "string_too_short": "长度不足",
    "string_too_long": "长度超出限制",
    "string_pattern_mismatch": "格式不正确",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为布尔值",
    "bool_type": "应为布尔值",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_from_float": "应为整数",
    "list_type": "应为数组",
    "datetime_parsing": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "date_parsing": "日期格式不正确",
    "url_parsing": "链接格式不正确",
    "uuid_parsing": "格式不正确",
    "int_parsing_size": "数值过大",
    "date_type": "日期格式不正确",
    "datetime_type": "时间格式不正确",
    "date_from_datetime_parsing": "日期格式不正确",
    "date_from_datetime_inexact": "应为日期，不含时刻",
    "timezone_aware": "时间须带时区",
    "timezone_naive": "时间不能带时区",
    "finite_number": "应为有限的数字",
    "greater_than_equal": "数值过小",
    "greater_than": "数值过小",
    "less_than_equal": "数值过大",
    "less_than": "数值过大",
    "literal_error": "取值不在允许范围内",
    "enum": "取值不在允许范围内",
    "json_invalid": "JSON 格式不正确",
    "model_attributes_type": "应为对象",
    "dict_type": "应为对象",
    "string_type": "应为字符串",
    "too_long": "条目过多",
    "too_short": "条目不足",
    "value_error": "取值不正确",
    "extra_forbidden": "不允许的字段",
}


def error_response(status: int, code: str | None = None, message: str | None = None, **extra: Any) -> JsonResponse:
    default_code, default_message = HTTP_CODES.get(status, ("ERROR", "请求失败"))
    body: dict[str, Any] = {"code": code or default_code, "message": message or default_message}
    body.update(extra)
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def service_unavailable() -> JsonResponse:
    """503 with ``Retry-After``: the database cannot be reached now (see ``core/unavailable.py``)."""
    response = error_response(503)
    response["Retry-After"] = str(unavailable.RETRY_AFTER_SECONDS)
    return response


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    # Ninja prefixes the location ("body", "query", "path", "file") and the argument name; the client only
    # knows the field path inside its payload.
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "form", "cookie", "file"}:
        parts = parts[1:]
        if len(parts) > 1:
            parts = parts[1:]
    return ".".join(parts) or "body"


def _validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    out = []
    for err in exc.errors:
        err_type = str(err.get("type", ""))
        msg = PYDANTIC_MESSAGES.get(err_type)
        if err_type == "value_error":
            # Our own validators raise ValueError with a Chinese sentence; keep it.
            msg = str(err.get("ctx", {}).get("error", "")) or err.get("msg") or msg
        # Never let pydantic's English text through: an unmapped type still gets a Chinese message.
        out.append({"field": _field_name(err.get("loc", ())), "message": msg or "取值不正确"})
    return out


_CONVERTER = re.compile(r"\{(?:\w+:)?(\w+)\}")


def operation_id_for(method: str, path: str) -> str:
    """``post_orders_order_id_cancel`` for ``POST /orders/{int:order_id}/cancel``: what the client
    calls is named by what it does on the wire, so moving a view to another module (Ninja's own
    default is module path plus function name) never renames a generated client's function."""
    words = re.sub(r"[^0-9A-Za-z]+", "_", _CONVERTER.sub(r"\1", path)).strip("_")
    return f"{method.lower()}_{words}" if words else method.lower()


class FenxiaoAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict | None = None):
        """Ninja's document plus every operation's error answers (``core.openapi_errors``)."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return ErrorDocumentingSchema(self, path_prefix)

    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The operations are bound copies per mounted router: read each one's full path there.
        for router in self._get_bound_routers():
            for path, view in router.path_operations.items():
                if operation in view.operations:
                    return operation_id_for(operation.methods[0], "/".join(p for p in (router.prefix, path) if p))
        return operation_id_for(operation.methods[0], operation.path)


api = FenxiaoAPI(
    title="Fenxiao 分销商城 API",
    version="1",
    description='小程序与运营接口。错误统一为 {"code", "message"}。',
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    # Ninja serves Swagger UI from its own static files (``ninja`` is an installed app), which the
    # site's policy allows; its stylesheet draws a few icons as data: pictures, on this page only.
    docs_decorator=csp_update({"img-src": ["data:"]}),
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(exc.status, **exc.as_dict())


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = _validation_errors(exc)
    first = errors[0] if errors else {"field": "body", "message": "取值不正确"}
    message = f"参数 {first['field']} 不正确：{first['message']}"
    return error_response(422, "VALIDATION_ERROR", message, field=first["field"], errors=errors)


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(401)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    code, message = HTTP_CODES.get(status, ("ERROR", "请求失败"))
    if status == 400:
        message = "请求体不是合法的 JSON" if "parse" in str(exc).lower() else message
    return error_response(status, code, message)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404)


@api.exception_handler(OperationalError)
def _database_error(request: HttpRequest, exc: OperationalError) -> HttpResponse:
    if unavailable.database_unavailable(exc):
        unavailable.log_unavailable(request, exc)
        return service_unavailable()
    return _unexpected(request, exc)


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("unhandled API error on %s %s", request.method, request.path)
    return error_response(500)
