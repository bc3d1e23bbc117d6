"""Real name before money leaves (issue 19 §3): a withdrawal that would take the distributor's
cumulative withdrawals (paid + in flight + this request; rejected and failed ones gave their money
back and do not count) past the operator's ``identity_required_over_fen`` is refused until they
have given their real name and ID number. Checked with the distributor row locked, like the daily
limit, so two requests at once cannot slip past it together."""

from __future__ import annotations

from django.db.models import Sum

from fenxiao.core.money import fen_to_yuan
from fenxiao.distribution.errors import DistributionConflict
from fenxiao.distribution.identity.services import identity_has
from fenxiao.distribution.models import Withdrawal, WithdrawalStatus

NOT_COUNTED = (WithdrawalStatus.FAILED, WithdrawalStatus.REJECTED)
IDENTITY_REQUIRED = "WITHDRAW_IDENTITY_REQUIRED"


def identity_needed(*, withdrawn_fen: int, amount_fen: int, threshold_fen: int) -> bool:
    """True when this request takes the cumulative total past the threshold."""
    return withdrawn_fen + amount_fen > threshold_fen


def withdrawn_total_fen(distributor_id: int) -> int:
    total = (
        Withdrawal.objects.filter(distributor_id=distributor_id)
        .exclude(status__in=NOT_COUNTED)
        .aggregate(total=Sum("amount_fen"))["total"]
    )
    return int(total or 0)


def identity_gate_check(*, distributor_id: int, amount_fen: int, threshold_fen: int) -> None:
    """Raise ``WITHDRAW_IDENTITY_REQUIRED`` (409) when real name is needed and missing."""
    withdrawn = withdrawn_total_fen(distributor_id)
    if not identity_needed(withdrawn_fen=withdrawn, amount_fen=amount_fen, threshold_fen=threshold_fen):
        return
    if identity_has(distributor_id):
        return
    raise DistributionConflict(
        IDENTITY_REQUIRED,
        f"累计提现超过 {fen_to_yuan(threshold_fen)} 元需先完成实名认证，请在分销中心填写真实姓名和身份证号",
    )
