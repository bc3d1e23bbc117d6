"""Every row lock distribution takes, in one place (as Saleor's ``warehouse/lock_objects.py``), so
the order in which a transaction takes them can be read here rather than reconstructed.

Lock order. A transaction that takes more than one of these takes them top to bottom, and never
goes back up; rows of one kind are locked by ascending id (or rank):

1. the settings row (pk=1), alone;
2. the tier rows, all of them, by rank;
3. the product commission override of one product;
4. a distributor application, then the distributor its approval creates;
5. a distributor row (by id, or the caller's by their user): enrolment, shop and withdrawal
   requests take it first, so one person's requests queue here;
6. a user's pending share (``ReferralTouch``), then their binding (``Referral``); order
   placement takes these after the order's own rows and stock (orders' lock order comes first);
7. an order's referral snapshot (``OrderReferral``), the claim that books its commission once;
8. commission records, by id (refund sync locks one line's; settlement claims due ones, on
   PostgreSQL in its own ``FOR UPDATE SKIP LOCKED`` statement);
9. a withdrawal row;
10. then the ledger's accounts (``ledger_post`` locks them by id), always last.

A row named by id that must exist raises its own not-found error here; a row that may not exist
yet (a share, a binding, a snapshot, an override) comes back as ``None``."""

from __future__ import annotations

from django.db import connection
from django.db.models import QuerySet

from fenxiao.core.errors import NotFound
from fenxiao.distribution.errors import NotADistributor
from fenxiao.distribution.models import (
    CommissionRecord,
    DistributionSettings,
    Distributor,
    DistributorApplication,
    OrderReferral,
    ProductCommission,
    Referral,
    ReferralTouch,
    Tier,
    Withdrawal,
)


def lock_settings() -> DistributionSettings:
    """The settings row; the caller makes sure it exists first."""
    return DistributionSettings.objects.select_for_update().get(pk=1)


def lock_tiers() -> list[Tier]:
    """The whole tier table, by rank: its rules span all tiers, so a change locks them all."""
    return list(Tier.objects.select_for_update().order_by("rank"))


def lock_product_commission(product_id: int) -> ProductCommission | None:
    return ProductCommission.objects.select_for_update().filter(product_id=product_id).first()


def lock_application(application_id: int) -> DistributorApplication:
    application = DistributorApplication.objects.select_for_update().filter(pk=application_id).first()
    if application is None:
        raise NotFound("APPLICATION_NOT_FOUND", "申请不存在")
    return application


def lock_distributor(distributor_id: int) -> Distributor:
    distributor = Distributor.objects.select_for_update().filter(pk=distributor_id).first()
    if distributor is None:
        raise NotFound("DISTRIBUTOR_NOT_FOUND", "分销商不存在")
    return distributor


def lock_distributor_of_user(user_id: int) -> Distributor:
    """The caller's own distributor row: one request at a time per distributor."""
    distributor = Distributor.objects.select_for_update().filter(user_id=user_id).first()
    if distributor is None:
        raise NotADistributor()
    return distributor


def lock_referral_touch(user_id: int) -> ReferralTouch | None:
    return ReferralTouch.objects.select_for_update().filter(user_id=user_id).first()


def lock_referral(user_id: int) -> Referral | None:
    return Referral.objects.select_for_update().filter(user_id=user_id).first()


def lock_order_referral(order_id: int) -> OrderReferral | None:
    return OrderReferral.objects.select_for_update().filter(order_id=order_id).first()


def lock_line_commission(order_line_id: int) -> list[CommissionRecord]:
    """One order line's records, by id."""
    return list(CommissionRecord.objects.select_for_update().filter(order_line_id=order_line_id).order_by("id"))


def lock_commission_as_read(query: QuerySet[CommissionRecord]) -> QuerySet[CommissionRecord]:
    """``query`` locking the records it reads (only them, not the rows it joins), where the
    database has row locks; the caller orders it by id."""
    if connection.features.has_select_for_update:
        return query.select_for_update(of=("self",))
    return query


def lock_withdrawal(withdrawal_id: int) -> Withdrawal:
    withdrawal = Withdrawal.objects.select_for_update().filter(pk=withdrawal_id).first()
    if withdrawal is None:
        raise NotFound("WITHDRAWAL_NOT_FOUND", "提现记录不存在")
    return withdrawal
