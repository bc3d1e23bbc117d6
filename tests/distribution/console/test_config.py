"""The merchant's configuration in the console: the settings page refuses what the rules refuse
(naming the rule, changing nothing) and audit-logs what it saves, and a page left open cannot
overwrite a colleague's change; tiers and product commission save through the same services."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fenxiao.distribution.config.settings import distribution_settings
from fenxiao.distribution.models import (
    DistributionSettings,
    ProductCommission,
    Tier,
)
from fenxiao.risk.models import AuditEntry
from tests.catalog_factories import ProductFactory
from tests.distribution.console.support import (
    SETTINGS_URL,
    make_distributor,
    messages_of,
    settings_form,
)

pytestmark = pytest.mark.django_db


# ---- settings -----------------------------------------------------------------------------------


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
