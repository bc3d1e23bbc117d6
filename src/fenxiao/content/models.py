"""素材库: what the platform hands its distributors to share — training articles, product pictures
and ready-made copy for 朋友圈. Operators write them in the admin; distributors read published ones
and copy their text, and ``copy_count`` tells the operator which pieces actually get used."""

from __future__ import annotations

import re
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone


class MaterialKind(models.TextChoices):
    ARTICLE = "article", "图文教程"
    IMAGES = "images", "图片素材"
    COPY = "copy", "文案"


class MaterialCategory(models.Model):
    """A shelf in the library (新手培训, 产品卖点, 朋友圈文案...), managed by operators so a new
    campaign gets its own shelf without a release."""

    name = models.CharField("名称", max_length=32, unique=True)
    position = models.IntegerField("排序", default=0, help_text="数字小的排在前面")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "素材分类"
        verbose_name_plural = "素材分类"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Material(models.Model):
    kind = models.CharField("类型", max_length=16, choices=MaterialKind.choices, default=MaterialKind.COPY)
    title = models.CharField("标题", max_length=120)
    category = models.ForeignKey(
        MaterialCategory, on_delete=models.PROTECT, related_name="materials", verbose_name="分类"
    )
    # Plain text: paragraphs separated by blank lines. Pages escape it, never render it as HTML.
    body = models.TextField("正文", blank=True, default="", help_text="纯文本，空一行分段；不支持 HTML")
    copy_text = models.TextField("一键复制文案", blank=True, default="", help_text="分销商点击“复制”时复制的文字")
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="materials",
        verbose_name="关联商品",
    )
    pinned = models.BooleanField("置顶", default=False)
    is_published = models.BooleanField("已发布", default=False, db_index=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    position = models.IntegerField("排序", default=0, help_text="同为置顶或非置顶时，数字小的排在前面")
    copy_count = models.PositiveIntegerField("复制次数", default=0)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "素材"
        verbose_name_plural = "素材"
        ordering = ["-pinned", "position", "-published_at", "-id"]
        constraints = [
            # A published material always says since when, so lists can sort and show it.
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False), name="material_published_has_time"
            ),
        ]
        indexes = [
            models.Index(fields=["is_published", "category", "kind"], name="material_published_cat_kind"),
        ]

    def __str__(self) -> str:
        return self.title


def material_image_path(instance: MaterialImage, filename: str) -> str:
    """A fresh name per upload, so a new picture never overwrites another material's."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"materials/{timezone.now():%Y%m}/{uuid.uuid4().hex}.{ext}"


class MaterialImage(models.Model):
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="images", verbose_name="素材")
    image = models.ImageField("图片", upload_to=material_image_path, max_length=500)
    position = models.IntegerField("排序", default=0)

    class Meta:
        verbose_name = "素材图片"
        verbose_name_plural = "素材图片"
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.image.name


def banner_image_path(instance: Banner, filename: str) -> str:
    """A fresh name per upload, as for material pictures: replacing a banner's picture never
    overwrites a file a cached page may still show."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"banners/{timezone.now():%Y%m}/{uuid.uuid4().hex}.{ext}"


# A link is a path on this site: "/" then something that is not another "/" or "\" (browsers read
# "//host" and "/\host" as another site). No scheme, so "javascript:" or "http:" can never get in.
_SITE_PATH = re.compile(r"^/(?![/\\])[^\s\\]*$")
BANNER_LINK_ERROR = "链接必须是站内路径，以单个“/”开头，例如 /search/?q=面膜；不能填写外部网址或 javascript: 等"


def banner_link_problem(link: str) -> str | None:
    """Why ``link`` may not be a banner's link, or None. Banners send shoppers only around the
    mall: an operator's typo or a hijacked admin account must not turn the home page into a
    redirect to a phishing site or a script."""
    if not _SITE_PATH.match(link or ""):
        return BANNER_LINK_ERROR
    return None


class Banner(models.Model):
    """A home-page carousel slide written by an operator (a campaign, a new arrival, a notice),
    shown before the automatic activity slides while it is active and within its time window."""

    title = models.CharField("标题", max_length=32)
    subtitle = models.CharField("副标题", max_length=60, blank=True, default="")
    image = models.ImageField(
        "图片",
        upload_to=banner_image_path,
        max_length=500,
        blank=True,
        default="",
        help_text="建议 750×300 像素；不上传则显示文字卡片",
    )
    link = models.CharField("链接", max_length=200, help_text="站内路径，以“/”开头，例如 /search/?q=面膜")
    position = models.IntegerField("排序", default=0, help_text="数字小的排在前面")
    is_active = models.BooleanField("启用", default=True, db_index=True)
    starts_at = models.DateTimeField("开始时间", null=True, blank=True, help_text="留空表示立即开始")
    ends_at = models.DateTimeField("结束时间", null=True, blank=True, help_text="留空表示一直显示")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "首页轮播图"
        verbose_name_plural = "首页轮播图"
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__isnull=True) | Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="banner_ends_after_starts",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        """The admin form shows these next to the field; rows written in code go through
        ``full_clean`` (the demo seed does) or meet the database constraint."""
        super().clean()
        errors: dict[str, str] = {}
        problem = banner_link_problem(self.link)
        if problem:
            errors["link"] = problem
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "结束时间必须晚于开始时间"
        if errors:
            raise ValidationError(errors)
