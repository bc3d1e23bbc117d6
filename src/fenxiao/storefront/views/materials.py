"""素材库 in the distributor centre: published materials by shelf, one-tap copy of their text and
full-size pictures to save. Only an active distributor gets in; anyone else sees why (the
services' Chinese message) on the error page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

from fenxiao.content import selectors
from fenxiao.content.models import MaterialKind
from fenxiao.content.schemas import material_brief, material_dict
from fenxiao.storefront.shortcuts import int_param, pager, render_page, shopper_page


def _centre_url() -> str:
    """Back to the distributor centre; to 我的 while the centre page is not installed."""
    try:
        return reverse("storefront:centre")
    except NoReverseMatch:
        return reverse("storefront:me")


@shopper_page
def material_list(request: HttpRequest) -> HttpResponse:
    selectors.material_reader_check(user=request.user)
    category = int_param(request.GET.get("category"))
    kind = request.GET.get("kind") if request.GET.get("kind") in MaterialKind.values else None
    page = selectors.material_list(category_id=category, kind=kind, page=int_param(request.GET.get("page"), default=1))
    context = {
        "items": [material_brief(m) for m in page.items],
        "categories": list(selectors.material_category_list()),
        "category": category,
        "kind": kind,
        "kinds": MaterialKind.choices,
        "pager": pager(page),
    }
    return render_page(request, "storefront/materials/list.html", context, title="素材库", back=_centre_url())


@shopper_page
def material_detail(request: HttpRequest, material_id: int) -> HttpResponse:
    selectors.material_reader_check(user=request.user)
    material = material_dict(selectors.material_get(material_id=material_id))
    return render_page(
        request,
        "storefront/materials/detail.html",
        {"m": material},
        title=material["kind_label"],
        back=reverse("storefront:materials"),
    )
