"""The operator endpoints every activity kind has (create, list, detail, update, pause, resume,
report), written once: ``seckill`` and ``group_buy`` describe their paths, summaries, schemas and
services in an ``OperatorRoutes`` and add only their own endpoints beside these.

No ``from __future__ import annotations`` here: the views are defined inside a function, and their
parameter annotations (the kind's schemas) must be real classes when ninja reads the signature,
not names it would look up in this module."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fenxiao.core.openapi_errors import answers
from fenxiao.core.paging import paginate

# Fields every activity's schemas share, so the two kinds cannot drift apart.
ActivityName = Annotated[str, Field(min_length=1, max_length=64)]
PaymentMinutes = Annotated[int, Field(ge=1, le=1440)]  # at most a day to pay
PageNumber = Annotated[int, Field(ge=1)]
PageSize = Annotated[int, Field(ge=1, le=100)]
OrderRemark = Annotated[str, Field(max_length=200)]


@dataclass(frozen=True)
class OperatorRoutes:
    """One kind's operator face. ``summaries`` has a key per endpoint: create, list, detail,
    update, pause, resume, report."""

    path: str  # "/seckill-activities", below the router's "/v1/admin"
    summaries: dict[str, str]
    create_in: type[Schema]
    patch_in: type[Schema]
    out: type[Schema]
    page_out: type[Schema]
    list_query: type[Schema]
    report_out: type[Schema]
    rows: Callable[[], QuerySet]  # every activity, newest first, with what ``shape`` reads
    get: Callable[[int], Any]  # one activity with what ``shape`` reads, or the kind's 404
    shape: Callable[[Any], dict]  # the operator's view of an activity
    create: Callable[..., Any]
    update: Callable[..., Any]
    pause: Callable[..., Any]
    resume: Callable[..., Any]
    report: Callable[..., dict]
    update_answers: tuple[int, ...] = ()  # error statuses the update can answer besides the derived ones


def add_operator_routes(router: Router, kind: OperatorRoutes) -> None:
    """Register the seven endpoints on ``router``, in the order the OpenAPI document lists them."""
    one = f"{kind.path}/{{activity_id}}"

    @router.post(kind.path, response={201: kind.out}, summary=kind.summaries["create"])
    def create(request: HttpRequest, body: kind.create_in):
        a = kind.create(fields=body.model_dump())
        return Status(201, kind.shape(kind.get(a.pk)))

    @router.get(kind.path, response=kind.page_out, summary=kind.summaries["list"])
    def activity_list(request: HttpRequest, q: Query[kind.list_query]):
        qs = kind.rows()
        if q.status:
            qs = qs.filter(status=q.status)
        return paginate(qs, page=q.page, page_size=q.page_size).shaped(kind.shape)

    @router.get(one, response=kind.out, summary=kind.summaries["detail"])
    def detail(request: HttpRequest, activity_id: int):
        return kind.shape(kind.get(activity_id))

    def update(request: HttpRequest, activity_id: int, body: kind.patch_in):
        kind.update(activity_id=activity_id, fields=body.model_dump(exclude_unset=True))
        return kind.shape(kind.get(activity_id))

    if kind.update_answers:
        update = answers(*kind.update_answers)(update)
    router.patch(one, response=kind.out, summary=kind.summaries["update"])(update)

    @router.post(f"{one}/pause", response=kind.out, summary=kind.summaries["pause"])
    def pause(request: HttpRequest, activity_id: int):
        kind.pause(activity_id=activity_id)
        return kind.shape(kind.get(activity_id))

    @router.post(f"{one}/resume", response=kind.out, summary=kind.summaries["resume"])
    def resume(request: HttpRequest, activity_id: int):
        kind.resume(activity_id=activity_id)
        return kind.shape(kind.get(activity_id))

    @router.get(f"{one}/report", response=kind.report_out, summary=kind.summaries["report"])
    def report(request: HttpRequest, activity_id: int):
        a = kind.get(activity_id)
        return {"activity_id": a.pk, "name": a.name, "status": a.status, **kind.report(activity=a)}
