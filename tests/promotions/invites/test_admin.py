"""The invite console through Django's test client as an operator: the campaign form checks the
same rules as the API and saves through the service, the list shows the report numbers, pausing
is an action, invitations are read only and show contacts in full."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.promotions.invites.models import Invite, InviteCampaign
from tests.promotions.invites.support import accept, complete, paid_order, ship_and_receive

pytestmark = pytest.mark.django_db


@pytest.fixture
def console(db) -> Client:
    client = Client()
    client.force_login(User.objects.create(username="invite-boss", is_staff=True, is_superuser=True))
    return client


def form(inviter_template, invitee_template, **overrides) -> dict:
    start = timezone.localtime() + timedelta(days=1)
    end = start + timedelta(days=7)
    return {
        "name": "双十一邀请",
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": end.strftime("%Y-%m-%d"),
        "ends_at_1": end.strftime("%H:%M:%S"),
        "inviter_template": inviter_template.pk,
        "invitee_template": invitee_template.pk,
        "max_rewards_per_inviter": "",
        "accept_within_hours": "48",
        "order_within_days": "15",
        "min_order_fen": "5000",
        **overrides,
    }


def test_add_and_change_through_the_form(console, inviter_template, invitee_template):
    assert console.get(reverse("admin:invites_invitecampaign_add")).status_code == 200
    res = console.post(reverse("admin:invites_invitecampaign_add"), form(inviter_template, invitee_template))
    assert res.status_code == 302, res.context["adminform"].form.errors if res.context else res
    c = InviteCampaign.objects.get()
    assert (c.name, c.status, c.accept_within_hours, c.max_rewards_per_inviter) == ("双十一邀请", "active", 48, None)

    change = reverse("admin:invites_invitecampaign_change", args=[c.pk])
    assert console.get(change).status_code == 200
    res = console.post(change, form(inviter_template, invitee_template, name="改名", max_rewards_per_inviter="5"))
    assert res.status_code == 302
    c.refresh_from_db()
    assert (c.name, c.max_rewards_per_inviter, InviteCampaign.objects.count()) == ("改名", 5, 1)


def as_form(c: InviteCampaign, **overrides) -> dict:
    """The change form as the console fills it in: times shown to the second."""
    start, end = timezone.localtime(c.starts_at), timezone.localtime(c.ends_at)
    return {
        **form(c.inviter_template, c.invitee_template),
        "name": c.name,
        "starts_at_0": start.strftime("%Y-%m-%d"),
        "starts_at_1": start.strftime("%H:%M:%S"),
        "ends_at_0": end.strftime("%Y-%m-%d"),
        "ends_at_1": end.strftime("%H:%M:%S"),
        "accept_within_hours": str(c.accept_within_hours),
        "order_within_days": str(c.order_within_days),
        "min_order_fen": str(c.min_order_fen),
        **overrides,
    }


def test_once_accepted_only_the_untouched_rules_stay_and_the_rest_may_change(console, campaign, inviter, newcomer):
    accept(newcomer, inviter)
    change = reverse("admin:invites_invitecampaign_change", args=[campaign.pk])
    starts_at = campaign.starts_at

    res = console.post(change, as_form(campaign, name="邀请有礼 第二季", max_rewards_per_inviter="3"))
    assert res.status_code == 302, res.context["adminform"].form.errors if res.context else res
    campaign.refresh_from_db()
    assert (campaign.name, campaign.max_rewards_per_inviter, campaign.starts_at) == ("邀请有礼 第二季", 3, starts_at)

    res = console.post(change, as_form(campaign, min_order_fen="100"))
    assert res.status_code == 200
    assert list(res.context["adminform"].form.non_field_errors()) == ["已有用户接受邀请，不能再修改：首单最低实付"]


def test_the_form_shows_every_broken_rule(console, inviter_template, invitee_template, campaign):
    res = console.post(
        reverse("admin:invites_invitecampaign_add"),
        form(inviter_template, invitee_template, ends_at_0="2000-01-01"),
    )
    assert res.status_code == 200
    assert list(res.context["adminform"].form.non_field_errors()) == ["结束时间必须晚于开始时间"]

    res = console.post(reverse("admin:invites_invitecampaign_add"), form(inviter_template, invitee_template))
    assert res.status_code == 200
    (error,) = res.context["adminform"].form.non_field_errors()
    assert "时间重叠" in error
    assert InviteCampaign.objects.count() == 1


def test_list_shows_the_report_and_pause_is_an_action(commit, console, campaign, inviter, newcomer, sku):
    accept(newcomer, inviter)
    complete(commit, ship_and_receive(commit, paid_order(commit, newcomer, sku.id)))

    url = reverse("admin:invites_invitecampaign_changelist")
    res = console.get(url)
    assert res.status_code == 200
    row = res.context["cl"].result_list[0]
    assert (row.n_invites, row.n_first_orders, row.n_rewarded, row.n_inviters) == (1, 1, 1, 1)
    assert "1.00" in res.content.decode()
    page = console.get(reverse("admin:invites_invitecampaign_change", args=[campaign.pk])).content.decode()
    assert "邀请 1 · 注册 1 · 首单 1" in page and "K 因子 1.00" in page

    res = console.post(url, {"action": "pause_selected", "_selected_action": [campaign.pk]})
    assert res.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "paused"


def test_invitations_are_read_only_and_show_contacts_in_full(console, campaign, inviter, newcomer):
    invite = accept(newcomer, inviter)
    res = console.get(reverse("admin:invites_invite_changelist"))
    assert res.status_code == 200
    assert "13700002222" in res.content.decode() and "13900001111" in res.content.decode()
    change = reverse("admin:invites_invite_change", args=[invite.pk])
    assert console.get(change).status_code == 200
    assert console.post(change, {}).status_code == 403
    assert Invite.objects.get(pk=invite.pk).status == "accepted"
    assert console.get(reverse("admin:invites_invitecode_changelist")).status_code == 200
