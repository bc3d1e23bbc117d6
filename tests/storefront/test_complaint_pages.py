"""投诉与建议 on the H5 pages: the entry in 我的 and on an order, filing about a distributor code or
an order, the list, and the detail with the operator's replies; someone else's complaint is a 404."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fenxiao.risk.complaints.services import complaint_reply
from fenxiao.risk.models.complaints import Complaint
from tests.distribution.support import make_distributor, make_user
from tests.order_support import mark_paid, place_order

pytestmark = pytest.mark.django_db


def test_me_and_an_order_link_to_complaints(browser, shopper, sku):
    assert reverse("storefront:complaints") in browser.get(reverse("storefront:me")).content.decode()
    order = mark_paid(place_order(shopper, (sku.id, 1)))
    page = browser.get(reverse("storefront:order_detail", args=[order.id])).content.decode()
    assert f"{reverse('storefront:complaint_new')}?order={order.id}" in page


def test_file_about_a_distributor_then_read_the_reply(browser, shopper, django_user_model):
    seller = make_distributor("gina")
    form = browser.get(reverse("storefront:complaint_new"))
    assert form.status_code == 200 and "虚假宣传" in form.content.decode()

    response = browser.post(
        reverse("storefront:complaint_new"),
        {"category": "misleading", "content": "朋友圈说能治病", "distributor_code": seller.code},
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "storefront:complaint_detail", args=[complaint.pk]
    )
    assert complaint.distributor_user_id == seller.user_id and complaint.complainant == shopper

    operator = django_user_model.objects.create(username="cs", is_staff=True)
    complaint_reply(complaint_id=complaint.pk, by=operator, content="已联系该分销商删除不实宣传")
    detail = browser.get(reverse("storefront:complaint_detail", args=[complaint.pk])).content.decode()
    assert "已联系该分销商删除不实宣传" in detail and "处理中" in detail
    listing = browser.get(reverse("storefront:complaints")).content.decode()
    assert complaint.complaint_no in listing and seller.code in listing


def test_file_about_an_order_and_bad_input_is_shown_in_chinese(browser, shopper, sku):
    order = mark_paid(place_order(shopper, (sku.id, 1)))
    page = reverse("storefront:complaint_new")
    assert order.order_no in browser.get(page, {"order": order.id}).content.decode()
    response = browser.post(page, {"category": "product", "content": "包装破损", "order_id": order.id})
    assert response.status_code == 302 and Complaint.objects.get().order_id == order.id

    response = browser.post(page, {"category": "other", "content": "x", "distributor_code": "NOPE"}, follow=True)
    assert "推广码无效" in response.content.decode()


def test_someone_elses_complaint_or_order_is_not_found(browser, shopper, sku):
    other = make_user("hank")
    other_order = mark_paid(place_order(other, (sku.id, 1)))
    assert browser.get(reverse("storefront:complaint_new"), {"order": other_order.id}).status_code == 404
    theirs = Complaint.objects.create(
        complaint_no="TS1",
        complainant=other,
        order=other_order,
        category="other",
        content="x",
        due_at=other_order.created_at,
    )
    assert browser.get(reverse("storefront:complaint_detail", args=[theirs.pk])).status_code == 404


def test_a_visitor_is_sent_to_log_in():
    response = Client().get(reverse("storefront:complaints"))
    assert response.status_code == 302 and "login" in response["Location"]
