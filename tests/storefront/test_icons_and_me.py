"""我的 with icons: the order shortcuts (icons, and badges that count what waits for the shopper),
the 邀请有礼 entry and its page, the 分销中心 grid drawn with Lucide icons, and the ``{% icon %}``
tag itself (inline SVG, coloured by CSS, hidden from screen readers, loud when an icon is missing)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse

from fenxiao.orders.models import Order, OrderStatus
from fenxiao.storefront.icons import IconMissing, icon_svg
from fenxiao.storefront.views.auth import ORDER_SHORTCUTS
from tests.distribution.support import make_distributor
from tests.order_support import place_order
from tests.promotions.invites.support import accept, make_campaign, make_user, reward_template

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def block(body: str, element_id: str) -> str:
    """The markup of the link with ``id``, from its ``<a`` to its text's end."""
    start = body.rindex("<a ", 0, body.index(f'id="{element_id}"'))
    return body[start : body.index("</a>", start)]


# -- the tag ---------------------------------------------------------------------------------


def test_an_icon_is_inline_svg_coloured_by_css_and_hidden_from_screen_readers():
    html = Template('{% load storefront %}<b>{% icon "wallet" %}</b>').render(Context())

    assert html.startswith('<b><svg class="icon icon-wallet"')
    assert 'stroke="currentColor"' in html and 'aria-hidden="true"' in html
    assert "<path" in html and "<!--" not in html  # the licence comment is dropped, the drawing kept


@pytest.mark.parametrize("name", ["no-such-icon", "../settings", "Wallet"])
def test_an_icon_that_is_not_installed_fails_loudly(name):
    with pytest.raises(IconMissing):
        Template("{% load storefront %}{% icon name %}").render(Context({"name": name}))


def test_every_icon_the_pages_name_is_installed():
    # given the icon names written in the H5 templates and the order shortcuts
    templates = Path(__file__).resolve().parents[2] / "src/fenxiao/storefront/templates"
    named = {m for f in templates.rglob("*.html") for m in re.findall(r'{% icon "([a-z0-9-]+)" %}', f.read_text())}
    named |= {icon for _key, icon in ORDER_SHORTCUTS} | {"undo-2"}
    # then each of them renders (the Makefile's ICONS copied it)
    assert len(named) >= 15
    for name in named:
        assert icon_svg(name).startswith("<svg")


# -- 我的 ------------------------------------------------------------------------------------


def test_me_shows_the_order_shortcuts_with_icons_and_what_waits_for_the_shopper(browser, shopper, sku):
    # given two unpaid orders and one paid, and one completed long ago
    place_order(shopper, (sku.id, 1))
    place_order(shopper, (sku.id, 1))
    paid = place_order(shopper, (sku.id, 1))
    Order.objects.filter(pk=paid.pk).update(status=OrderStatus.PAID)
    done = place_order(shopper, (sku.id, 1))
    Order.objects.filter(pk=done.pk).update(status=OrderStatus.COMPLETED)

    # when the shopper opens 我的
    body = text(browser.get(reverse("storefront:me")))

    # then each shortcut has its icon and label, and the badges count what waits for them
    labels = {"pending_payment": "待付款", "to_ship": "待发货", "to_receive": "待收货", "completed": "已完成"}
    for key, label in labels.items():
        item = block(body, f"me-order-{key}")
        assert f'href="{reverse("storefront:orders")}?tab={key}"' in item
        assert "<svg" in item and item.endswith(label)
    assert '<b class="badge">2</b>' in block(body, "me-order-pending_payment")
    assert '<b class="badge">1</b>' in block(body, "me-order-to_ship")
    assert "badge" not in block(body, "me-order-to_receive")
    assert "badge" not in block(body, "me-order-completed")  # history, not a task
    after_sales = block(body, "me-order-after_sales")
    assert f'href="{reverse("storefront:aftersales")}"' in after_sales and "<svg" in after_sales


def test_me_links_to_the_invite_page(browser):
    body = text(browser.get(reverse("storefront:me")))

    entry = block(body, "me-invite")
    assert f'href="{reverse("storefront:invite")}"' in entry and "邀请有礼" in entry and "icon-gift" in entry


# -- 邀请有礼 --------------------------------------------------------------------------------


def test_the_invite_page_shows_my_code_the_rewards_and_my_friends_masked():
    # given a running campaign and a friend who accepted my code
    campaign = make_campaign(
        inviter_template=reward_template("邀请奖励 满100减20", amount_fen=2_000, threshold_fen=10_000),
        invitee_template=reward_template("新人奖励 无门槛10元", kind="no_threshold", amount_fen=1_000, threshold_fen=0),
    )
    me = make_user("invite-h5-qiang", nickname="阿强", phone="13900001111")
    friend = make_user("invite-h5-mei", nickname="新人小美", phone="13700002222")
    invite = accept(friend, me)
    client = Client()
    client.force_login(me)

    # when I open 邀请有礼
    body = text(client.get(reverse("storefront:invite")))

    # then my code, both rewards and the rules are there, and the friend is masked
    assert invite.code in body
    assert campaign.name in body and "邀请奖励 满100减20" in body and "新人奖励 无门槛10元" in body
    assert re.search(r'id="invite-invited">1<', body)
    assert "13700002222" not in body and "137****2222" in body
    assert "新人小美" not in body


def test_the_invite_page_makes_a_code_on_the_first_visit_and_keeps_it(browser):
    first = re.search(r'id="invite-code">(\w+)<', text(browser.get(reverse("storefront:invite")))).group(1)
    again = re.search(r'id="invite-code">(\w+)<', text(browser.get(reverse("storefront:invite")))).group(1)

    assert first == again and len(first) == 8
    assert "当前暂无邀请活动" in text(browser.get(reverse("storefront:invite")))


def test_the_invite_page_asks_a_visitor_to_log_in():
    response = Client().get(reverse("storefront:invite"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("storefront:login"))


# -- 分销中心 ---------------------------------------------------------------------------------


def test_the_centre_grid_draws_each_tool_with_an_icon_not_a_character():
    client = Client()
    client.force_login(make_distributor("icon-dina").user)

    body = text(client.get(reverse("storefront:centre")))

    grid = body[body.index('class="card centre-grid"') : body.index("</nav>", body.index("centre-grid"))]
    items = re.findall(r"<a [^>]*>(.*?)</a>", grid, re.S)
    assert len(items) >= 8
    for item in items:
        assert re.match(r'<span class="ic"><svg class="icon icon-[a-z0-9-]+"', item), item
