"""The welcome page a merchant sees after ``make run``: the live catalogue and where to go next.
The full H5 storefront replaces it in a later issue; it uses the same selectors as the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fenxiao.catalog import selectors
from fenxiao.catalog.schemas import product_card
from fenxiao.core.money import fen_to_yuan


def home(request: HttpRequest) -> HttpResponse:
    page = selectors.product_list_for_shopper(sort="sales", page=1, page_size=12)
    cards = [{**product_card(p, request), "price_yuan": fen_to_yuan(p.min_price_fen or 0)} for p in page.items]
    return render(
        request,
        "storefront/home.html",
        {"categories": selectors.category_tree(), "products": cards, "product_count": page.count},
    )
