"""Home, category, search and product detail: open to visitors (share links land here)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from fenxiao.catalog import selectors as catalog
from fenxiao.catalog.api.schemas import product_card
from fenxiao.content import selectors as content
from fenxiao.content.models import Banner
from fenxiao.core.errors import DomainError
from fenxiao.core.media import media_url
from fenxiao.core.money import fen_to_yuan, yuan_to_fen
from fenxiao.distribution.centre.sharing import share_assets
from fenxiao.inventory.selectors import available_by_product, available_by_sku
from fenxiao.storefront import selectors
from fenxiao.storefront.shortcuts import int_param, pager, public_page, render_page

SORTS = (("default", "综合"), ("sales", "销量"), ("price", "价格↑"), ("price_desc", "价格↓"), ("new", "新品"))
MAX_QUERY = 50
RECOMMENDED = 10
MAX_BANNERS = 8


def _cards(page, request: HttpRequest) -> list[dict]:
    stock = available_by_product([p.id for p in page.items])
    return [product_card(p, request, stock=stock[p.id]) for p in page.items]


def _banners(seckills: list[dict], groups: list[dict]) -> list[dict]:
    """The carousel shows what is on now: each running seckill and group-buy, then the coupon
    centre and the invitation to share and earn, which are always there."""
    banners = [
        {
            "title": f"限时秒杀 · {s['title']}",
            "text": f"秒杀价 ¥{fen_to_yuan(s['seckill_price_fen'])}",
            "url": reverse("storefront:product", args=[s["product_id"]]),
        }
        for s in seckills
        if s["state"] == "on_sale"
    ][:3]
    banners += [
        {
            "title": f"{g['group_size']}人拼团 · {g['title']}",
            "text": f"拼团价 ¥{fen_to_yuan(g['group_price_fen'])}",
            "url": reverse("storefront:group_buy_activity", args=[g["id"]]),
        }
        for g in groups
        if g["state"] == "on_sale"
    ][:3]
    banners.append({"title": "领券中心", "text": "新人好券，下单立减", "url": reverse("storefront:coupons")})
    banners.append({"title": "分享赚佣金", "text": "分享商品给好友，好友下单你赚佣金", "url": reverse("storefront:me")})
    return banners


def _operator_banners(banners: list[Banner], request: HttpRequest) -> list[dict]:
    """The operator's own slides, in the carousel's shape; ``image`` empty means a text card."""
    return [
        {
            "title": b.title,
            "text": b.subtitle,
            "url": b.link,
            "image": media_url(b.image.name, request) if b.image else "",
        }
        for b in banners
    ]


def _home_banners(request: HttpRequest, now: datetime, seckills: list[dict], groups: list[dict]) -> list[dict]:
    """What the operator put up comes first (it is the campaign they chose to push), then what
    is on now, as before; capped so the carousel stays a glance, not a slideshow."""
    ours = _operator_banners(content.home_banners(now=now), request)
    return (ours + _banners(seckills, groups))[:MAX_BANNERS]


@public_page
def home(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    seckills = selectors.seckill_list(now=now)
    groups = selectors.group_buy_list(now=now)
    recommended = catalog.product_list_for_shopper(sort="sales", page=1, page_size=RECOMMENDED)
    categories = [
        {"id": c.id, "name": c.name, "icon": media_url(c.icon, request)} for c in catalog.category_tree()[:10]
    ]
    context = {
        "banners": _home_banners(request, now, seckills, groups),
        "categories": categories,
        "seckills": seckills[:10],
        "groups": groups[:10],
        "products": _cards(recommended, request),
        "product_count": recommended.count,
    }
    return render_page(request, "storefront/home.html", context, title="分销商城", tab="home")


@public_page
def category(request: HttpRequest) -> HttpResponse:
    tree = catalog.category_tree()
    current = int_param(request.GET.get("c"))
    top = next((c for c in tree if c.id == current), tree[0] if tree else None)
    children = [
        {"id": c.id, "name": c.name, "icon": media_url(c.icon, request)} for c in getattr(top, "active_children", [])
    ]
    return render_page(
        request,
        "storefront/category.html",
        {"tree": tree, "top": top, "children": children},
        title="商品分类",
        tab="category",
    )


def _price_param(raw: str, *, field: str, label: str) -> int | None:
    """A price bound typed in yuan (``"99"``, ``"99.9"``) as fen; empty means no bound."""
    raw = raw.strip()
    if not raw:
        return None
    try:
        fen = yuan_to_fen(raw)
    except ValueError as exc:
        raise DomainError("PRICE_INVALID", f"{label}：{exc}", field=field) from exc
    if fen < 0:
        raise DomainError("PRICE_RANGE_INVALID", f"{label}不能为负数", field=field)
    return fen


def _price_range(request: HttpRequest) -> tuple[int | None, int | None]:
    low = _price_param(request.GET.get("min_price", ""), field="min_price", label="最低价")
    high = _price_param(request.GET.get("max_price", ""), field="max_price", label="最高价")
    if low is not None and high is not None and low > high:
        raise DomainError("PRICE_RANGE_INVALID", "最低价不能高于最高价", field="min_price")
    catalog.price_range_check(min_price_fen=low, max_price_fen=high)
    return low, high


@public_page
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    if len(q) > MAX_QUERY:
        raise DomainError("SEARCH_QUERY_TOO_LONG", f"搜索关键词不能超过 {MAX_QUERY} 个字", field="q")
    sort = request.GET.get("sort", "default")
    sort = sort if sort in dict(SORTS) else "default"
    category_id = int_param(request.GET.get("category"))
    context = {
        "q": q,
        "sort": sort,
        "sorts": SORTS,
        "category_id": category_id,
        "tree": catalog.category_tree(),
        "min_price": request.GET.get("min_price", "").strip(),
        "max_price": request.GET.get("max_price", "").strip(),
    }
    title = f"搜索“{q}”" if q else "全部商品"
    try:
        low, high = _price_range(request)
    except DomainError as exc:
        # Shown above the filter with what was typed still in it, so the shopper can fix it here
        # instead of starting over from an error page.
        context |= {"price_error": exc.message, "price_error_field": exc.field, "products": [], "pager": None}
        back = reverse("storefront:home")
        return render_page(request, "storefront/search.html", context, title=title, back=back, status=400)
    page = catalog.product_list_for_shopper(
        category_id=category_id,
        q=q,
        sort=sort,
        page=int_param(request.GET.get("page"), default=1),
        min_price_fen=low,
        max_price_fen=high,
    )
    context |= {"products": _cards(page, request), "pager": pager(page)}
    return render_page(request, "storefront/search.html", context, title=title, back=reverse("storefront:home"))


@public_page
def product(request: HttpRequest, product_id: int) -> HttpResponse:
    item = catalog.product_get_for_shopper(product_id=product_id)
    now = timezone.now()
    skus = item.active_skus
    stock = available_by_sku([s.id for s in skus])
    images = [media_url(name, request) for name in [item.main_image, *(i.image for i in item.gallery)] if name]
    prices = [s.price_fen for s in skus] or [0]
    context = {
        "product": item,
        "images": images,
        "min_price_fen": min(prices),
        "max_price_fen": max(prices),
        "stock": sum(stock.values()),
        "specs": catalog.spec_options(skus),
        "sku_data": [
            {
                "id": s.id,
                "specs": {str(k): str(v) for k, v in (s.specs or {}).items()},
                "price_yuan": fen_to_yuan(s.price_fen),
                "stock": stock[s.id],
            }
            for s in skus
        ],
        "seckills": selectors.seckill_list(now=now, product_id=item.id),
        "groups": selectors.group_buy_list(now=now, product_id=item.id),
        "is_distributor": selectors.active_distributor(user_id=request.user.pk) is not None,
    }
    return render_page(request, "storefront/product.html", context, title="商品详情", back=reverse("storefront:home"))


@public_page
def product_share(request: HttpRequest, product_id: int) -> HttpResponse:
    """The share dialog's body: a distributor gets their poster and personal link; anyone else
    gets the plain link (and how to earn from sharing)."""
    item = catalog.product_get_for_shopper(product_id=product_id)
    link = request.build_absolute_uri(reverse("storefront:product", args=[item.id]))
    context = {"product": item, "link": link, "poster_url": None, "code": None}
    distributor = selectors.active_distributor(user_id=request.user.pk)
    if distributor is not None:
        assets = share_assets(distributor=distributor, product_id=item.id)
        code = distributor.code
        context |= {"code": code, "link": f"{link}?ref={code}", "poster_url": assets.poster_url}
    return render_page(request, "storefront/partials/share.html", context)
