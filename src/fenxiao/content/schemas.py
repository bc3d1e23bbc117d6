"""The material library and the home banners as the mini-program and the H5 pages read them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Field, Schema

from fenxiao.content.models import Banner, Material, MaterialKind
from fenxiao.core.media import media_url

EXCERPT_CHARS = 60


class MaterialQuery(Schema):
    category: int | None = Field(None, ge=1, description="素材分类 id")
    kind: Literal["article", "images", "copy"] | None = Field(None, description="类型：图文教程/图片素材/文案")
    page: int = Field(1, ge=1)
    page_size: int | None = Field(None, ge=1, le=100)


class MaterialCategoryOut(Schema):
    id: int
    name: str


class ImageOut(Schema):
    url: str
    position: int


class ProductBriefOut(Schema):
    id: int
    title: str
    image_url: str


class MaterialBriefOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    category: MaterialCategoryOut
    excerpt: str
    copy_text: str
    images: list[ImageOut]
    product: ProductBriefOut | None
    pinned: bool
    published_at: datetime
    copy_count: int


class MaterialOut(MaterialBriefOut):
    body: str
    paragraphs: list[str]


class MaterialPageOut(Schema):
    items: list[MaterialBriefOut]
    count: int
    page: int
    page_size: int
    categories: list[MaterialCategoryOut]


class CopiedOut(Schema):
    id: int
    copy_count: int
    message: str


class BannerOut(Schema):
    id: int
    title: str
    subtitle: str
    image_url: str = Field(description="图片地址；空字符串表示文字卡片")
    link: str = Field(description="站内路径，以“/”开头")


def paragraphs(body: str) -> list[str]:
    """Blank-line separated paragraphs of a plain-text body (client renders each as text)."""
    blocks = body.replace("\r\n", "\n").split("\n\n")
    return [b.strip() for b in blocks if b.strip()]


def excerpt(material: Material) -> str:
    text = " ".join((material.body or material.copy_text).split())
    return text if len(text) <= EXCERPT_CHARS else text[:EXCERPT_CHARS] + "…"


def material_brief(material: Material, request: HttpRequest | None = None) -> dict:
    product = material.product
    return {
        "id": material.id,
        "kind": material.kind,
        "kind_label": MaterialKind(material.kind).label,
        "title": material.title,
        "category": {"id": material.category_id, "name": material.category.name},
        "excerpt": excerpt(material),
        "copy_text": material.copy_text,
        "images": [{"url": media_url(i.image.name, request), "position": i.position} for i in material.images.all()],
        "product": {"id": product.id, "title": product.title, "image_url": media_url(product.main_image, request)}
        if product is not None
        else None,
        "pinned": material.pinned,
        "published_at": material.published_at,
        "copy_count": material.copy_count,
    }


def material_dict(material: Material, request: HttpRequest | None = None) -> dict:
    return {**material_brief(material, request), "body": material.body, "paragraphs": paragraphs(material.body)}


def banner_dict(banner: Banner, request: HttpRequest | None = None) -> dict:
    return {
        "id": banner.id,
        "title": banner.title,
        "subtitle": banner.subtitle,
        "image_url": media_url(banner.image.name, request) if banner.image else "",
        "link": banner.link,
    }
