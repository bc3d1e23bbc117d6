"""The distribution console, through Django's test client logged in as an operator: the settings
page refuses what the rules refuse (naming the rule, changing nothing) and audit-logs what it
saves; tiers and product commission save through the same services; the application and
withdrawal queues call the enrolment and withdrawal services, with the ledger effect checked;
lists render their figures in one query per page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.distribution import accounts
from fenxiao.distribution.binding import referral_bind
from fenxiao.distribution.config import distribution_settings
from fenxiao.distribution.enrolment import application_submit, distributor_create
from fenxiao.distribution.models import (
    ApplicationStatus,
    CommissionRecord,
    CommissionStatus,
    DistributionSettings,
    Distributor,
    DistributorApplication,
    DistributorStatus,
    ProductCommission,
    Tier,
    Withdrawal,
    WithdrawalStatus,
)
from fenxiao.distribution.settlement import commission_settle_batch
from fenxiao.distribution.withdrawals import withdrawal_request
from fenxiao.ledger.selectors import account_balance
from fenxiao.ledger.services import ledger_post
from fenxiao.orders.services import order_confirm_receipt
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.risk.models import AuditEntry
from tests.catalog_factories import ProductFactory, SkuFactory
from tests.factories import UserFactory
from tests.order_support import address_for, mark_paid, place_order

pytestmark = pytest.mark.django_db

SETTINGS_URL = reverse("admin:distribution_distributionsettings_change", args=[1])
DISTRIBUTORS = reverse("admin:distribution_distributor_changelist")
APPLICATIONS = reverse("admin:distribution_distributorapplication_changelist")
WITHDRAWALS = reverse("admin:distribution_withdrawal_changelist")
BANK = {"bank_name": "招商银行", "bank_account_name": "张三", "bank_account_no": "6225880012345678"}


@pytest.fixture
def staff(db) -> User:
    return User.objects.create(username="operator", is_staff=True, is_superuser=True)


@pytest.fixture
def console(staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def make_distributor(real_name: str = "张三", phone: str = "13812345678", **user) -> Distributor:
    person = UserFactory(**user)
    return distributor_create(user_id=person.id, source="apply", real_name=real_name, phone=phone)


def seed_available(distributor: Distributor, fen: int) -> None:
    ledger_post(
        kind="test_seed",
        reference=f"test:seed:{distributor.id}:{fen}",
        legs=[(accounts.available(distributor.id), fen), (accounts.COMMISSION_EXPENSE, -fen)],
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def listed(response) -> list[int]:
    assert response.status_code == 200
    return [row.pk for row in response.context["cl"].result_list]


def step_url(model: str, obj, step: str) -> str:
    return reverse(f"admin:distribution_{model}_step", args=[obj.pk, step])


# ---- settings -----------------------------------------------------------------------------------


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
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_settings_list_opens_the_single_row_which_cannot_be_added_or_deleted(console):
    response = console.get(reverse("admin:distribution_distributionsettings_changelist"))

    assert response.status_code == 302
    assert response["Location"] == SETTINGS_URL
    assert console.get(reverse("admin:distribution_distributionsettings_add")).status_code == 403
    assert console.get(reverse("admin:distribution_distributionsettings_delete", args=[1])).status_code == 403


def test_settings_page_shows_yuan_percent_checkboxes_and_the_level3_warning(console):
    distribution_settings()
    page = console.get(SETTINGS_URL)

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="cap_percent" value="30"' in html
    assert 'name="withdraw_auto_approve_max_yuan" value="200.00"' in html
    assert 'type="checkbox" name="activity_invite"' in html and 'name="activity_commission"' not in html
    assert 'id="level3-warning"' in html and "超过三级属于传销" in html
    # the default 金牌 pays 15% + 8%: legal, above the 20% line, shown before anything is changed
    assert "金牌」各级佣金比例合计23%" in html


def test_saving_valid_settings_changes_them_and_writes_one_audit_entry(console, staff):
    response = console.post(
        SETTINGS_URL,
        settings_form(cap_percent="25.5", withdraw_min_yuan="2", activity_seckill="on", activity_invite=None),
        follow=True,
    )

    assert response.status_code == 200
    row = DistributionSettings.objects.get(pk=1)
    assert (row.cap_bps, row.withdraw_min_fen, row.updated_by) == (2550, 200, staff)
    assert row.activity_commission == {"seckill": True, "group_buy": True, "invite": False}
    entry = AuditEntry.objects.get(action="distribution.settings_update")
    assert entry.actor == staff
    assert set(entry.changes) == {"cap_bps", "withdraw_min_fen", "activity_commission"}
    assert entry.changes["cap_bps"] == {"from": 3000, "to": 2550}
    assert any("23%" in m and "20%" in m for m in messages_of(response))  # the >20% warning, as a message


def test_saving_level3_with_the_switch_warns_about_compliance(console):
    response = console.post(SETTINGS_URL, settings_form(levels="3", level3_enabled="on"), follow=True)

    row = DistributionSettings.objects.get(pk=1)
    assert (row.levels, row.level3_enabled) == (3, True)
    assert any("三级分销合规风险提示" in m for m in messages_of(response))


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"levels": "3"}, "level3_enabled", "启用三级分销须先打开"),
        ({"levels": "4", "level3_enabled": "on"}, "levels", "最多三级分销"),
        ({"cap_percent": "20"}, None, "金牌」各级佣金比例合计23%，超过平台上限20%"),
        ({"cap_percent": "101"}, "cap_percent", "须在0%到100%之间"),
        ({"become_policy": "spend"}, "spend_threshold_yuan", "消费门槛须大于0元"),
        ({"withdraw_daily_limit_yuan": "0.50"}, "withdraw_daily_limit_yuan", "低于最低提现金额"),
        ({"withdraw_min_yuan": "-1"}, "withdraw_min_yuan", "最低提现金额不能为负数"),
    ],
)
def test_invalid_settings_are_refused_naming_the_rule_and_change_nothing(console, overrides, field, words):
    distribution_settings()
    before = list(DistributionSettings.objects.filter(pk=1).values())

    response = console.post(SETTINGS_URL, settings_form(**overrides))

    assert response.status_code == 200
    form = response.context["adminform"].form
    errors = form.non_field_errors() if field is None else form.errors.get(field, [])
    assert any(words in e for e in errors), form.errors
    assert list(DistributionSettings.objects.filter(pk=1).values()) == before
    assert not AuditEntry.objects.filter(action="distribution.settings_update").exists()


def test_settings_form_refuses_sub_fen_amounts_and_sub_basis_point_rates(console):
    response = console.post(SETTINGS_URL, settings_form(withdraw_min_yuan="1.005", cap_percent="12.345"))

    errors = response.context["adminform"].form.errors
    assert errors["withdraw_min_yuan"] == ["金额最多两位小数：1.005"]
    assert errors["cap_percent"] == ["比例最多两位小数：12.345"]


# ---- tiers and product commission ----------------------------------------------------------------


def tier_form(tier: Tier | None = None, **overrides) -> dict[str, str]:
    data = {"name": "钻石", "rank": "9", "level1_percent": "16", "level2_percent": "8", "level3_percent": "0",
            "min_sales_yuan": "10000", "min_customers": "30", "min_orders": "80"}  # fmt: skip
    if tier is not None:
        data.update(name=tier.name, rank=str(tier.rank), level1_percent=str(tier.level1_bps / 100),
                    level2_percent=str(tier.level2_bps / 100), level3_percent=str(tier.level3_bps / 100),
                    min_sales_yuan=str(tier.min_sales_fen // 100), min_customers=str(tier.min_customers),
                    min_orders=str(tier.min_orders))  # fmt: skip
    data.update(overrides)
    return data


def test_tier_list_and_a_valid_edit_through_tier_save(console, staff):
    basic = Tier.objects.get(rank=0)
    page = console.get(reverse("admin:distribution_tier_changelist")).content.decode()
    assert "10% / 5% / 0%" in page

    response = console.post(
        reverse("admin:distribution_tier_change", args=[basic.pk]),
        tier_form(basic, level1_percent="11.5", level2_percent="5", min_sales_yuan="0"),
    )

    assert response.status_code == 302
    basic.refresh_from_db()
    assert basic.rates_bps == (1150, 500, 0)
    entry = AuditEntry.objects.get(action="distribution.tier_update")
    assert entry.changes == {"level1_bps": {"from": 1000, "to": 1150}} and entry.actor == staff


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"level2_percent": "16"}, "须低于1级"),  # indirect ≥ direct
        ({"level1_percent": "25", "level2_percent": "10"}, "超过平台上限30%"),
        ({"level3_percent": "2"}, "3级未启用"),
    ],
)
def test_an_invalid_tier_is_refused_and_nothing_is_created(console, overrides, words):
    response = console.post(reverse("admin:distribution_tier_add"), tier_form(**overrides))

    assert response.status_code == 200
    assert any(words in e for e in response.context["adminform"].form.non_field_errors())
    assert not Tier.objects.filter(name="钻石").exists()
    assert not AuditEntry.objects.filter(action="distribution.tier_create").exists()


def test_a_tier_held_by_distributors_cannot_be_deleted(console):
    make_distributor()  # takes the default (rank 0) tier
    held, free = Tier.objects.get(rank=0), Tier.objects.get(rank=2)

    assert console.get(reverse("admin:distribution_tier_delete", args=[held.pk])).status_code == 403
    assert console.post(reverse("admin:distribution_tier_delete", args=[free.pk]), {"post": "yes"}).status_code == 302
    assert not Tier.objects.filter(pk=free.pk).exists()
    assert AuditEntry.objects.filter(action="distribution.tier_delete", target_id=str(free.pk)).exists()


def test_product_commission_set_refused_and_cleared_through_the_services(console, staff):
    product = ProductFactory()
    add = reverse("admin:distribution_productcommission_add")
    base = {"product": str(product.pk), "mode": "rate", "level1_percent": "8", "level2_percent": "8"}

    assert 'class="vForeignKeyRawIdAdminField"' in console.get(add).content.decode()

    refused = console.post(add, base)
    assert any("须低于1级" in e for e in refused.context["adminform"].form.non_field_errors())
    assert not ProductCommission.objects.exists()

    assert console.post(add, {**base, "level2_percent": "4"}).status_code == 302
    override = ProductCommission.objects.get(product=product)
    assert (override.level1_bps, override.level2_bps, override.level3_bps) == (800, 400, 0)

    fixed = console.post(
        reverse("admin:distribution_productcommission_change", args=[override.pk]),
        {"mode": "fixed", "level1_fixed_yuan": "5", "level2_fixed_yuan": "6"},
    )
    errors = fixed.context["adminform"].form.errors
    assert errors["level2_fixed_yuan"] == ["间接佣金必须低于上一级佣金（每件固定金额）"]

    console.post(reverse("admin:distribution_productcommission_delete", args=[override.pk]), {"post": "yes"})
    assert not ProductCommission.objects.exists()
    actions = list(AuditEntry.objects.filter(actor=staff).order_by("id").values_list("action", flat=True))
    assert actions == ["distribution.product_commission_set", "distribution.product_commission_clear"]


# ---- distributors --------------------------------------------------------------------------------


@pytest.fixture
def settled_sale(staff, django_capture_on_commit_callbacks):
    """A customer bound to 张三 buys 100 yuan; the order is received and the freeze has passed:
    张三 has one level-1 customer, 100 yuan of settled sales and 10 yuan of commission."""
    seller = make_distributor()
    buyer = UserFactory(nickname="顾客甲")
    address_for(buyer)
    referral_bind(user_id=buyer.id, code=seller.code, source="link")
    sku = SkuFactory(price_fen=10_000, stock=10)
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(buyer, (sku.id, 1))
    with django_capture_on_commit_callbacks(execute=True):
        mark_paid(order)
    with django_capture_on_commit_callbacks(execute=True):
        order_ship(order_id=order.id, by=staff, carrier_code="SF", tracking_no="SF1234567890", lines=None)
    with django_capture_on_commit_callbacks(execute=True):
        order_confirm_receipt(order_id=order.id, by=buyer)
    commission_settle_batch(now=timezone.now() + timedelta(days=8))
    return seller, order


def test_distributor_list_shows_team_sales_and_commission_in_one_query_per_page(console, settled_sale):
    seller, _order = settled_sale
    record = CommissionRecord.objects.get(distributor=seller)
    assert (record.status, record.amount_fen) == (CommissionStatus.SETTLED, 1000)

    response = console.get(DISTRIBUTORS)

    row = next(r for r in response.context["cl"].result_list if r.pk == seller.pk)
    assert (row.team_size, row.settled_sales_fen, row.commission_fen) == (1, 10_000, 1000)
    html = response.content.decode()
    assert "138****5678" in html and "13812345678" not in html
    assert "100.00" in html and "10.00" in html

    with CaptureQueriesContext(connection) as one:
        console.get(DISTRIBUTORS)
    for n in range(3):
        make_distributor(phone=f"1390000000{n}")
    with CaptureQueriesContext(connection) as four:
        assert len(listed(console.get(DISTRIBUTORS))) == 4
    assert len(four) == len(one)

    assert listed(console.get(DISTRIBUTORS, {"q": seller.code})) == [seller.pk]
    assert listed(console.get(DISTRIBUTORS, {"q": "13812345678"})) == [seller.pk]
    assert seller.pk not in listed(console.get(DISTRIBUTORS, {"status__exact": "suspended"}))
    detail = console.get(reverse("admin:distribution_distributor_change", args=[seller.pk])).content.decode()
    assert "可提现佣金：10.00 元" in detail and 'name="_save"' not in detail


def test_commission_records_are_read_only_and_filter_by_status_level_and_order(console, settled_sale):
    seller, order = settled_sale
    url = reverse("admin:distribution_commissionrecord_changelist")

    assert len(listed(console.get(url, {"status__exact": "settled", "level__exact": "1"}))) == 1
    assert listed(console.get(url, {"status__exact": "pending"})) == []
    assert len(listed(console.get(url, {"q": order.order_no}))) == 1
    assert len(listed(console.get(url, {"q": seller.code}))) == 1
    record = CommissionRecord.objects.get()
    detail = console.get(reverse("admin:distribution_commissionrecord_change", args=[record.pk]))
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()
    assert console.get(reverse("admin:distribution_commissionrecord_add")).status_code == 403


def test_referral_lists_search_by_user_and_show_the_order_chain(console, settled_sale):
    seller, order = settled_sale
    for model in ("referral", "referralchange"):
        url = reverse(f"admin:distribution_{model}_changelist")
        assert len(listed(console.get(url, {"q": "顾客甲"}))) == 1
        assert listed(console.get(url, {"q": "没有这个人"})) == []
    page = console.get(reverse("admin:distribution_orderreferral_changelist"), {"q": order.order_no})
    assert len(listed(page)) == 1 and f"1级 {seller.code}" in page.content.decode()


def test_suspend_asks_for_a_reason_and_resume_is_a_list_action(console, staff):
    distributor = make_distributor()
    url = step_url("distributor", distributor, "suspend")
    assert url in console.get(DISTRIBUTORS).content.decode()

    blank = console.post(url, {"reason": "  "})
    assert blank.status_code == 200 and blank.context["form"].errors["reason"]

    response = console.post(url, {"reason": "刷单嫌疑"}, follow=True)
    distributor.refresh_from_db()
    assert (distributor.status, distributor.suspend_reason) == (DistributorStatus.SUSPENDED, "刷单嫌疑")
    assert any("已暂停" in m for m in messages_of(response))
    assert AuditEntry.objects.filter(action="distribution.distributor_suspend", actor=staff).exists()

    again = console.post(url, {"reason": "再次"})
    assert "该分销商已被暂停" in again.context["form"].non_field_errors()

    console.post(DISTRIBUTORS, {"action": "resume_selected", "_selected_action": [distributor.pk]})
    distributor.refresh_from_db()
    assert distributor.status == DistributorStatus.ACTIVE


def test_bulk_suspend_shows_the_reason_page_then_suspends_each(console):
    first, second = make_distributor(), make_distributor(phone="13900000000")
    selection = {"action": "suspend_selected", "_selected_action": [first.pk, second.pk]}

    page = console.post(DISTRIBUTORS, selection)
    assert page.status_code == 200 and first.code in page.content.decode()
    assert Distributor.objects.filter(status=DistributorStatus.SUSPENDED).count() == 0

    console.post(DISTRIBUTORS, {**selection, "apply": "1", "reason": "违规宣传"})
    assert Distributor.objects.filter(status=DistributorStatus.SUSPENDED, suspend_reason="违规宣传").count() == 2


# ---- applications ---------------------------------------------------------------------------------


def apply(name: str, phone: str) -> DistributorApplication:
    return application_submit(user_id=UserFactory().id, real_name=name, phone=phone, reason="想分享好物")


def test_application_queue_opens_on_pending_and_bulk_approves(console, staff):
    first, second = apply("李四", "13900000001"), apply("王五", "13900000002")
    done = apply("赵六", "13900000003")
    console.post(APPLICATIONS, {"action": "approve_selected", "_selected_action": [done.pk]})

    assert sorted(listed(console.get(APPLICATIONS))) == sorted([first.pk, second.pk])
    assert listed(console.get(APPLICATIONS, {"status": "approved"})) == [done.pk]
    assert len(listed(console.get(APPLICATIONS, {"status": "all"}))) == 3
    assert "139****0001" in console.get(APPLICATIONS).content.decode()
    assert "待审核 (2)" in console.get(APPLICATIONS, {"_facets": "True"}).content.decode()

    response = console.post(
        APPLICATIONS, {"action": "approve_selected", "_selected_action": [first.pk, second.pk]}, follow=True
    )

    assert Distributor.objects.filter(user_id__in=[first.user_id, second.user_id]).count() == 2
    assert DistributorApplication.objects.filter(status=ApplicationStatus.APPROVED, reviewed_by=staff).count() == 3
    assert any("已通过 2 条" in m for m in messages_of(response))
    assert Distributor.objects.get(user_id=first.user_id).real_name == "李四"


def test_reject_asks_for_a_reason_and_a_reviewed_application_is_refused(console, staff):
    application = apply("李四", "13900000001")
    url = step_url("distributorapplication", application, "reject")

    assert console.post(url, {"reason": ""}).context["form"].errors["reason"]
    console.post(url, {"reason": "资料不实"})

    application.refresh_from_db()
    assert (application.status, application.reject_reason) == (ApplicationStatus.REJECTED, "资料不实")
    assert not Distributor.objects.filter(user_id=application.user_id).exists()
    assert AuditEntry.objects.filter(action="distribution.application_reject", actor=staff).exists()
    # approving it now is the service's refusal, shown on the page
    again = console.post(step_url("distributorapplication", application, "approve"))
    assert "该申请已处理，不能重复审核" in again.context["form"].non_field_errors()

    response = console.post(
        reverse("admin:distribution_distributorapplication_changelist") + "?status=all",
        {"action": "approve_selected", "_selected_action": [application.pk]},
        follow=True,
    )
    assert any("未能通过" in m and "该申请已处理" in m for m in messages_of(response))


# ---- withdrawals ----------------------------------------------------------------------------------


@pytest.fixture
def bank_withdrawal() -> Withdrawal:
    """500 yuan asked for by bank transfer, above the 200-yuan auto-approve line: under review."""
    distributor = make_distributor()
    seed_available(distributor, 80_000)
    withdrawal = withdrawal_request(user_id=distributor.user_id, amount_fen=50_000, method="bank", bank=BANK)
    assert withdrawal.status == WithdrawalStatus.REVIEWING
    return withdrawal


def balances(distributor_id: int) -> tuple[int, int]:
    return account_balance(accounts.available(distributor_id)), account_balance(accounts.withdrawing(distributor_id))


def test_withdrawal_queue_opens_on_reviewing_with_masked_card_numbers(console, bank_withdrawal):
    response = console.get(WITHDRAWALS)

    assert listed(response) == [bank_withdrawal.pk]
    html = response.content.decode()
    assert "**** 5678" in html and BANK["bank_account_no"] not in html
    assert "500.00" in html
    assert listed(console.get(WITHDRAWALS, {"status": "paid"})) == []
    detail = console.get(reverse("admin:distribution_withdrawal_change", args=[bank_withdrawal.pk])).content.decode()
    assert BANK["bank_account_no"] in detail  # the operator paying it needs the whole number
    assert step_url("withdrawal", bank_withdrawal, "approve") in detail
    assert step_url("withdrawal", bank_withdrawal, "mark-paid") not in detail


def test_approve_then_mark_bank_paid_moves_the_money_out(console, staff, bank_withdrawal):
    distributor_id = bank_withdrawal.distributor_id
    assert balances(distributor_id) == (30_000, 50_000)

    console.post(WITHDRAWALS, {"action": "approve_selected", "_selected_action": [bank_withdrawal.pk]})
    bank_withdrawal.refresh_from_db()
    assert (bank_withdrawal.status, bank_withdrawal.reviewed_by) == (WithdrawalStatus.APPROVED, staff)

    url = step_url("withdrawal", bank_withdrawal, "mark-paid")
    assert console.post(url, {"reference": ""}).context["form"].errors["reference"]
    response = console.post(url, {"reference": "HX20240501001"}, follow=True)

    bank_withdrawal.refresh_from_db()
    assert (bank_withdrawal.status, bank_withdrawal.paid_reference) == (WithdrawalStatus.PAID, "HX20240501001")
    assert balances(distributor_id) == (30_000, 0)
    assert account_balance(accounts.PAYOUT) == 50_000
    assert any("已标记已打款" in m for m in messages_of(response))
    assert AuditEntry.objects.filter(action="distribution.withdrawal_mark_paid", actor=staff).exists()
    refused = console.post(step_url("withdrawal", bank_withdrawal, "reject"), {"reason": "晚了"})
    assert "该提现已进入打款流程，不能驳回" in refused.context["form"].non_field_errors()


def test_reject_returns_the_money_to_available(console, staff, bank_withdrawal):
    url = step_url("withdrawal", bank_withdrawal, "reject")
    assert console.post(url, {"reason": " "}).context["form"].errors["reason"]

    console.post(url, {"reason": "户名与实名不一致"})

    bank_withdrawal.refresh_from_db()
    assert (bank_withdrawal.status, bank_withdrawal.reject_reason) == (WithdrawalStatus.REJECTED, "户名与实名不一致")
    assert balances(bank_withdrawal.distributor_id) == (80_000, 0)
    assert AuditEntry.objects.filter(action="distribution.withdrawal_reject", actor=staff).exists()


def test_bulk_reject_asks_for_one_reason(console, bank_withdrawal):
    selection = {"action": "reject_selected", "_selected_action": [bank_withdrawal.pk]}

    page = console.post(WITHDRAWALS, selection)
    assert page.status_code == 200 and "驳回原因" in page.content.decode()
    console.post(WITHDRAWALS, {**selection, "apply": "1", "reason": "资料不全"})

    bank_withdrawal.refresh_from_db()
    assert bank_withdrawal.status == WithdrawalStatus.REJECTED
    assert balances(bank_withdrawal.distributor_id) == (80_000, 0)


def test_a_settings_page_left_open_while_a_colleague_saved_cannot_overwrite_their_change(console):
    import re

    page = console.get(SETTINGS_URL).content.decode()
    loaded_at = re.search(r'name="loaded_at" value="([^"]+)"', page).group(1)
    first = console.post(SETTINGS_URL, settings_form(freeze_days="9", loaded_at=loaded_at), follow=True)
    assert first.status_code == 200 and DistributionSettings.objects.get(pk=1).freeze_days == 9

    stale = console.post(SETTINGS_URL, settings_form(freeze_days="7", withdraw_min_yuan="3", loaded_at=loaded_at))

    assert "已被他人修改" in stale.content.decode()
    row = DistributionSettings.objects.get(pk=1)
    assert (row.freeze_days, row.withdraw_min_fen) == (9, 100)
