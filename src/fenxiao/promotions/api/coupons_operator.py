"""The operator's coupon templates under ``/api/v1/admin/coupon-templates``: create, list, update,
pause, resume and a claimed/used report. Each endpoint calls the same service as the admin."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from fenxiao.accounts.auth import staff_auth
from fenxiao.core.errors import NotFound
from fenxiao.core.paging import paginate
from fenxiao.promotions.api.coupon_schemas import (
    CouponReportOut,
    TemplateAdminOut,
    TemplateIn,
    TemplatePageOut,
    TemplatePatch,
    template_admin_dict,
)
from fenxiao.promotions.coupons import selectors, templates
from fenxiao.promotions.coupons.rules import label_for
from fenxiao.promotions.models import CouponTemplate

router = Router(tags=["优惠券运营"], auth=staff_auth)


class CouponListQuery(Schema):
    status: str | None = None
    page: Annotated[int, Field(ge=1)] = 1
    page_size: Annotated[int, Field(ge=1, le=100)] = 20


def _out(t: CouponTemplate) -> dict:
    return template_admin_dict(t, label_for(selectors.coupon_spec(t)))


def _get(template_id: int) -> CouponTemplate:
    t = CouponTemplate.objects.filter(pk=template_id).first()
    if t is None:
        raise NotFound("COUPON_TEMPLATE_NOT_FOUND", "优惠券不存在")
    return t


@router.post("/coupon-templates", response={201: TemplateAdminOut}, summary="创建优惠券")
def create(request: HttpRequest, body: TemplateIn):
    fields = body.model_dump(exclude={"category_ids", "product_ids"})
    t = templates.coupon_template_create(fields=fields, category_ids=body.category_ids, product_ids=body.product_ids)
    return Status(201, _out(t))


@router.get("/coupon-templates", response=TemplatePageOut, summary="优惠券列表")
def template_list(request: HttpRequest, q: Query[CouponListQuery]):
    qs = CouponTemplate.objects.prefetch_related("categories", "products").order_by("-id")
    if q.status:
        qs = qs.filter(status=q.status)
    return paginate(qs, page=q.page, page_size=q.page_size).shaped(lambda t: _out(t))


@router.get("/coupon-templates/{template_id}", response=TemplateAdminOut, summary="优惠券详情")
def detail(request: HttpRequest, template_id: int):
    return _out(_get(template_id))


@router.patch("/coupon-templates/{template_id}", response=TemplateAdminOut, summary="修改优惠券")
def update(request: HttpRequest, template_id: int, body: TemplatePatch):
    given = body.model_dump(exclude_unset=True)
    t = templates.coupon_template_update(
        template_id=template_id,
        fields={k: v for k, v in given.items() if k not in ("category_ids", "product_ids")},
        category_ids=given.get("category_ids"),
        product_ids=given.get("product_ids"),
    )
    return _out(t)


@router.post("/coupon-templates/{template_id}/pause", response=TemplateAdminOut, summary="暂停发放")
def pause(request: HttpRequest, template_id: int):
    return _out(templates.coupon_template_pause(template_id=template_id))


@router.post("/coupon-templates/{template_id}/resume", response=TemplateAdminOut, summary="恢复发放")
def resume(request: HttpRequest, template_id: int):
    return _out(templates.coupon_template_resume(template_id=template_id))


@router.get("/coupon-templates/{template_id}/report", response=CouponReportOut, summary="领用统计")
def report(request: HttpRequest, template_id: int):
    t = _get(template_id)
    return {
        "template_id": t.pk,
        "name": t.name,
        "status": t.status,
        **selectors.coupon_template_report(template=t, now=timezone.now()),
    }
