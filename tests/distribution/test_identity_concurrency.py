"""The real-name threshold under real concurrency, on PostgreSQL: ten withdrawals at once, each
under the threshold but together far over it, never let a distributor without real name take
more than the threshold (the gate is checked with the distributor row locked)."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from fenxiao.core.errors import DomainError
from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.models import Withdrawal
from fenxiao.distribution.withdrawals.requests import withdrawal_request
from fenxiao.ledger.services import ledger_post
from tests.concurrency import run_together
from tests.distribution.support import assert_ledger_clean, make_distributor
from tests.factories import StaffUserFactory

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]
BANK = {"bank_name": "招商银行", "bank_account_name": "王五", "bank_account_no": "6225880212345678"}


def test_concurrent_withdrawals_never_pass_the_real_name_threshold_together(db):
    settings_update(actor_id=StaffUserFactory().id, changes={"identity_required_over_fen": 100_000})
    walt = make_distributor("walt-identity", real_name="王五")
    ledger_post(
        kind="test_seed",
        reference=f"test:identity-race:{walt.id}",
        legs=[(ledger_accounts.available(walt.id), 1_000_000), (ledger_accounts.COMMISSION_EXPENSE, -1_000_000)],
    )

    results = run_together(
        lambda _: withdrawal_request(user_id=walt.user_id, amount_fen=30_000, method="bank", bank=BANK), 10
    )

    refused = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, DomainError) and r.code == "WITHDRAW_IDENTITY_REQUIRED" for r in refused), refused
    assert len(refused) == 7  # 3 × ¥300 fit under ¥1000; a fourth would pass it
    assert Withdrawal.objects.filter(distributor=walt).aggregate(total=Sum("amount_fen"))["total"] == 90_000
    assert_ledger_clean()
