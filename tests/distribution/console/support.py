"""What the console tests share: the admin's URLs, a distributor with money to withdraw, the
settings form as the browser fills it in, and readers of the answer pages."""

from __future__ import annotations

from django.urls import reverse

from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.models import Distributor
from fenxiao.distribution.network.enrolment import distributor_create
from fenxiao.ledger.services import ledger_post
from tests.factories import UserFactory

SETTINGS_URL = reverse("admin:distribution_distributionsettings_change", args=[1])
DISTRIBUTORS = reverse("admin:distribution_distributor_changelist")
APPLICATIONS = reverse("admin:distribution_distributorapplication_changelist")
WITHDRAWALS = reverse("admin:distribution_withdrawal_changelist")
BANK = {"bank_name": "招商银行", "bank_account_name": "张三", "bank_account_no": "6225880012345678"}


def make_distributor(real_name: str = "张三", phone: str = "13812345678", **user) -> Distributor:
    person = UserFactory(**user)
    return distributor_create(user_id=person.id, source="apply", real_name=real_name, phone=phone)


def seed_available(distributor: Distributor, fen: int) -> None:
    ledger_post(
        kind="test_seed",
        reference=f"test:seed:{distributor.id}:{fen}",
        legs=[(ledger_accounts.available(distributor.id), fen), (ledger_accounts.COMMISSION_EXPENSE, -fen)],
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [row.pk for row in response.context["cl"].result_list]


def step_url(model: str, obj, step: str) -> str:
    return reverse(f"admin:distribution_{model}_step", args=[obj.pk, step])


def settings_form(**overrides) -> dict[str, str]:
    """The settings page as it is filled in by default, with ``overrides``; booleans as the browser
    sends them (present when ticked)."""
    data = {
        "become_policy": "apply",
        "spend_threshold_yuan": "0.00",
        "binding_policy": "first_touch",
        "rebind_after_days": "30",
        "bind_on": "visit",
        "levels": "2",
        "cap_percent": "30",
        "freeze_days": "7",
        "activity_group_buy": "on",
        "activity_invite": "on",
        "withdraw_min_yuan": "1.00",
        "withdraw_fee_percent": "0",
        "withdraw_fee_min_yuan": "0.00",
        "withdraw_daily_limit_yuan": "5000.00",
        "withdraw_auto_approve_max_yuan": "200.00",
        "identity_required_over_yuan": "5000.00",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
