"""The H5 centre's real-name and yearly income pages: the form answers with masks only and never
echoes the number back; a withdrawal refused for want of real name links to the form, which
brings the distributor back to the withdrawal; the income page shows the year by quarter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from fenxiao.distribution import ledger_accounts
from fenxiao.distribution.config.settings import settings_update
from fenxiao.distribution.models import DistributorIdentity
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.ledger.services import ledger_post
from tests.catalog_factories import SkuFactory
from tests.distribution.support import make_distributor, make_user, paid_order
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def dist(db):
    return make_distributor("sun", real_name="孙七")


def test_the_form_saves_and_shows_masks_only(dist):
    client = client_for(dist.user)
    assert "未实名" in client.get("/centre/identity/").content.decode()

    bad = client.post("/centre/identity/", {"real_name": "孙七", "id_number": "110105194912310021"})
    assert "校验位不正确" in bad.content.decode() and "110105194912310021" not in bad.content.decode()

    done = client.post("/centre/identity/", {"real_name": "孙七", "id_number": ID_NUMBER}, follow=True)
    html = done.content.decode()
    assert "已实名" in html and "1101**********002X" in html and ID_NUMBER not in html
    assert DistributorIdentity.objects.filter(distributor=dist).exists()


def test_a_withdrawal_refused_for_real_name_leads_to_the_form_and_back(dist):
    settings_update(actor_id=StaffUserFactory().id, changes={"identity_required_over_fen": 1_000})
    ledger_post(
        kind="test_seed",
        reference=f"test:h5-fund:{dist.id}",
        legs=[(ledger_accounts.available(dist.id), 10_000), (ledger_accounts.COMMISSION_EXPENSE, -10_000)],
    )
    client = client_for(dist.user)
    form = {"amount": "50", "method": "bank", "bank_name": "招商银行", "bank_account_name": "孙七",
            "bank_account_no": "6225880212345678"}  # fmt: skip

    refused = client.post("/centre/withdraw/", form).content.decode()
    assert "实名认证" in refused and 'id="withdraw-identity-link"' in refused

    back = client.post("/centre/identity/", {"real_name": "孙七", "id_number": ID_NUMBER, "next": "withdraw"})
    assert back.status_code == 302 and back["Location"] == "/centre/withdraw/"
    assert client.post("/centre/withdraw/", form).status_code == 302  # now accepted


def test_the_income_page_shows_the_year_by_quarter(commit, dist):
    sku = SkuFactory(price_fen=10_000, stock=100, weight_g=100)
    buyer = make_user("qian")
    referral_bind(user_id=buyer.id, code=dist.code, source="link")
    with time_machine.travel(datetime(2026, 8, 3, 2, tzinfo=UTC), tick=False):
        paid_order(commit, buyer, (sku.id, 1))

    html = client_for(dist.user).get("/centre/income/?year=2026").content.decode()

    assert "2026 年" in html and "2026Q3" in html and "10.00" in html
    assert client_for(dist.user).get("/centre/income/?year=bad").status_code == 200


def test_a_shopper_who_is_not_a_distributor_lands_on_the_centre(db):
    shopper = make_user("zhou")
    assert client_for(shopper).get("/centre/identity/").status_code == 302
    assert client_for(shopper).get("/centre/income/").status_code == 302
