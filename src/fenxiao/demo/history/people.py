"""Who the simulated shoppers are: a WeChat nickname, a mobile number and one mainland address
each, drawn from small tables with the plan's random generator, so the admin's user list and
the order pages read like a real shop's rather than ``user0042``."""

from __future__ import annotations

import random
from dataclasses import dataclass

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红鹏燕玲婷雪琳晨阳欣怡佳宇浩然子涵梓萱雨轩思远"
NICK_HEADS = ("小", "阿", "大", "老", "")
NICK_TAILS = ("妈咪", "宝妈", "爸爸", "同学", "酱", "姐", "哥", "的小店", "爱生活", "", "", "")
NICK_WORDS = (
    "柠檬",
    "橘子",
    "向日葵",
    "小鹿",
    "奶茶",
    "星星",
    "云朵",
    "晴天",
    "米粒",
    "糖糖",
    "豆豆",
    "桃子",
    "木木",
    "一一",
)

# (province, city, districts, streets): ordinary delivery regions only, so shipping is the
# shop's standard rate (the demo template charges more for remote regions and refuses some).
PLACES = (
    ("浙江省", "杭州市", ("西湖区", "拱墅区", "滨江区", "余杭区"), ("文一西路", "莫干山路", "江南大道", "五常大道")),
    ("浙江省", "宁波市", ("鄞州区", "海曙区"), ("天童南路", "中山西路")),
    ("上海市", "上海市", ("浦东新区", "徐汇区", "闵行区", "杨浦区"), ("世纪大道", "漕溪北路", "七莘路", "国定路")),
    ("江苏省", "南京市", ("鼓楼区", "江宁区"), ("中山北路", "双龙大道")),
    ("江苏省", "苏州市", ("姑苏区", "吴中区", "苏州工业园区"), ("人民路", "东吴北路", "星湖街")),
    ("广东省", "广州市", ("天河区", "海珠区", "番禺区"), ("天河路", "江南大道中", "市桥路")),
    ("广东省", "深圳市", ("南山区", "福田区", "宝安区", "龙岗区"), ("科技南路", "深南大道", "新安六路", "龙翔大道")),
    ("北京市", "北京市", ("朝阳区", "海淀区", "丰台区"), ("建国路", "学院路", "丰台北路")),
    ("四川省", "成都市", ("武侯区", "锦江区", "高新区"), ("人民南路", "春熙路", "天府大道")),
    ("湖北省", "武汉市", ("洪山区", "江汉区"), ("珞喻路", "解放大道")),
    ("福建省", "厦门市", ("思明区", "湖里区"), ("厦禾路", "湖里大道")),
    ("山东省", "青岛市", ("市南区", "崂山区"), ("香港中路", "秦岭路")),
    ("湖南省", "长沙市", ("岳麓区", "开福区"), ("麓山南路", "芙蓉中路")),
    ("河南省", "郑州市", ("金水区", "郑东新区"), ("花园路", "商务外环路")),
)
COMMUNITIES = ("花园", "小区", "公寓", "家园", "新村", "苑")
MOBILE_PREFIXES = ("135", "136", "137", "139", "150", "151", "152", "158", "159", "177", "180", "186", "187", "189")


@dataclass(frozen=True)
class Profile:
    nickname: str
    real_name: str
    phone: str
    province: str
    city: str
    district: str
    detail: str


def real_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def nickname(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.35:
        return rng.choice(NICK_HEADS) + name[-1] + rng.choice(NICK_TAILS)
    if roll < 0.75:
        return rng.choice(NICK_WORDS) + rng.choice(NICK_TAILS)
    return name[-2:] + rng.choice(("", "～", "·生活家", "的日常"))


def profile(rng: random.Random, taken_phones: set[str]) -> Profile:
    """A new person; ``taken_phones`` keeps every number unique across the plan."""
    name = real_name(rng)
    while True:
        phone = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
        if phone not in taken_phones:
            taken_phones.add(phone)
            break
    province, city, districts, streets = rng.choice(PLACES)
    detail = (
        f"{rng.choice(streets)}{rng.randint(1, 999)}号"
        f"{rng.choice(('阳光', '锦绣', '翠湖', '金色', '绿城', '万科'))}{rng.choice(COMMUNITIES)}"
        f"{rng.randint(1, 30)}幢{rng.randint(1, 3)}单元{rng.randint(1, 32)}0{rng.randint(1, 4)}室"
    )
    return Profile(nickname(rng, name), name, phone, province, city, rng.choice(districts), detail)
