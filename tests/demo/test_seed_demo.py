"""``fenxiao seed_demo`` against the database (SQLite or PostgreSQL) and default storage."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import time

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from PIL import Image

from fenxiao.accounts.models import Address, User
from fenxiao.catalog.models import Category, Product, ProductImage, Sku, Supplier
from fenxiao.distribution.models import (
    CommissionRecord,
    Distributor,
    DistributorApplication,
    OrderReferral,
    Referral,
    ReferralChange,
    ReferralTouch,
    Withdrawal,
)
from fenxiao.inventory.models import StockReservation
from fenxiao.ledger.models import Account, LedgerTransaction, Leg
from fenxiao.orders.models import AfterSale, AfterSaleLine, Order, ShippingTemplate
from fenxiao.payments.models import Notification, Payment, Refund

pytestmark = pytest.mark.django_db

TOP_NAMES = {"美妆", "母婴", "食品", "日用百货"}


def seed(*args: str) -> str:
    """Without the 120-day history (tests/demo/test_history.py covers it): these tests stay quick."""
    out = io.StringIO()
    call_command("seed_demo", *args, "--history-days", "0", stdout=out)
    return out.getvalue()


def assert_png(name: str, size: tuple[int, int] | None = None) -> None:
    assert default_storage.exists(name), name
    with default_storage.open(name, "rb") as fh, Image.open(fh) as im:
        assert im.format == "PNG", name
        if size:
            assert im.size == size
        im.verify()


def catalogue_digest() -> str:
    """Everything a shopper or operator sees, without ids or timestamps, plus the image bytes."""
    h = hashlib.sha256()
    for p in Product.objects.select_related("category__parent", "supplier").order_by("code"):
        row = [p.code, p.supplier.name, p.category.parent.name, p.category.name, p.category.icon, p.title]
        row += [p.subtitle, p.main_image, p.detail_html, p.is_on_shelf, p.sales_count, p.sort_order]
        row.append([(i.image, i.sort_order) for i in p.images.order_by("sort_order")])
        h.update(json.dumps(row, ensure_ascii=False).encode())
        with default_storage.open(p.main_image, "rb") as fh:
            h.update(fh.read())
    skus = Sku.objects.order_by("code").values_list(
        "product__code", "code", "specs", "price_fen", "market_price_fen", "cost_fen", "weight_g", "barcode"
    )
    for row in skus:
        h.update(json.dumps(row, ensure_ascii=False, sort_keys=True).encode())
    extra = Sku.objects.order_by("code").values_list("stock_level__quantity", "is_active", "image")
    h.update(json.dumps(list(extra)).encode())
    return h.hexdigest()


def clear_ledger_and_distribution() -> None:
    """The ledger is append-only (PostgreSQL refuses DELETE by trigger): emptied with TRUNCATE,
    which is how a test database is flushed too."""
    from django.db import connection

    for model in (
        Withdrawal,
        CommissionRecord,
        OrderReferral,
        ReferralChange,
        ReferralTouch,
        Referral,
        DistributorApplication,
        Distributor,
    ):
        model.objects.all().delete()
    tables = [Leg._meta.db_table, LedgerTransaction._meta.db_table, Account._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Run the ledger's deferred zero-sum checks now: TRUNCATE is refused while they wait.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(f'TRUNCATE TABLE "{table}" CASCADE')
            else:
                cursor.execute(f'DELETE FROM "{table}"')
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to how they were declared


def clear_everything() -> None:
    # Money records protect the orders they belong to, and orders protect what they sold.
    clear_ledger_and_distribution()
    from fenxiao.promotions.invites.models import Invite, InviteCampaign, InviteCode, InviteReward
    from fenxiao.promotions.models import (
        CouponTemplate,
        GroupBuyActivity,
        GroupBuyGroup,
        GroupBuyMember,
        SeckillActivity,
        SeckillPurchase,
        UserCoupon,
    )
    from fenxiao.risk.models import Complaint, RiskCase

    for model in (InviteReward, Invite, InviteCode, InviteCampaign, Complaint, RiskCase):
        model.objects.all().delete()
    for model in (UserCoupon, CouponTemplate, GroupBuyMember, GroupBuyGroup, SeckillPurchase):
        model.objects.all().delete()
    GroupBuyActivity.objects.all().delete()
    SeckillActivity.objects.all().delete()
    for model in (Refund, Payment, Notification, AfterSaleLine, AfterSale, Order, StockReservation):
        model.objects.all().delete()
    Product.objects.all().delete()
    Category.objects.filter(parent__isnull=False).delete()
    Category.objects.all().delete()
    Supplier.objects.all().delete()
    User.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)


def test_default_seed_builds_a_full_realistic_catalogue():
    started = time.perf_counter()
    out = seed()
    assert time.perf_counter() - started < 60
    assert "Demo data created" in out

    assert Sku.objects.count() >= 3000
    tops = Category.objects.filter(parent__isnull=True)
    assert set(tops.values_list("name", flat=True)) == TOP_NAMES
    for top in tops:
        children = list(top.children.all())
        assert 4 <= len(children) <= 6
        assert all(child.children.count() == 0 for child in children)  # exactly two levels
        assert Product.objects.filter(category__parent=top).count() > 100
        assert Sku.objects.filter(product__category__parent=top).count() > 500
        assert_png(top.icon)
        for child in children:
            assert_png(child.icon)
    assert not Product.objects.filter(category__parent__isnull=True).exists()  # products hang on a child
    assert Supplier.objects.count() >= 3

    skus = list(
        Sku.objects.values_list("price_fen", "market_price_fen", "cost_fen", "stock_level__quantity", "weight_g")
    )
    for price, market, cost, stock, weight in skus:
        assert isinstance(price, int) and isinstance(market, int) and isinstance(cost, int)
        assert market >= price > cost > 0
        assert price % 10 == 0  # 12.90 / 39.90 / 129.00, never 37.43
        assert stock >= 0 and weight > 0
    zero_stock = sum(1 for s in skus if s[3] == 0)
    assert 0 < zero_stock < len(skus) // 5

    products = list(Product.objects.all())
    on_shelf = sum(p.is_on_shelf for p in products)
    assert 0.8 * len(products) < on_shelf < 0.97 * len(products)
    assert len({p.sales_count for p in products}) > 100
    assert all(p.detail_html.count("<p>") >= 2 and p.subtitle for p in products)
    for p in products:
        assert p.main_image == f"demo/products/{p.code}.png"
        assert_png(p.main_image, (480, 480))
    gallery = set(ProductImage.objects.values_list("image", flat=True))
    assert ProductImage.objects.count() == 2 * len(products)
    for name in gallery:
        assert_png(name, (480, 480))


def test_seed_is_deterministic_into_a_cleared_database():
    seed("--skus", "150")
    first = catalogue_digest()
    assert Sku.objects.count() == 150
    clear_everything()

    seed("--skus", "150")
    assert catalogue_digest() == first

    clear_everything()
    seed("--skus", "150", "--seed", "99")
    assert catalogue_digest() != first


def test_small_seed_still_covers_all_four_top_categories():
    seed("--skus", "12")
    assert Sku.objects.count() == 12
    tops = set(Product.objects.values_list("category__parent__name", flat=True))
    assert tops == TOP_NAMES


def test_if_empty_skips_when_products_exist_and_costs_one_query(django_assert_max_num_queries):
    first = seed("--if-empty", "--skus", "40")  # an empty database is seeded
    assert Sku.objects.count() == 40
    with django_assert_max_num_queries(1):
        again = seed("--if-empty", "--skus", "40")
    assert "skipped" in again and "skipped" not in first
    assert Sku.objects.count() == 40


def test_seeding_twice_without_if_empty_is_refused():
    seed("--skus", "20")
    with pytest.raises(CommandError, match="DEMO"):
        seed("--skus", "20")
    assert Sku.objects.count() == 20


def test_admin_can_log_in_with_the_printed_password():
    out = seed("--skus", "20")
    match = re.search(r"username: (\S+)\s+密码 password: (\S+)", out)
    assert match, out
    username, password = match.groups()
    assert (username, password) == ("admin", "fenxiao-demo")
    admin = User.objects.get(username=username)
    assert admin.is_staff and admin.is_superuser
    assert Client().login(username=username, password=password)


def test_an_existing_admin_keeps_its_password():
    User.objects.create_superuser("admin", "boss@example.com", "my-own-secret")
    out = seed("--skus", "20")
    assert "fenxiao-demo" not in out
    assert "already exists" in out
    assert not Client().login(username="admin", password="fenxiao-demo")
    assert Client().login(username="admin", password="my-own-secret")


def test_sandbox_shoppers_have_openids_nicknames_and_addresses():
    out = seed("--skus", "20")
    for name in ("alice", "bob", "carol", "dave", "erin"):  # erin is the invite campaign's new user
        user = User.objects.get(openid=f"sandbox-{name}")
        assert f"sandbox-{name}" in out
        assert user.username == f"wx_sandbox-{name}"
        assert not user.has_usable_password()
        assert not user.is_staff
        assert user.nickname and not user.nickname.isascii()
        assert re.fullmatch(r"138\d{8}", user.phone)
        addresses = list(user.addresses.all())
        assert 1 <= len(addresses) <= 2
        assert sum(a.is_default for a in addresses) == 1
        assert all(a.province and a.city and a.district and a.detail for a in addresses)
    assert Address.objects.count() == 7


def test_sandbox_wechat_login_finds_the_seeded_shopper():
    from fenxiao.accounts.services import user_login_wechat

    seed("--skus", "20")
    alice = User.objects.get(openid="sandbox-alice")
    user, _tokens = user_login_wechat(code="sandbox-alice")
    assert user.pk == alice.pk
    assert User.objects.filter(openid__startswith="sandbox-").count() == 5


def test_live_mode_refuses_demo_data_and_its_known_admin_password(settings):
    settings.WECHAT_MODE = "live"
    with pytest.raises(CommandError, match="live"):
        call_command("seed_demo", "--skus", "4", "--history-days", "0", stdout=io.StringIO())
    assert not Product.objects.exists()
    assert not User.objects.filter(username="admin").exists()


def test_demo_orders_fill_every_tab_through_the_real_services(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        out = seed("--skus", "120")
    assert "演示订单" in out
    alice = User.objects.get(openid="sandbox-alice")
    statuses = sorted(Order.objects.filter(buyer=alice).values_list("status", flat=True))
    assert statuses == ["cancelled", "paid", "pending_payment", "received", "shipped"]
    paid = Order.objects.filter(buyer=alice).exclude(status__in=["pending_payment", "cancelled"])
    assert all(o.paid_fen == o.payable_fen for o in paid)
    assert Payment.objects.filter(order__in=paid, status="succeeded").count() == 3
    assert AfterSale.objects.get(buyer=alice).status == "requested"
    assert ShippingTemplate.objects.get(is_default=True).rules.count() == 3


def test_demo_distribution_has_money_in_every_state(django_capture_on_commit_callbacks):
    from fenxiao.distribution import ledger_accounts
    from fenxiao.ledger.checks import ledger_check
    from fenxiao.ledger.selectors import account_balance

    with django_capture_on_commit_callbacks(execute=True):
        out = seed("--skus", "200")
    assert "分销演示" in out
    carol = Distributor.objects.get(user__openid="sandbox-carol")
    bob = Distributor.objects.get(user__openid="sandbox-bob")
    statuses = set(CommissionRecord.objects.filter(distributor=carol).values_list("status", flat=True))
    assert statuses == {"pending", "settled"}
    assert CommissionRecord.objects.filter(clawback_fen__gt=0).exists()
    assert sorted(Withdrawal.objects.filter(distributor=carol).values_list("status", flat=True)) == [
        "approved",
        "paid",
    ]
    assert (
        account_balance(ledger_accounts.pending(carol.id)) > 0
        and account_balance(ledger_accounts.available(bob.id)) > 0
    )
    assert DistributorApplication.objects.get(user__openid="sandbox-alice").status == "pending"
    assert ledger_check() == []


def test_demo_complaints_fill_the_queue_and_the_escalated_one_holds_its_commission(
    django_capture_on_commit_callbacks,
):
    from fenxiao.ledger.checks import ledger_check
    from fenxiao.risk.cases.services import held_order_ids
    from fenxiao.risk.models import Complaint, RiskCase

    with django_capture_on_commit_callbacks(execute=True):
        out = seed("--skus", "200")
    assert "投诉与风控" in out
    from django.utils import timezone

    now = timezone.now()
    complaints = list(Complaint.objects.order_by("id"))
    assert sorted(c.status for c in complaints) == ["open", "replied", "replied", "resolved"]
    overdue = [c for c in complaints if c.status == "open"]
    assert len(overdue) == 1 and overdue[0].due_at < now
    case = RiskCase.objects.get()
    assert case.status == "open" and case.subject_user.openid == "sandbox-carol"
    escalated = Complaint.objects.get(category="misleading")
    assert held_order_ids([escalated.order_id]) == {escalated.order_id}
    assert case.evidence and escalated.complaint_no in str(case.evidence)
    assert ledger_check() == []


def test_demo_coupons_are_claimable_and_alice_holds_one_of_each():
    from fenxiao.promotions.models import CouponTemplate, UserCoupon

    out = seed("--skus", "20")
    assert "优惠券" in out
    assert CouponTemplate.objects.filter(public=True).count() == 3  # and two rewards of the invite campaign
    assert CouponTemplate.objects.filter(public=False).count() == 2
    assert UserCoupon.objects.filter(user__openid="sandbox-alice", status="unused").count() == 3


def test_demo_activities_run_and_bob_has_a_group_waiting_for_members(django_capture_on_commit_callbacks):
    from fenxiao.promotions.models import GroupBuyGroup, SeckillActivity

    with django_capture_on_commit_callbacks(execute=True):
        out = seed("--skus", "40")
    assert "营销活动" in out
    seckill = SeckillActivity.objects.get()
    assert (seckill.stock, seckill.sold, seckill.status) == (50, 0, "active")
    group = GroupBuyGroup.objects.get()
    assert (group.leader.openid, group.status, group.paid_count, group.size) == ("sandbox-bob", "forming", 1, 3)
    assert group.members.get().order.fulfilment_hold == "group_buy"
