"""The distributor's real name and income statement (issue 19 §3, §5), under
``/api/v1/distribution``: ``GET/PUT /identity`` (masked answers only: the full number never leaves
the server once given) and ``GET /income-statement?year=2026``. Only about the caller: 403
``NOT_A_DISTRIBUTOR`` for anyone else."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field, StringConstraints

from fenxiao.accounts.auth import user_auth
from fenxiao.core.openapi_errors import answers
from fenxiao.distribution.centre.selectors import distributor_get_for_user
from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.identity.gate import withdrawn_total_fen
from fenxiao.distribution.identity.services import identity_masked, identity_submit
from fenxiao.distribution.tax.statement import income_statement, statement_year

router = Router(tags=["分销中心"], auth=user_auth)


class IdentityIn(Schema):
    real_name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]


class IdentityOut(Schema):
    verified: bool
    id_type: str | None
    id_type_label: str | None
    name_masked: str | None
    number_masked: str | None
    verified_at: datetime | None
    # What the rule is, so the page can say why it asks: real name before cumulative withdrawals
    # pass this amount; how much has been withdrawn (paid + in flight) so far.
    required_over_fen: int
    withdrawn_fen: int


def _identity_out(distributor_id: int) -> dict:
    masked = identity_masked(distributor_id=distributor_id)
    return {
        "verified": masked is not None,
        "id_type": masked.id_type if masked else None,
        "id_type_label": masked.id_type_label if masked else None,
        "name_masked": masked.name_masked if masked else None,
        "number_masked": masked.number_masked if masked else None,
        "verified_at": masked.verified_at if masked else None,
        "required_over_fen": distribution_settings().identity_required_over_fen,
        "withdrawn_fen": withdrawn_total_fen(distributor_id),
    }


@router.get("/identity", response=IdentityOut, summary="我的实名认证（脱敏）")
@answers(403)
def identity_get(request: HttpRequest):
    distributor = distributor_get_for_user(user=request.auth)
    return _identity_out(distributor.id)


@router.put("/identity", response=IdentityOut, summary="提交实名认证（真实姓名与身份证号）")
@answers(403, 409)
def identity_put(request: HttpRequest, body: IdentityIn):
    distributor = distributor_get_for_user(user=request.auth)
    identity_submit(user_id=request.auth.id, real_name=body.real_name, id_number=body.id_number)
    return _identity_out(distributor.id)


class StatementQuery(Schema):
    year: Annotated[str, StringConstraints(strip_whitespace=True, max_length=8)] = Field(
        "", description="四位年份，默认今年"
    )


class IncomeFiguresOut(Schema):
    commission_fen: int
    refunds_fen: int
    net_fen: int
    record_count: int
    withdrawals_paid_fen: int


class StatementQuarterOut(IncomeFiguresOut):
    quarter: str
    first_day: str
    last_day: str


class StatementOut(Schema):
    year: int
    quarters: list[StatementQuarterOut]
    total: IncomeFiguresOut
    definition: str


DEFINITION = (
    "按入账时间（北京时间）归属季度：佣金收入为订单付款时计入的佣金；退款冲减及追回为退款时冲减或追回的佣金，"
    "计入退款发生的季度；净收入 = 佣金收入 − 退款冲减及追回；已提现金额为当季到账的提现（含手续费）。"
)


def _figures(f) -> dict:
    return {
        "commission_fen": f.commission_fen,
        "refunds_fen": f.refunds_fen,
        "net_fen": f.net_fen,
        "record_count": f.record_count,
        "withdrawals_paid_fen": f.withdrawals_paid_fen,
    }


@router.get("/income-statement", response=StatementOut, summary="我的年度收入明细")
@answers(400, 403)
def statement(request: HttpRequest, q: Query[StatementQuery]):
    year = statement_year(q.year)
    distributor = distributor_get_for_user(user=request.auth)
    found = income_statement(distributor_id=distributor.id, year=year)
    return {
        "year": found.year,
        "quarters": [
            {
                "quarter": line.period.label,
                "first_day": line.period.first.isoformat(),
                "last_day": line.period.after.fromordinal(line.period.after.toordinal() - 1).isoformat(),
                **_figures(line.figures),
            }
            for line in found.quarters
        ],
        "total": _figures(found.total),
        "definition": DEFINITION,
    }
