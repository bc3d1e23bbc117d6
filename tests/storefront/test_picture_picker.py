"""Pictures on the H5 complaint and after-sales forms: a file picker that uploads through the H5
upload URL (session cookie + CSRF header) and fills hidden ``photos`` fields; the forms keep
working without JavaScript, and only pictures uploaded here are taken."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from fenxiao.accounts.uploads import is_served_picture
from fenxiao.orders.models import AfterSale
from fenxiao.risk.models.complaints import Complaint
from tests.distribution.support import make_distributor
from tests.order_support import mark_paid, place_order

pytestmark = pytest.mark.django_db

UPLOAD = reverse("storefront:image_upload")


def png() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 200)).save(out, "PNG")
    out.seek(0)
    out.name = "photo.png"
    return out


def assert_picker(page: str) -> None:
    picker = re.search(r"<div[^>]*data-picture-picker[^>]*>.*?</p>\s*</div>", page, re.S)
    assert picker, page
    assert f'data-upload-url="{UPLOAD}"' in picker.group(0) and 'data-max="9"' in picker.group(0)
    file_input = re.search(r'<input type="file"[^>]*>', picker.group(0)).group(0)
    assert 'accept="image/*"' in file_input and "multiple" in file_input
    assert " name=" not in file_input  # without the script the form posts no file
    assert '<script src="/static/storefront/uploads.js" defer></script>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script: the CSP forbids them


def test_the_complaint_form_uploads_pictures_and_files_them(shopper):
    seller = make_distributor("ivy")
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(shopper)
    form = phone.get(reverse("storefront:complaint_new"))
    assert_picker(form.content.decode())
    token = form.cookies["csrftoken"].value

    assert phone.post(UPLOAD, {"file": png()}).status_code == 403  # no CSRF header: refused
    answer = phone.post(UPLOAD, {"file": png()}, headers={"X-CSRFToken": token})
    assert answer.status_code == 201, answer.content
    url = answer.json()["url"]
    assert is_served_picture(url)

    response = phone.post(
        reverse("storefront:complaint_new"),
        {
            "csrfmiddlewaretoken": token,
            "category": "misleading",
            "content": "朋友圈宣传与实物不符",
            "distributor_code": seller.code,
            "photos": [url],
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.photos == [url]
    detail = phone.get(reverse("storefront:complaint_detail", args=[complaint.pk])).content.decode()
    assert f'<img src="{url}"' in detail


def test_the_upload_url_answers_json_errors_in_chinese(browser):
    refused = browser.post(UPLOAD, {"file": io.BytesIO(b"not a picture")})
    assert refused.status_code == 400
    assert refused.json()["code"] == "UPLOAD_NOT_IMAGE" and "JPG" in refused.json()["message"]

    anonymous = Client().post(UPLOAD, {"file": png()})
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "UNAUTHORIZED"


def test_a_foreign_picture_link_is_refused_on_the_complaint_form(browser):
    seller = make_distributor("jade")
    response = browser.post(
        reverse("storefront:complaint_new"),
        {
            "category": "other",
            "content": "x",
            "distributor_code": seller.code,
            "photos": "https://evil.example.com/a.jpg",
        },
        follow=True,
    )
    assert "请通过本商城上传图片" in response.content.decode()
    assert not Complaint.objects.exists()


def test_the_after_sale_form_takes_uploaded_pictures(browser, shopper, sku):
    order = mark_paid(place_order(shopper, (sku.id, 1)))
    line = order.lines.get()
    form = browser.get(f"/orders/{order.id}/after-sale/").content.decode()
    assert_picker(form)
    url = browser.post(UPLOAD, {"file": png()}).json()["url"]

    browser.post(
        f"/orders/{order.id}/after-sale/",
        {"kind": "refund_only", "reason": "不想要了", "line": line.id, f"qty_{line.id}": 1, "photos": [url]},
    )

    assert AfterSale.objects.get().photos == [url]
