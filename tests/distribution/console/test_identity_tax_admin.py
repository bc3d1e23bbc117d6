"""The admin for real name and the tax filing: identities masked in the list and on the page, the
full text only on a POST by staff holding the permission (audited, refusals too); the platform's
details checked and audited; the quarterly report downloaded and audited."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from fenxiao.accounts.models import User
from fenxiao.distribution.identity.services import identity_submit
from fenxiao.distribution.models import DistributorIdentity, TaxPlatform
from fenxiao.risk.models import AuditEntry
from tests.distribution.support import make_distributor

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"


@pytest.fixture
def identity(db):
    d = make_distributor("zhao", real_name="赵六")
    return identity_submit(user_id=d.user_id, real_name="赵六六", id_number=ID_NUMBER)


def clerk_with(*codenames: str) -> Client:
    user = User.objects.create(username=f"clerk-{'-'.join(codenames) or 'none'}", is_staff=True)
    for codename in ("view_distributoridentity", *codenames):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    client = Client()
    client.force_login(user)
    return client


def test_the_list_and_the_page_show_masks_only(console, identity):
    listing = console.get("/admin/distribution/distributoridentity/").content.decode()
    page = console.get(f"/admin/distribution/distributoridentity/{identity.pk}/change/").content.decode()

    for html in (listing, page):
        assert "1101**********002X" in html and "赵**" in html
        assert ID_NUMBER not in html and "赵六六" not in html
    assert not AuditEntry.objects.filter(action__startswith="distribution.identity_reveal").exists()


def test_a_permitted_clerk_sees_the_full_text_after_giving_a_reason(identity):
    clerk = clerk_with("reveal_identity")
    url = f"/admin/distribution/distributoridentity/{identity.pk}/reveal/"

    assert ID_NUMBER not in clerk.get(url).content.decode()  # opening the page reveals nothing
    html = clerk.post(url, {"reason": "核对提现"}).content.decode()

    assert ID_NUMBER in html and "赵六六" in html
    entry = AuditEntry.objects.get(action="distribution.identity_reveal")
    assert "核对提现" in entry.summary


def test_a_clerk_without_the_permission_is_refused_and_logged(identity):
    clerk = clerk_with()
    html = clerk.post(f"/admin/distribution/distributoridentity/{identity.pk}/reveal/", {"reason": "好奇"}).content
    assert ID_NUMBER not in html.decode() and "没有查看实名信息全文的权限" in html.decode()
    assert AuditEntry.objects.filter(action="distribution.identity_reveal_refused").exists()
    assert DistributorIdentity.objects.count() == 1


def test_platform_details_are_checked_and_audited(console):
    url = "/admin/distribution/taxplatform/1/change/"
    console.get("/admin/distribution/taxplatform/")  # the single row exists from the first visit
    fields = {"domain": "mall.example.cn", "business_type": "社交分销电商", "operator_name": "示例科技有限公司"}

    bad = console.post(url, {**fields, "uscc": "91110000802100433C"})
    assert bad.status_code == 200 and "校验位不正确" in bad.content.decode()
    good = console.post(url, {**fields, "uscc": "91110000802100433b"})

    assert good.status_code == 302
    assert TaxPlatform.objects.get().uscc == "91110000802100433B"
    assert AuditEntry.objects.filter(action="distribution.tax_platform_update").exists()


def test_the_report_page_downloads_a_quarter_and_logs_it(console, identity):
    page = console.get("/admin/distribution/taxplatform/report/")
    assert page.status_code == 200 and "国务院令第810号" in page.content.decode()

    preview = console.post(
        "/admin/distribution/taxplatform/report/", {"quarter": "2026Q4", "format": "csv", "preview": "1"}
    )
    assert "2026Q4 合计" in preview.content.decode()
    assert not AuditEntry.objects.filter(action="distribution.tax_report_export").exists()

    download = console.post("/admin/distribution/taxplatform/report/", {"quarter": "2026Q4", "format": "xlsx"})
    assert download.status_code == 200 and download["Content-Type"].startswith("application/vnd.openxml")
    assert AuditEntry.objects.filter(action="distribution.tax_report_export", target_id="2026Q4").exists()

    bad = console.post("/admin/distribution/taxplatform/report/", {"quarter": "2026Q9", "format": "csv"})
    assert "季度格式" in bad.content.decode()


def test_the_report_page_needs_its_permission(db):
    assert clerk_with().get("/admin/distribution/taxplatform/report/").status_code == 403
