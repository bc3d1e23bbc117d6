"""The operator's queues of people in the console: distributors (figures in one query per page,
suspend and resume), their commission records and referrals (read only), and the application
queue calling the enrolment services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from fenxiao.distribution.commission.settlement import commission_settle_batch
from fenxiao.distribution.models import (
    ApplicationStatus,
    CommissionRecord,
    CommissionStatus,
    Distributor,
    DistributorApplication,
    DistributorStatus,
)
from fenxiao.distribution.network.binding import referral_bind
from fenxiao.distribution.network.enrolment import application_submit
from fenxiao.orders.services import order_confirm_receipt
from fenxiao.orders.shipping.shipments import order_ship
from fenxiao.risk.models import AuditEntry
from tests.catalog_factories import SkuFactory
from tests.distribution.console.support import (
    APPLICATIONS,
    DISTRIBUTORS,
    listed,
    make_distributor,
    messages_of,
    step_url,
)
from tests.factories import UserFactory
from tests.order_support import address_for, mark_paid, place_order

pytestmark = pytest.mark.django_db


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
    queue = console.get(APPLICATIONS).content.decode()
    assert "139****0001" in queue
    assert "李*" in queue and "李四" not in queue  # real names masked in lists (issue 19 §3)
    assert "待审核 (2)" in console.get(APPLICATIONS, {"_facets": "True"}).content.decode()

    response = console.post(
        APPLICATIONS, {"action": "approve_selected", "_selected_action": [first.pk, second.pk]}, follow=True
    )

    assert Distributor.objects.filter(user_id__in=[first.user_id, second.user_id]).count() == 2
    assert DistributorApplication.objects.filter(status=ApplicationStatus.APPROVED, reviewed_by=staff).count() == 3
    assert any("已通过 2 条" in m for m in messages_of(response))
    assert Distributor.objects.get(user_id=first.user_id).real_name == "李四"
    distributors = console.get(DISTRIBUTORS).content.decode()
    assert "李*" in distributors and "李四" not in distributors


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
