"""The complaint queue in the console: overdue highlighted, reply and resolve through their pages,
the distributor suspended or a risk case opened from the complaint (audited), and the count on the
distributor list."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fenxiao.distribution.models import Distributor, DistributorStatus
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.risk.cases.services import held_order_ids
from fenxiao.risk.complaints.services import complaint_create
from fenxiao.risk.models import AuditEntry
from fenxiao.risk.models.cases import CaseKind, CaseStatus, RiskCase
from fenxiao.risk.models.complaints import Complaint, ComplaintStatus
from tests.catalog_factories import SkuFactory
from tests.distribution.support import paid_order
from tests.order_support import place_order

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:risk_complaint_changelist")


@pytest.fixture
def console(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


def step(complaint: Complaint, name: str) -> str:
    return reverse("admin:risk_complaint_step", args=[complaint.pk, name])


def file(shopper, seller, **kw) -> Complaint:
    return complaint_create(
        complainant=shopper, category="misleading", content="虚假宣传", distributor_user_id=seller.user_id, **kw
    )


def test_queue_highlights_the_overdue(console, shopper, seller):
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        old = file(shopper, seller)
    file(shopper, seller)
    page = console.get(QUEUE)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count("已超时") >= 1 and old.complaint_no in html
    overdue = console.get(QUEUE, {"state": "overdue"})
    assert [c.pk for c in overdue.context["cl"].result_list] == [old.pk]


def test_reply_resolve_and_suspend_from_the_complaint(console, shopper, seller, operator):
    complaint = file(shopper, seller)
    assert console.get(reverse("admin:risk_complaint_change", args=[complaint.pk])).status_code == 200

    assert console.post(step(complaint, "reply"), {"content": "正在核实"}).status_code == 302
    assert console.post(step(complaint, "suspend"), {"reason": "多次虚假宣传"}).status_code == 302
    seller.refresh_from_db()
    assert seller.status == DistributorStatus.SUSPENDED and complaint.complaint_no in seller.suspend_reason
    assert console.post(step(complaint, "resolve"), {"outcome": "resolved", "resolution": "已暂停"}).status_code == 302

    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.RESOLVED and complaint.replies.count() == 1
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"complaint_reply", "complaint_resolve", "complaint_suspend_distributor"} <= actions
    assert "distribution.distributor_suspend" in actions
    # a second suspend is refused on the page, not a 500
    again = console.post(step(complaint, "suspend"), {"reason": "再次"})
    assert again.status_code == 200 and "该分销商已被暂停" in again.content.decode()


def test_a_complaint_becomes_a_risk_case_that_holds_the_orders_commission(console, shopper, seller, commit):
    # given the shopper's order was referred by the seller, and they complain about both
    referral_bind(user_id=shopper.id, code=seller.code, source="link")
    sku = SkuFactory(price_fen=10_000, stock=10, weight_g=100)
    order = paid_order(commit, shopper, (sku.id, 1))
    complaint = file(shopper, seller, order_id=order.pk)

    # when the operator files it with the risk team
    response = console.post(step(complaint, "risk_case"), {"reason": "疑似刷单"})

    # then a manual case about the seller holds the order, with the complaint as its evidence
    assert response.status_code == 302
    case = RiskCase.objects.get(subject_user_id=seller.user_id)
    assert (case.kind, case.status) == (CaseKind.MANUAL, CaseStatus.OPEN)
    assert case.evidence["signals"][0]["complaint_no"] == complaint.complaint_no
    assert held_order_ids([order.pk]) == {order.pk}
    entry = AuditEntry.objects.get(action="complaint_open_risk_case")
    assert entry.changes["risk_case_id"] == case.pk


def test_a_complaint_without_a_distributor_cannot_become_a_risk_case(console, shopper):
    sku = SkuFactory(price_fen=1_000, stock=10, weight_g=100)
    mine = place_order(shopper, (sku.id, 1))
    complaint = complaint_create(complainant=shopper, category="product", content="货不对板", order_id=mine.pk)
    response = console.post(step(complaint, "risk_case"), {"reason": "疑似刷单"})
    assert response.status_code == 200 and "该投诉没有指向分销商" in response.content.decode()
    assert not RiskCase.objects.exists()


def test_an_empty_reply_is_a_form_error(console, shopper, seller):
    complaint = file(shopper, seller)
    response = console.post(step(complaint, "reply"), {"content": ""})
    assert response.status_code == 200 and complaint.replies.count() == 0


def test_distributor_list_counts_and_sorts_by_complaints(console, shopper, seller):
    file(shopper, seller)
    file(shopper, seller)
    page = console.get(reverse("admin:distribution_distributor_changelist"), {"o": "-8"})
    assert page.status_code == 200
    rows = {d.pk: d.complaint_count for d in page.context["cl"].result_list}
    assert rows[seller.pk] == 2
    assert f"distributor_user={seller.user_id}" in page.content.decode()
    linked = console.get(QUEUE, {"distributor_user": seller.user_id, "state": "all"})
    assert len(linked.context["cl"].result_list) == 2
    assert Distributor.objects.count() >= 1
