"""Demo 素材库: three shelves (新手培训, 产品卖点, 朋友圈文案) and six published materials — an
onboarding article, a compliance article, a picture set with copy, a selling-points card and two
朋友圈 copies — so the distributor's materials page and the admin list have something to show.
Also two text-only home banners, so the carousel shows what operators can put there.

Pictures are drawn with Pillow like the catalogue's (palette PNGs, Latin text only: the machine has
no CJK font), byte-identical on every run. Published through ``material_publish``, the same rule
operators go through."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from fenxiao.catalog.models import Product
from fenxiao.content.models import Banner, Material, MaterialCategory, MaterialImage, MaterialKind
from fenxiao.content.services import material_publish

from . import images
from .catalogue import CODE_PREFIX

IMAGE_SIZE = 640
CATEGORIES = ("新手培训", "产品卖点", "朋友圈文案")
# (background, card, accent) per picture theme
THEMES = (
    ((255, 236, 230), (255, 255, 255), (228, 57, 60)),
    ((230, 242, 255), (255, 255, 255), (40, 110, 200)),
    ((236, 248, 236), (255, 255, 255), (30, 140, 80)),
)


@dataclass(frozen=True)
class DemoMaterial:
    title: str
    kind: str
    category: str
    body: str = ""
    copy_text: str = ""
    pictures: tuple[str, ...] = ()  # Latin captions, one picture each
    pinned: bool = False
    with_product: bool = False


MATERIALS = (
    DemoMaterial(
        title="新手必读：三步开始你的分销之路",
        kind=MaterialKind.ARTICLE,
        category="新手培训",
        pinned=True,
        body=(
            "欢迎加入！分销不需要囤货，也不需要交任何费用：你分享商品，好友通过你的链接购买，你就能获得佣金。\n\n"
            "第一步：在「分销中心」找到你的推广码和分享链接，先把自己喜欢、用过的商品加入「我的小店」。\n\n"
            "第二步：每天挑一到两条素材发朋友圈。素材库里的文案可以一键复制，图片长按即可保存。\n\n"
            "第三步：好友下单后，佣金先冻结；确认收货并过了售后期，佣金转为可提现。"
        ),
    ),
    DemoMaterial(
        title="合规提醒：这些话不能说",
        kind=MaterialKind.ARTICLE,
        category="新手培训",
        body=(
            "请勿宣传“拉人头赚钱”“交钱升级”等说法：平台的佣金只来自真实的商品销售，成为分销商不收任何费用。\n\n"
            "请勿夸大功效，不使用“最”“第一”“根治”等绝对化用语；食品不宣传治疗作用。\n\n"
            "转发素材时请保持原意，价格以商城页面为准。"
        ),
    ),
    DemoMaterial(
        title="爆款精华 · 朋友圈九宫格",
        kind=MaterialKind.IMAGES,
        category="产品卖点",
        copy_text="熬夜党的急救精华来啦！质地清爽不黏腻，一瓶用两个月，现在下单还有满减～ 戳我的链接直接买👇",
        pictures=("SERUM 01", "SERUM 02", "SERUM 03"),
        with_product=True,
    ),
    DemoMaterial(
        title="三个卖点讲清楚：为什么选我们",
        kind=MaterialKind.IMAGES,
        category="产品卖点",
        copy_text="品牌直供，正品保障；7天无理由，售后省心；全场包邮，下单就发。",
        pictures=("WHY US",),
    ),
    DemoMaterial(
        title="早安文案｜元气满满",
        kind=MaterialKind.COPY,
        category="朋友圈文案",
        pinned=True,
        copy_text="早安！今天也要好好吃饭、好好护肤🌞 我最近在用的好物都放在小店里了，需要的朋友随时问我～",
    ),
    DemoMaterial(
        title="周末促销文案",
        kind=MaterialKind.COPY,
        category="朋友圈文案",
        copy_text="周末福利来啦🎉 全场满99减20，新人还有无门槛5元券，手慢无！点我的链接领券下单～",
    ),
)


# (title, subtitle, link): text cards (no picture), pointing at pages every demo has.
BANNERS = (
    ("新品上架", "当季新品陆续到货，先睹为快", "/search/?sort=new"),
    ("百元好物", "100 元以内的口碑好物，闭眼入", "/search/?max_price=100&sort=sales"),
)


@dataclass
class ContentResult:
    categories: int = 0
    materials: int = 0
    images: int = 0
    banners: int = 0


def _seed_banners(result: ContentResult) -> None:
    """By title, like the materials: a banner an operator has since edited or switched off is
    left as they made it."""
    for index, (title, subtitle, link) in enumerate(BANNERS):
        if Banner.objects.filter(title=title).exists():
            continue
        banner = Banner(title=title, subtitle=subtitle, link=link, position=(index + 1) * 10)
        banner.full_clean()  # the same link rule the admin form applies
        banner.save()
        result.banners += 1


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except (ImportError, OSError, TypeError):  # pragma: no cover - Pillow built without FreeType
        return ImageFont.load_default()


def material_png(*, caption: str, theme: int) -> bytes:
    """A poster-like picture: a card on a soft background, a sample "photo", three text bars and
    the caption. Depends only on its arguments."""
    bg, card, accent = THEMES[theme % len(THEMES)]
    image = Image.new("P", (IMAGE_SIZE, IMAGE_SIZE), 0)
    light = tuple(c + (255 - c) * 60 // 100 for c in accent)
    image.putpalette([*bg, *card, *accent, *light, 70, 70, 80, 200, 200, 205])
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 40, 600, 600), radius=28, fill=1)
    draw.rounded_rectangle((72, 72, 568, 360), radius=18, fill=3)
    draw.ellipse((240, 130, 400, 290), fill=2)
    draw.rounded_rectangle((300, 100, 340, 150), radius=6, fill=2)
    for i, width in enumerate((420, 340, 260)):
        draw.rounded_rectangle((72, 400 + i * 34, 72 + width, 418 + i * 34), radius=9, fill=5 if i else 4)
    draw.text((320, 540), caption, font=_font(40), fill=2, anchor="mm")
    draw.text((568, 578), "DEMO", font=_font(18), fill=4, anchor="rm")
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def _image_name(index: int, picture: int) -> str:
    return f"demo/materials/m{index + 1}-{picture + 1}.png"


def seed_demo_materials() -> ContentResult:
    """Creates the demo shelves, materials and home banners; ones already there (same title) are
    kept as they are, so running it twice changes nothing."""
    result = ContentResult()
    product = Product.objects.filter(code__startswith=CODE_PREFIX, is_on_shelf=True).order_by("id").first()
    with transaction.atomic():
        shelves = {}
        for position, name in enumerate(CATEGORIES):
            shelves[name], created = MaterialCategory.objects.get_or_create(
                name=name, defaults={"position": position * 10}
            )
            result.categories += int(created)
        for index, plan in enumerate(MATERIALS):
            if Material.objects.filter(title=plan.title).exists():
                continue
            material = Material.objects.create(
                kind=plan.kind,
                title=plan.title,
                category=shelves[plan.category],
                body=plan.body,
                copy_text=plan.copy_text,
                pinned=plan.pinned,
                position=index * 10,
                product=product if plan.with_product else None,
            )
            for picture, caption in enumerate(plan.pictures):
                name = images.write(_image_name(index, picture), material_png(caption=caption, theme=index + picture))
                MaterialImage.objects.create(material=material, image=name, position=picture)
                result.images += 1
            material_publish(material_id=material.id)
            result.materials += 1
        _seed_banners(result)
    return result
