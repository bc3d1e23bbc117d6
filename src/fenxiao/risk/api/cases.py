"""The operator's risk API under ``/api/v1/admin``: the case queue and its verdicts, the blacklist
and the fraud thresholds. Staff only, each endpoint behind its Django permission; reading a case's
evidence (phones, addresses, devices) is audit-logged like every read of sensitive data."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.errors import Forbidden
from fenxiao.core.openapi_errors import answers
from fenxiao.core.paging import paginate
from fenxiao.risk.audit import audit_record
from fenxiao.risk.blacklist.services import blacklist_add, blacklist_remove
from fenxiao.risk.cases.services import risk_case_clear, risk_case_confirm
from fenxiao.risk.cases.settings import risk_settings, risk_settings_update, risk_settings_values
from fenxiao.risk.errors import case_not_found
from fenxiao.risk.models import BlacklistEntry, RiskCase

router = Router(tags=["风控"], auth=staff_auth)

VIEW_CASES = "risk.view_riskcase"
DECIDE_CASES = "risk.decide_riskcase"
VIEW_BLACKLIST = "risk.view_blacklistentry"
EDIT_BLACKLIST = "risk.add_blacklistentry"
EDIT_SETTINGS = "risk.change_risksettings"


def _require(request: HttpRequest, permission: str) -> None:
    if not request.auth.has_perm(permission):
        raise Forbidden("RISK_PERMISSION_DENIED", "您没有该风控操作的权限")


class CaseQuery(Schema):
    status: str | None = None
    kind: str | None = None
    subject_user_id: int | None = None
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


class CaseOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    subject_user_id: int
    summary: str
    order_ids: list[int]
    held_order_count: int
    opened_by_id: int | None
    decided_by_id: int | None
    decided_at: datetime | None
    decision_note: str
    reversed_fen: int
    created_at: datetime


class CaseDetailOut(CaseOut):
    evidence: dict[str, Any]


class CasePageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseOut]


class ClearIn(Schema):
    note: Annotated[str, Field(max_length=300)] = ""


class ConfirmIn(Schema):
    note: Annotated[str, Field(max_length=300)] = ""
    suspend_distributor: bool = False
    blacklist_accounts: bool = False


def _case_out(case: RiskCase, *, evidence: bool = False) -> dict[str, Any]:
    links = list(case.orders.all())
    body = {
        "id": case.id,
        "kind": case.kind,
        "kind_label": case.get_kind_display(),
        "status": case.status,
        "status_label": case.get_status_display(),
        "subject_user_id": case.subject_user_id,
        "summary": case.summary,
        "order_ids": sorted(link.order_id for link in links),
        "held_order_count": sum(link.held for link in links),
        "opened_by_id": case.opened_by_id,
        "decided_by_id": case.decided_by_id,
        "decided_at": case.decided_at,
        "decision_note": case.decision_note,
        "reversed_fen": case.reversed_fen,
        "created_at": case.created_at,
    }
    if evidence:
        body["evidence"] = case.evidence
    return body


@router.get("/risk/cases", response=CasePageOut, summary="风险案件列表")
def case_list(request: HttpRequest, query: Query[CaseQuery]):
    _require(request, VIEW_CASES)
    qs = RiskCase.objects.prefetch_related("orders").order_by("-id")
    if query.status:
        qs = qs.filter(status=query.status)
    if query.kind:
        qs = qs.filter(kind=query.kind)
    if query.subject_user_id:
        qs = qs.filter(subject_user_id=query.subject_user_id)
    found = paginate(qs, page=query.page, page_size=query.page_size)
    return {
        "count": found.count,
        "page": found.page,
        "page_size": found.page_size,
        "items": [_case_out(c) for c in found.items],
    }


def _case(case_id: int) -> RiskCase:
    case = RiskCase.objects.prefetch_related("orders").filter(pk=case_id).first()
    if case is None:
        raise case_not_found()
    return case


@router.get("/risk/cases/{case_id}", response=CaseDetailOut, summary="风险案件详情（含证据）")
def case_detail(request: HttpRequest, case_id: int):
    _require(request, VIEW_CASES)
    case = _case(case_id)
    audit_record(
        actor_id=request.auth.id,
        action="risk.case_view",
        target_type="risk_case",
        target_id=case.pk,
        summary="查看风险案件证据（接口）",
    )
    return _case_out(case, evidence=True)


@router.post("/risk/cases/{case_id}/clear", response=CaseDetailOut, summary="排除风险案件（放行佣金）")
@answers(409)
def case_clear(request: HttpRequest, case_id: int, body: ClearIn):
    _require(request, DECIDE_CASES)
    case = risk_case_clear(case_id=case_id, actor_id=request.auth.id, note=body.note)
    return _case_out(_case(case.pk), evidence=True)


@router.post("/risk/cases/{case_id}/confirm", response=CaseDetailOut, summary="确认风险案件（冲回佣金）")
@answers(409)
def case_confirm(request: HttpRequest, case_id: int, body: ConfirmIn):
    _require(request, DECIDE_CASES)
    case = risk_case_confirm(
        case_id=case_id,
        actor_id=request.auth.id,
        note=body.note,
        suspend=body.suspend_distributor,
        blacklist=body.blacklist_accounts,
    )
    return _case_out(_case(case.pk), evidence=True)


# -- blacklist ------------------------------------------------------------------------------


class BlacklistIn(Schema):
    kind: str
    value: Annotated[str, Field(max_length=300)]
    reason: Annotated[str, Field(max_length=200)] = ""


class BlacklistOut(Schema):
    id: int
    kind: str
    kind_label: str
    value: str
    reason: str
    case_id: int | None
    created_by_id: int | None
    created_at: datetime


class BlacklistPageOut(Schema):
    count: int
    page: int
    page_size: int
    items: list[BlacklistOut]


class BlacklistQuery(Schema):
    kind: str | None = None
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


def _entry_out(entry: BlacklistEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "kind": entry.kind,
        "kind_label": entry.get_kind_display(),
        "value": entry.value,
        "reason": entry.reason,
        "case_id": entry.case_id,
        "created_by_id": entry.created_by_id,
        "created_at": entry.created_at,
    }


@router.get("/risk/blacklist", response=BlacklistPageOut, summary="黑名单")
def blacklist_list(request: HttpRequest, query: Query[BlacklistQuery]):
    _require(request, VIEW_BLACKLIST)
    qs = BlacklistEntry.objects.order_by("-id")
    if query.kind:
        qs = qs.filter(kind=query.kind)
    found = paginate(qs, page=query.page, page_size=query.page_size)
    audit_record(
        actor_id=request.auth.id, action="risk.blacklist_view", target_type="blacklist", summary="查看黑名单（接口）"
    )
    return {
        "count": found.count,
        "page": found.page,
        "page_size": found.page_size,
        "items": [_entry_out(e) for e in found.items],
    }


@router.post("/risk/blacklist", response={201: BlacklistOut}, summary="加入黑名单")
@answers(409)
def blacklist_create(request: HttpRequest, body: BlacklistIn):
    _require(request, EDIT_BLACKLIST)
    entry = blacklist_add(kind=body.kind, value=body.value, reason=body.reason, actor_id=request.auth.id)
    return Status(201, _entry_out(entry))


@router.delete("/risk/blacklist/{entry_id}", response={204: None}, summary="移出黑名单")
def blacklist_delete(request: HttpRequest, entry_id: int):
    _require(request, "risk.delete_blacklistentry")
    blacklist_remove(entry_id=entry_id, actor_id=request.auth.id)
    return Status(204, None)


# -- thresholds -----------------------------------------------------------------------------


class RiskSettingsOut(Schema):
    ring_min_accounts: int
    ring_window_days: int
    refund_min_orders: int
    refund_max_bps: int
    refund_window_days: int
    burst_max_first_orders: int
    invite_max_per_cluster: int
    updated_at: datetime


class RiskSettingsIn(Schema):
    ring_min_accounts: int | None = None
    ring_window_days: int | None = None
    refund_min_orders: int | None = None
    refund_max_bps: int | None = None
    refund_window_days: int | None = None
    burst_max_first_orders: int | None = None
    invite_max_per_cluster: int | None = None


@router.get("/risk/settings", response=RiskSettingsOut, summary="风控阈值")
def settings_get(request: HttpRequest):
    _require(request, "risk.view_risksettings")
    row = risk_settings()
    return {**risk_settings_values(row), "updated_at": row.updated_at}


@router.put("/risk/settings", response=RiskSettingsOut, summary="修改风控阈值")
def settings_put(request: HttpRequest, body: RiskSettingsIn):
    _require(request, EDIT_SETTINGS)
    row = risk_settings_update(actor_id=request.auth.id, changes=body.model_dump(exclude_none=True))
    return {**risk_settings_values(row), "updated_at": row.updated_at}
