"""Complaint services on the database: filing (a distributor, an own order), the due time, the
operator's reply and resolution, each with its audit entry, and the refusals with their codes."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from fenxiao.core.errors import Conflict, NotFound
from fenxiao.risk.complaints.errors import ComplaintError
from fenxiao.risk.complaints.selectors import (
    complaint_counts,
    complaint_is_overdue,
    complaint_list_for_operator,
)
from fenxiao.risk.complaints.services import complaint_create, complaint_reply, complaint_resolve
from fenxiao.risk.models import AuditEntry
from fenxiao.risk.models.complaints import ComplaintStatus
from tests.catalog_factories import SkuFactory
from tests.order_support import place_order
from tests.support import served_picture

pytestmark = pytest.mark.django_db


def file(shopper, seller, **kw):
    values = {"category": "misleading", "content": "夸大功效，承诺包治百病", "distributor_user_id": seller.user_id}
    return complaint_create(complainant=shopper, **{**values, **kw})


def test_a_complaint_about_a_distributor_is_due_in_48_hours_and_audited(shopper, seller):
    # given a shopper, when they complain about a distributor
    complaint = file(shopper, seller, photos=[served_picture(1)])
    # then it waits for the operator for 48 hours, and the filing is on the audit log
    assert complaint.status == ComplaintStatus.OPEN
    assert abs(complaint.due_at - (timezone.now() + timedelta(hours=48))) < timedelta(seconds=5)
    assert AuditEntry.objects.filter(action="complaint_create", target_id=str(complaint.pk)).exists()
    assert complaint_counts(user_ids=[seller.user_id]) == {seller.user_id: {"total": 1, "open": 1}}


def test_the_due_time_is_a_setting(shopper, seller, settings):
    settings.COMPLAINT_DUE = timedelta(hours=24)
    complaint = file(shopper, seller)
    assert abs(complaint.due_at - (timezone.now() + timedelta(hours=24))) < timedelta(seconds=5)


def test_an_unanswered_complaint_becomes_overdue_and_leads_the_queue(shopper, seller):
    # given two complaints filed a day apart
    with time_machine.travel(timezone.now() - timedelta(days=3)):
        old = file(shopper, seller)
    new = file(shopper, seller, category="harassment")
    # then the old one is overdue and listed first; the overdue filter keeps only it
    assert complaint_is_overdue(old) and not complaint_is_overdue(new)
    page = complaint_list_for_operator(status="open", page=1, page_size=20)
    assert [c.pk for c in page.items] == [old.pk, new.pk]
    assert [c.pk for c in complaint_list_for_operator(status=None, overdue=True, page=1, page_size=20).items] == [
        old.pk
    ]
    # and once resolved it is no longer overdue
    resolved = complaint_resolve(complaint_id=old.pk, by=seller.user, outcome="resolved", resolution="已处理")
    assert not complaint_is_overdue(resolved)


def test_reply_then_resolve_and_nothing_after(shopper, seller, operator):
    complaint = file(shopper, seller)
    complaint = complaint_reply(complaint_id=complaint.pk, by=operator, content="已收到，正在核实")
    assert complaint.status == ComplaintStatus.REPLIED and complaint.replies.count() == 1
    complaint = complaint_resolve(complaint_id=complaint.pk, by=operator, outcome="rejected", resolution="经核实不属实")
    assert complaint.status == ComplaintStatus.REJECTED and complaint.closed_at is not None
    assert set(AuditEntry.objects.filter(target_type="complaint").values_list("action", flat=True)) == {
        "complaint_create",
        "complaint_reply",
        "complaint_resolve",
    }
    with pytest.raises(Conflict) as err:
        complaint_reply(complaint_id=complaint.pk, by=operator, content="再回复")
    assert err.value.code == "COMPLAINT_CLOSED"
    with pytest.raises(Conflict):
        complaint_resolve(complaint_id=complaint.pk, by=operator, outcome="resolved", resolution="再完结")


def test_a_complaint_about_an_order_must_be_about_the_shoppers_own(shopper, seller):
    sku = SkuFactory(price_fen=1_000, stock=10, weight_g=100)
    mine = place_order(shopper, (sku.id, 1))
    complaint = complaint_create(complainant=shopper, category="product", content="货不对板", order_id=mine.pk)
    assert complaint.order_id == mine.pk and complaint.distributor_user_id is None
    with pytest.raises(NotFound):
        complaint_create(complainant=seller.user, category="product", content="货不对板", order_id=mine.pk)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"category": "bribery"}, "COMPLAINT_CATEGORY_INVALID"),
        ({"content": "  "}, "COMPLAINT_CONTENT_REQUIRED"),
        ({"content": "长" * 1001}, "COMPLAINT_CONTENT_TOO_LONG"),
        ({"photos": [served_picture(n) for n in range(10)]}, "COMPLAINT_TOO_MANY_PHOTOS"),
        ({"photos": ["https://img.example.com/1.jpg"]}, "COMPLAINT_PHOTO_FOREIGN"),
        ({"photos": [served_picture(1).replace("testserver", "evil.example.com")]}, "COMPLAINT_PHOTO_FOREIGN"),
        ({"distributor_user_id": None}, "COMPLAINT_TARGET_REQUIRED"),
    ],
)
def test_bad_complaints_are_refused_with_their_code(shopper, seller, changes, code):
    with pytest.raises(ComplaintError) as err:
        file(shopper, seller, **changes)
    assert err.value.code == code


def test_nobody_complains_about_themself(seller):
    with pytest.raises(ComplaintError) as err:
        file(seller.user, seller)
    assert err.value.code == "COMPLAINT_TARGET_SELF"


def test_resolution_needs_an_outcome_and_a_text(shopper, seller, operator):
    complaint = file(shopper, seller)
    with pytest.raises(ComplaintError) as err:
        complaint_resolve(complaint_id=complaint.pk, by=operator, outcome="open", resolution="x")
    assert err.value.code == "COMPLAINT_OUTCOME_INVALID"
    with pytest.raises(ComplaintError) as err:
        complaint_resolve(complaint_id=complaint.pk, by=operator, outcome="resolved", resolution="")
    assert err.value.code == "COMPLAINT_RESOLUTION_REQUIRED"
