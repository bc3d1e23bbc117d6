"""What a distributor shares (DESIGN §5 distributor tools): the link, the mini-program code whose
``scene`` is their code, and a product poster carrying price, picture, code and their (masked)
name. Images are rendered once per distinct content and served from storage afterwards."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.db.models import Min, Q

from fenxiao.catalog.models import Product
from fenxiao.core.errors import NotFound
from fenxiao.distribution.centre.poster import render_poster
from fenxiao.distribution.centre.poster_cache import poster_url, wxacode_url
from fenxiao.distribution.models import Distributor
from fenxiao.integrations.wechat.miniprogram.gateway import wxacode_unlimited

HOME_PAGE = "pages/index/index"
# The poster's code says it is the poster's (``c=p``), so the mini-program reports the open as a
# poster open for the distributor's insights; ``ref`` is what binding reads (utils/referral.js).
POSTER_SCENE = "ref={code}&c=p"
PRODUCT_PAGE = "pages/product/detail"


@dataclass(frozen=True)
class ShareAssets:
    share_path: str
    product_path: str | None
    code_url: str
    poster_url: str | None


def share_path(code: str) -> str:
    return f"{HOME_PAGE}?ref={code}"


def _product_image(product: Product) -> bytes | None:
    if not product.main_image or product.main_image.startswith(("http://", "https://")):
        return None
    try:
        with default_storage.open(product.main_image, "rb") as fh:
            return fh.read()
    except OSError:
        return None  # the poster shows a placeholder rather than failing the share


def share_assets(*, distributor: Distributor, product_id: int | None = None) -> ShareAssets:
    code_url = wxacode_url(scene=distributor.code, page=HOME_PAGE)
    if product_id is None:
        return ShareAssets(share_path(distributor.code), None, code_url, None)
    product = (
        Product.objects.filter(pk=product_id, is_on_shelf=True)
        .annotate(low_price=Min("skus__price_fen", filter=Q(skus__is_active=True)))
        .first()
    )
    if product is None or product.low_price is None:
        raise NotFound("PRODUCT_NOT_FOUND", "商品不存在或已下架")
    name = distributor.real_name or distributor.user.nickname

    def render() -> bytes:
        return render_poster(
            title=product.title,
            price_fen=product.low_price,
            product_image=_product_image(product),
            code_image=wxacode_unlimited(scene=POSTER_SCENE.format(code=distributor.code), page=HOME_PAGE),
            distributor_name=name,
        )

    url = poster_url(
        key_parts=[
            POSTER_SCENE.format(code=distributor.code),
            name,
            product.id,
            product.updated_at.isoformat(),
            product.low_price,
        ],
        render=render,
    )
    return ShareAssets(
        share_path(distributor.code), f"{PRODUCT_PAGE}?id={product.id}&ref={distributor.code}", code_url, url
    )
