"""Holds the OpenAPI document to what the API really answers: every error status an operation
gives anywhere in the test suite must be documented for it (``core.openapi_errors``). A test
session that saw an undocumented one fails at the end and names it. 500 is never documented: it is
a bug, not part of the contract; nor are the endpoints kept out of the document (WeChat's
notifications). Loaded by tests/conftest.py; holds no tests itself."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ninja.operation import Operation

_seen: dict[tuple[str, str], set[int]] = defaultdict(set)  # (operation id, method) -> statuses
_original_run = Operation.run


def _recording_run(self: Operation, request: Any, **kw: Any) -> Any:
    response = _original_run(self, request, **kw)
    status = response.status_code
    if status >= 400 and status != 500 and self.include_in_schema:
        _seen[(self.operation_id or self.api.get_openapi_operation_id(self), request.method)].add(status)
    return response


def start() -> None:
    Operation.run = _recording_run  # type: ignore[method-assign]


def undocumented() -> list[str]:
    """``METHOD path: statuses`` for every answer the document does not list."""
    if not _seen:
        return []
    from fenxiao.core.web_api import api

    documented: dict[tuple[str, str], tuple[str, set[int]]] = {}
    for path, methods in api.get_openapi_schema()["paths"].items():
        for method, operation in methods.items():
            documented[(operation["operationId"], method.upper())] = (path, {int(s) for s in operation["responses"]})
    problems = []
    for key, statuses in sorted(_seen.items()):
        path, listed = documented.get(key, (key[0], set()))
        missing = statuses - listed
        if missing:
            problems.append(f"{key[1]} {path}: {', '.join(map(str, sorted(missing)))}")
    return problems
