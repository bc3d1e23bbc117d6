"""A picture attached to a complaint in a real browser: the H5 form's picker uploads it
(``storefront/uploads.js``, under the Content-Security-Policy), shows it, and the complaint is filed
with the picture the mall now serves."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from fenxiao.accounts.uploads import is_served_picture
from fenxiao.risk.models.complaints import Complaint
from tests.browser.support import sandbox_shopper
from tests.distribution.support import make_distributor

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_shopper_attaches_a_picture_to_a_complaint(phone, tmp_path):
    # given a signed-in shopper, a distributor's code and a photo on the phone
    sandbox_shopper("alice", "小艾同学")
    seller = make_distributor("kate")
    photo = tmp_path / "evidence.png"
    buffer = io.BytesIO()
    Image.new("RGB", (900, 600), "#c0392b").save(buffer, "PNG")
    photo.write_bytes(buffer.getvalue())
    phone.login("sandbox-alice", f"/complaints/new/?code={seller.code}")
    page = phone.open(f"/complaints/new/?code={seller.code}")

    # when they pick it
    page.set_input_files("[data-picture-input]", str(photo))
    page.wait_for_selector(".picture-thumb img")

    # then it was uploaded and shows as a thumbnail with a hidden field
    url = page.get_attribute(".picture-thumb input[name=photos]", "value")
    assert is_served_picture(url)
    thumbnail = page.locator(".picture-thumb img")
    expect(thumbnail).to_have_js_property("complete", True)  # loaded, or failed: naturalWidth tells
    assert thumbnail.evaluate("img => img.naturalWidth") > 0

    # and the complaint is filed with it
    page.select_option("select[name=category]", "misleading")
    page.fill("textarea[name=content]", "朋友圈截图宣称包治百病")
    page.click("#complaint-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert Complaint.objects.get().photos == [url]
    assert page.locator(f'img[src="{url}"]').count() == 1
