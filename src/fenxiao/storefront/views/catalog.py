"""Home, category, search and product detail: open to visitors (share links land here)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from fenxiao.catalog import selectors as catalog
from fenxiao.catalog.schemas import product_card
from fenxiao.core.errors import DomainError
from fenxiao.core.media import media_url
from fenxiao.core.money import fen_to_yuan
from fenxiao.distribution.sharing import share_assets
from fenxiao.storefront import selectors
from fenxiao.storefront.shortcuts import int_param, pager, public_page, render_page

SORTS = (("default", "综合"), ("sales", "销量"), ("price", "价格↑"), ("price_desc", "价格↓"), ("new", "新品"))
MAX_QUERY = 50
RECOMMENDED = 10


def _cards(page, request: HttpRequest) -> list[dict]:
    return [product_card(p, request) for p in page.items]


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
        "banners": _banners(seckills, groups),
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


@public_page
def search(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    if len(q) > MAX_QUERY:
        raise DomainError("SEARCH_QUERY_TOO_LONG", f"搜索关键词不能超过 {MAX_QUERY} 个字", field="q")
    sort = request.GET.get("sort", "default")
    sort = sort if sort in dict(SORTS) else "default"
    category_id = int_param(request.GET.get("category"))
    page = catalog.product_list_for_shopper(
        category_id=category_id, q=q, sort=sort, page=int_param(request.GET.get("page"), default=1)
    )
    tree = catalog.category_tree()
    context = {
        "q": q,
        "sort": sort,
        "sorts": SORTS,
        "category_id": category_id,
        "tree": tree,
        "products": _cards(page, request),
        "pager": pager(page),
    }
    title = f"搜索“{q}”" if q else "全部商品"
    return render_page(request, "storefront/search.html", context, title=title, back=reverse("storefront:home"))


@public_page
def product(request: HttpRequest, product_id: int) -> HttpResponse:
    item = catalog.product_get_for_shopper(product_id=product_id)
    now = timezone.now()
    skus = item.active_skus
    images = [media_url(name, request) for name in [item.main_image, *(i.image for i in item.images.all())] if name]
    prices = [s.price_fen for s in skus] or [0]
    context = {
        "product": item,
        "images": images,
        "min_price_fen": min(prices),
        "max_price_fen": max(prices),
        "stock": sum(s.stock for s in skus),
        "specs": catalog.spec_options(skus),
        "sku_data": [
            {
                "id": s.id,
                "specs": {str(k): str(v) for k, v in (s.specs or {}).items()},
                "price_yuan": fen_to_yuan(s.price_fen),
                "stock": s.stock,
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
