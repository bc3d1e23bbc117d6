"""``fenxiao seed_demo``: a realistic demo catalogue (3,200 SKUs by default), generated images and
demo users, so a first-time merchant sees a living mall. ``make run`` calls it with ``--if-empty``."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from fenxiao.catalog.models import Product
from fenxiao.demo.commerce import seed_demo_orders
from fenxiao.demo.content import seed_demo_materials
from fenxiao.demo.distribution import seed_demo_distribution
from fenxiao.demo.history import DEFAULT_HISTORY_DAYS, seed_demo_history
from fenxiao.demo.invites import seed_demo_invites
from fenxiao.demo.promotions import seed_demo_activities, seed_demo_coupons
from fenxiao.demo.risk import seed_demo_risk
from fenxiao.demo.seed import DEFAULT_SEED, DEFAULT_SKUS, SeedResult, demo_products_exist, seed_demo
from fenxiao.demo.users import ADMIN_PASSWORD, ADMIN_USERNAME


class Command(BaseCommand):
    help = "生成演示数据（商品、SKU、图片、演示账号）Seed a deterministic demo catalogue and demo users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="已有商品时什么都不做 / do nothing when any product exists"
        )
        parser.add_argument(
            "--skus", type=int, default=DEFAULT_SKUS, help=f"SKU 数量 / number of SKUs (default {DEFAULT_SKUS})"
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help=f"随机种子 / random seed (default {DEFAULT_SEED})"
        )
        parser.add_argument(
            "--history-days",
            type=int,
            default=DEFAULT_HISTORY_DAYS,
            help=f"模拟最近 N 天的经营历史，0 不生成 / days of shop history to replay, 0 for none"
            f" (default {DEFAULT_HISTORY_DAYS})",
        )

    def handle(self, *args, **options) -> None:
        if settings.WECHAT_MODE == "live":
            # The demo operator has a published password: never create it in a live shop.
            raise CommandError("正式环境（WECHAT_MODE=live）不能生成演示数据。Demo data is refused in live mode.")
        if options["if_empty"] and Product.objects.exists():
            self.stdout.write("已有商品，跳过演示数据。Products already exist; demo seed skipped.")
            return
        if options["skus"] < 1:
            raise CommandError("--skus 必须 ≥ 1 / --skus must be at least 1")
        if options["history_days"] < 0:
            raise CommandError("--history-days 必须 ≥ 0 / --history-days cannot be negative")
        if demo_products_exist():
            raise CommandError(
                "演示商品已存在（编码 DEMO-*），未重复生成；如需重建请使用空数据库。"
                " Demo products (codes DEMO-*) already exist; use an empty database to seed again."
            )
        result = seed_demo(seed=options["seed"], skus=options["skus"])
        self._report(result)
        orders = seed_demo_orders()
        template = "已创建默认模板 default template created" if orders.template_created else "已有默认模板 kept"
        self.stdout.write(f"  运费模板 Shipping: {template}")
        self.stdout.write(f"  演示订单 Orders  : {orders.orders}（sandbox-alice 的各状态订单 in every state）")
        network = seed_demo_distribution()
        self.stdout.write(
            f"  分销演示 Distribution: {network.distributors} 位分销商 distributors,"
            f" {network.orders} 笔推广订单 orders, {network.withdrawals} 笔提现 withdrawals"
        )
        risk = seed_demo_risk()
        self.stdout.write(
            f"  投诉与风控 Complaints: {risk.complaints} 条投诉 complaints, {risk.cases} 个风控案件 risk case"
            "（dave 投诉 carol 已转风控 escalated）"
        )
        coupons = seed_demo_coupons()
        self.stdout.write(f"  优惠券 Coupons  : {coupons} 种（sandbox-alice 各领一张 alice holds one of each）")
        seckills, group_buys = seed_demo_activities()
        self.stdout.write(
            f"  营销活动 Activities: {seckills} 个秒杀 seckill, {group_buys} 个拼团 group-buy（bob 已开团）"
        )
        invites = seed_demo_invites()
        self.stdout.write(
            f"  邀请有礼 Invites: {invites.campaigns} 个活动 campaign, {invites.invites} 位受邀新人 invitee"
            "（sandbox-erin 受 alice 邀请 invited by alice）"
        )
        materials = seed_demo_materials()
        self.stdout.write(f"  素材库 Materials: {materials.materials} 条 items（{materials.images} 张图片 images）")
        self.stdout.write(f"  首页轮播 Home banners: {materials.banners} 张 slides")
        if options["history_days"]:
            history = seed_demo_history(seed=options["seed"], days=options["history_days"])
            skipped = sum(history.skipped.values())
            self.stdout.write(
                f"  经营历史 History: {history.days} 天 days, {history.people} 位新用户 new users,"
                f" {history.paid} 笔已付款订单 paid orders（共下单 {history.orders} placed）,"
                f" {history.refunds} 笔售后退款 refunds, {history.distributors} 位新分销商 distributors"
                f"（{history.suspended} 位已暂停 suspended）, {history.seconds:.1f}s"
                + (f", {skipped} 步被规则拒绝 steps refused" if skipped else "")
            )

    def _report(self, r: SeedResult) -> None:
        w = self.stdout.write
        w(self.style.SUCCESS(f"演示数据已生成 Demo data created in {r.seconds:.1f}s (seed {r.seed})"))
        w(f"  分类 Categories : {r.top_categories} 个一级 top + {r.sub_categories} 个二级 sub")
        w(f"  供应商 Suppliers: {r.suppliers}")
        w(f"  商品 Products   : {r.products}（上架 on shelf {r.on_shelf}，下架 off shelf {r.products - r.on_shelf}）")
        w(f"  SKU             : {r.skus}（售罄 sold out {r.sold_out}）")
        w(
            f"  图片 Images     : {r.product_images} 主图 main + {r.gallery_images} 图集 gallery"
            f" + {r.icon_images} 分类图标 icons → MEDIA_ROOT/demo/"
        )
        timing = ", ".join(f"{k} {v:.1f}s" for k, v in r.timings.items())
        w(f"  耗时 Timings    : {timing}")
        users = r.users
        if users is None:  # pragma: no cover - seed_demo always fills it
            return
        if users.admin_created:
            w(
                self.style.WARNING(
                    f"后台登录 Admin login: /admin/  用户名 username: {ADMIN_USERNAME}  密码 password: {ADMIN_PASSWORD}"
                )
            )
            w("  （演示密码，上线前请修改 / demo password: change it before going live）")
        else:
            w(
                f"后台账号 {ADMIN_USERNAME} 已存在，密码未修改。"
                f"Admin {ADMIN_USERNAME!r} already exists; password unchanged."
            )
        w(
            f"沙箱顾客 Sandbox shoppers ({users.shoppers_created} new, {users.addresses_created} addresses): "
            + ", ".join(users.shoppers)
        )
        w("  小程序沙箱登录码即 openid / sandbox login code = openid, e.g. sandbox-alice")
