"""The 合规报告 admin page: who may open it, where it is linked, what it shows (the same rules and
figures as the service), a bad period answered in Chinese, and the print stylesheet."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from fenxiao.accounts.models import User
from fenxiao.distribution.models import Tier
from fenxiao.risk.models import AuditEntry

URL = "/admin/distribution/compliancereportpage/"


def _console(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def officer(db) -> User:
    user = User.objects.create(username="officer", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_compliance_report"))
    return user


def test_the_page_shows_every_rule_passed_and_the_network(officer):
    page = _console(officer).get(URL, {"from": "2026-11-01", "to": "2026-11-30"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "✓ 全部规则通过" in html
    assert html.count('class="cr-ok"') == 7
    for key in ("levels", "indirect_rates", "total_cap", "no_entry_fee", "tiers_not_recruiting", "invite_rewards"):
        assert f'data-check="{key}"' in html
    assert "《直销管理条例》第二十四条" in html
    assert '<dd id="cr-deepest">统计期内无佣金</dd>' in html
    assert "没有分销商三级以内下线达到30人" in html
    assert "distribution/compliance_report.css" in html  # the print stylesheet
    assert 'id="cr-print"' in html
    assert AuditEntry.objects.filter(action="compliance_report.view", actor=officer).count() == 1


def test_a_broken_rule_shows_as_failed_with_its_evidence(officer):
    Tier.objects.filter(rank=0).update(level1_bps=1000, level2_bps=1200)
    html = _console(officer).get(URL).content.decode()
    assert "✗ 存在未通过的规则" in html
    assert '<tr data-check="indirect_rates" class="cr-bad">' in html
    assert "二级12%不低于一级10%" in html


def test_the_page_is_linked_from_the_admin_home_and_nav(officer):
    home = _console(officer).get("/admin/").content.decode()
    assert f'href="{URL}"' in home and "合规报告" in home


def test_staff_without_the_permission_cannot_open_or_see_it(db):
    clerk = User.objects.create(username="clerk", is_staff=True)
    console = _console(clerk)
    assert console.get(URL).status_code == 403
    assert URL not in console.get("/admin/").content.decode()


@pytest.mark.parametrize(
    ("params", "says"),
    [
        ({"from": "2026-11-30", "to": "2026-11-01"}, "开始日期不能晚于结束日期"),
        ({"from": "not-a-day"}, "开始日期："),
    ],
)
def test_a_bad_period_is_answered_in_chinese_without_a_report(officer, params, says):
    page = _console(officer).get(URL, params)
    assert page.status_code == 200
    html = page.content.decode()
    assert says in html
    assert 'id="cr-checks"' not in html
    assert not AuditEntry.objects.filter(action="compliance_report.view").exists()
