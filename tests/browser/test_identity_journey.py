"""Real name before money leaves, in a real browser (375x667): a withdrawal past the threshold is
refused with a link to the real-name form, which brings the distributor back to withdraw; the
real-name and yearly income pages fit the phone without console errors (``phones``)."""

from __future__ import annotations

import re

import pytest

from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.models import DistributorIdentity, Withdrawal
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import distributor_create
from tests.browser.support import sandbox_shopper, shelf_sku
from tests.distribution.centre_support import settle
from tests.distribution.support import make_user, paid_order, receive

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("fresh_transfer_gateway")]


def test_a_refused_withdrawal_leads_to_real_name_and_back(phones, operator, commit):
    # given a distributor with ¥300 of settled commission and a real-name threshold of ¥100
    settings_update(actor_id=operator.id, changes={"identity_required_over_fen": 10_000})
    user = sandbox_shopper("dina", "丁娜")
    distributor = distributor_create(user_id=user.id, source="apply", real_name="丁娜", phone="13800138000")
    buyer = make_user("erin")
    referral_bind(user_id=buyer.id, code=distributor.code, source="link")
    order = paid_order(commit, buyer, (shelf_sku("羊绒围巾", price_fen=300_000).id, 1))
    receive(commit, order)
    settle(order)

    # when they ask for ¥150
    phone = phones()
    phone.login("sandbox-dina", "/centre/withdraw/")
    page = phone.page
    page.fill("input[name=amount]", "150")
    page.click("#withdraw-submit")

    # then the refusal says why and offers the real-name form
    assert "需先完成实名认证" in page.inner_text("#withdraw-error")
    page.click("#withdraw-identity-link")
    page.wait_for_url(re.compile(r"/centre/identity/\?next=withdraw$"))
    assert phone.overflow() == 0

    # and once given (after a typo in the number), the distributor is back to withdraw
    page.fill("input[name=real_name]", "丁娜")
    page.fill("input[name=id_number]", "110105194912310021")
    page.click("#identity-submit")
    assert "校验位不正确" in page.inner_text("#identity-error")
    assert page.input_value("input[name=id_number]") == ""  # the number is never echoed back
    page.fill("input[name=id_number]", "11010519491231002X")
    page.click("#identity-submit")
    page.wait_for_url(re.compile(r"/centre/withdraw/$"))
    page.fill("input[name=amount]", "150")
    page.click("#withdraw-submit")
    page.wait_for_url(re.compile(r"/centre/withdrawals/\d+/$"))
    assert Withdrawal.objects.filter(distributor=distributor, amount_fen=15_000).exists()
    assert DistributorIdentity.objects.get(distributor=distributor).number_masked == "1101**********002X"

    # and the real-name and income pages show masks and the year, fitting the phone
    page = phone.open("/centre/identity/")
    assert "1101**********002X" in page.inner_text("#identity-status")
    assert phone.overflow() == 0
    page = phone.open("/centre/income/")
    assert page.locator("#income-quarters tr").count() == 5
    assert phone.overflow() == 0
