"""``/api/v1/content/...``: the material library for distributors (active ones only).

Signed in by the mini-program's bearer token or by the H5 storefront's session (whose POSTs carry
the CSRF token in ``X-CSRFToken``, as htmx sends it), so the H5 page's one-tap copy counts through
the same endpoint as the mini-program's. ``/banners`` alone is public: the home carousel is shown to
visitors who have not signed in."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja.security import django_auth

from fenxiao.accounts.auth import user_auth
from fenxiao.content import schemas, selectors, services
from fenxiao.core.openapi_errors import answers

router = Router(tags=["素材库"], auth=[user_auth, django_auth])


@router.get("/materials", response=schemas.MaterialPageOut, summary="素材列表（已发布）", url_name="content_materials")
@answers(403)
def material_list(request: HttpRequest, filters: Query[schemas.MaterialQuery]):
    selectors.material_reader_check(user=request.auth)
    page = selectors.material_list(
        category_id=filters.category, kind=filters.kind, page=filters.page, page_size=filters.page_size
    )
    return {
        **page.shaped(lambda m: schemas.material_brief(m, request)),
        "categories": list(selectors.material_category_list().values("id", "name")),
    }


@router.get("/materials/{material_id}", response=schemas.MaterialOut, summary="素材详情", url_name="content_material")
@answers(403)
def material_detail(request: HttpRequest, material_id: int):
    selectors.material_reader_check(user=request.auth)
    return schemas.material_dict(selectors.material_get(material_id=material_id), request)


@router.post(
    "/materials/{material_id}/copied",
    response=schemas.CopiedOut,
    summary="记录一次复制",
    url_name="content_material_copied",
)
def material_copied(request: HttpRequest, material_id: int):
    selectors.material_reader_check(user=request.auth)
    count = services.material_copied(material_id=material_id, user_id=request.auth.pk)
    return {"id": material_id, "copy_count": count, "message": "已复制"}


@router.get("/banners", response=list[schemas.BannerOut], auth=None, summary="首页轮播图", url_name="content_banners")
def banner_list(request: HttpRequest):
    return [schemas.banner_dict(b, request) for b in selectors.home_banners(now=timezone.now())]
