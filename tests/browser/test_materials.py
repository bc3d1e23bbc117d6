"""素材库 on a phone (375x667): a distributor taps 一键复制, the text reaches the clipboard, the page
says 已复制 and the copy is counted, with no console error. A text-only material: the live server
does not serve the test's media folder."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fenxiao.content.models import Material
from fenxiao.distribution.network.enrolment import distributor_create
from tests.browser.support import sandbox_shopper
from tests.content.support import material

pytestmark = pytest.mark.django_db(transaction=True)

COPY = "早安！今天也要好好护肤🌞 好物都在我的小店～"


def test_a_distributor_copies_a_material_with_one_tap(phone):
    dora = sandbox_shopper("dora", "朵拉")
    distributor_create(user_id=dora.id, source="apply", real_name="朵拉", phone="13800138000")
    shown = material(title="早安文案", copy_text=COPY)
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=phone.base_url)

    phone.login("sandbox-dora", next_path="/centre/materials/")
    page = phone.open("/centre/materials/")
    assert page.viewport_size == {"width": 375, "height": 667}
    assert "早安文案" in page.inner_text("main")
    assert phone.overflow() == 0

    with page.expect_response(lambda r: r.url.endswith(f"/materials/{shown.id}/copied")) as answer:
        page.click(f"[data-copy='copy-{shown.id}']")
    assert answer.value.status == 200
    page.wait_for_selector("#toast .toast:has-text('已复制')")
    expect(page.locator(f"[data-copy-count='{shown.id}']")).to_have_text("1")
    assert page.evaluate("navigator.clipboard.readText()") == COPY
    assert Material.objects.get(pk=shown.id).copy_count == 1
