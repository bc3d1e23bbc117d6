"""The admin home: the figures above the app list for staff, each linking to the admin list that
holds exactly the records behind it; nothing for anyone else."""

from __future__ import annotations

import html
from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.test import Client

from fenxiao.analytics.dashboard import dashboard_for
from fenxiao.analytics.metrics.figures import figures_get
from fenxiao.analytics.periods import DayRange
from fenxiao.analytics.rollups.rebuild import rollups_rebuild
from tests.analytics.conftest import NOW
from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():
    return StaffUserFactory(is_superuser=True)


def console(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_home_page_shows_the_figures_above_the_apps(shop, operator):
    with time_machine.travel(NOW, tick=False):
        page = console(operator).get("/admin/")
        tiles = dashboard_for(operator)

    body = page.content.decode()
    assert page.status_code == 200
    assert body.index('id="dashboard"') < body.index('id="content-main"')
    assert "今日" in body and "本月" in body and "待处理" in body
    assert "<b>33.33</b><span>GMV（元）</span>" in body and "<b>299.99</b><span>GMV（元）</span>" in body
    assert "<b>2</b><span>待审核提现</span>" in body
    for tile in [*tiles.today, *tiles.month, *tiles.queues]:
        assert f'href="{html.escape(tile.url)}"' in body


def test_each_figure_links_to_exactly_its_records(shop, operator):
    client = console(operator)
    with time_machine.travel(NOW, tick=False):
        tiles = dashboard_for(operator)
        assert len(tiles.today) == len(tiles.month) == 4 and len(tiles.queues) == 5
        for tile in [*tiles.today, *tiles.month, *tiles.queues]:
            response = client.get(tile.url)
            assert response.status_code == 200, tile
            listed = response.context["cl"]
            assert "e" not in response.context["request"].GET, tile  # Django did not drop a bad filter
            if tile.label.startswith("GMV"):
                paid = sum(o.paid_fen for o in listed.queryset)
                assert f"{paid // 100}.{paid % 100:02d}" == tile.value, tile
            else:
                assert listed.result_count == int(tile.value), tile


def test_an_operator_sees_only_the_figures_of_lists_they_may_open(shop):
    clerk = StaffUserFactory()
    clerk.user_permissions.add(Permission.objects.get(codename="view_withdrawal"))
    with time_machine.travel(NOW, tick=False):
        page = console(clerk).get("/admin/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "待审核提现" in body
    assert "GMV" not in body and "待审核售后" not in body and "新增用户" not in body


def test_a_shopper_gets_the_login_page_not_the_figures(shop):
    page = console(UserFactory()).get("/admin/")
    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")
    anonymous = Client().get("/admin/")
    assert anonymous.status_code == 302 and "GMV" not in anonymous.content.decode()


def test_the_data_centre_glance_compares_today_so_far_with_yesterday(shop, operator):
    with time_machine.travel(NOW, tick=False):
        # The rollups follow the events after commit, which a test transaction never reaches.
        rollups_rebuild(first=date(2026, 10, 1), last=date(2026, 11, 2))
        body = html.unescape(console(operator).get("/admin/").content.decode())
        today = figures_get(DayRange(date(2026, 11, 2), date(2026, 11, 2)))
        yesterday = figures_get(DayRange(date(2026, 11, 1), date(2026, 11, 1)))

    glance = body[body.index('id="datacentre-glance"') : body.index("</section>")]
    assert today.gmv_fen == 3_333 and yesterday.gmv_fen == 26_666  # 00:10 today; 00:30 and 23:59 yesterday
    assert '<b>¥33.33</b><span>GMV</span><small>昨日 ¥266.66 <em class="fx-change fx-down">↓ 87.50%</em>' in glance
    assert '<b>1</b><span>付款订单数</span><small>昨日 2 <em class="fx-change fx-down">↓ 50.00%</em>' in glance
    assert 'href="/admin/analytics/datacentre/?range=7d"' in glance


def test_only_operators_who_may_open_the_data_centre_see_its_glance(shop):
    clerk = StaffUserFactory()
    clerk.user_permissions.add(Permission.objects.get(codename="view_order"))
    with time_machine.travel(NOW, tick=False):
        body = console(clerk).get("/admin/").content.decode()
    assert "GMV（元）" in body and 'id="datacentre-glance"' not in body
