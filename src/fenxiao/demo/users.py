"""Demo people: the back-office ``admin`` and a few sandbox shoppers with addresses.

Existing accounts are never modified: an ``admin`` that already exists keeps its own password, and
a sandbox shopper who already has addresses gets no new ones."""

from __future__ import annotations

from dataclasses import dataclass

from fenxiao.accounts.models import Address, User

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "fenxiao-demo"  # printed by seed_demo; only ever set on an admin this command creates

# (name, nickname, phone, addresses as (receiver, province, city, district, detail)); the first is default.
SHOPPERS = (
    ("alice", "小艾同学", "13812340001", (("林艾", "浙江省", "杭州市", "西湖区", "文三路90号东部软件园2号楼"),)),
    (
        "bob",
        "阿博爸爸",
        "13812340002",
        (
            ("王博", "上海市", "上海市", "浦东新区", "张江镇祖冲之路887弄12号"),
            ("王博", "江苏省", "苏州市", "苏州工业园区", "星湖街328号创意产业园"),
        ),
    ),
    ("carol", "卡萝妈咪", "13812340003", (("陈萝", "广东省", "深圳市", "南山区", "科技园高新南七道18号"),)),
    (
        "dave",
        "大卫",
        "13812340004",
        (
            ("赵大卫", "北京市", "北京市", "海淀区", "中关村大街27号中关村大厦"),
            ("李敏", "四川省", "成都市", "武侯区", "天府大道北段1700号环球中心"),
        ),
    ),
)
TAGS = ("家", "公司")


@dataclass
class UsersResult:
    admin_created: bool
    shoppers: list[str]  # openids
    shoppers_created: int
    addresses_created: int


def openid_for(name: str) -> str:
    return f"sandbox-{name}"


def ensure_admin() -> bool:
    if User.objects.filter(username=ADMIN_USERNAME).exists():
        return False
    User.objects.create_superuser(
        ADMIN_USERNAME, email="admin@example.com", password=ADMIN_PASSWORD, nickname="演示管理员"
    )
    return True


def ensure_shoppers() -> tuple[list[str], int, int]:
    openids, created, addresses = [], 0, []
    for name, nickname, phone, book in SHOPPERS:
        openid = openid_for(name)
        openids.append(openid)
        user = User.objects.filter(openid=openid).first()
        if user is None:
            # Same shape as a first WeChat login (accounts.services): wx_<openid>, no usable password.
            user = User(username=f"wx_{openid}", openid=openid, nickname=nickname, phone=phone)
            user.set_unusable_password()
            user.save()
            created += 1
        if user.addresses.exists():
            continue
        for i, (receiver, province, city, district, detail) in enumerate(book):
            addresses.append(
                Address(
                    user=user,
                    receiver=receiver,
                    phone=phone if i == 0 else f"139{phone[3:]}",
                    province=province,
                    city=city,
                    district=district,
                    detail=detail,
                    tag=TAGS[i % len(TAGS)],
                    is_default=i == 0,
                )
            )
    Address.objects.bulk_create(addresses)
    return openids, created, len(addresses)


def ensure_users() -> UsersResult:
    admin_created = ensure_admin()
    openids, created, addresses = ensure_shoppers()
    return UsersResult(admin_created, openids, created, addresses)
