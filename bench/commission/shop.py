"""The shop both measurements run in: a SKU in a category of its own, shoppers with a default
address."""

from __future__ import annotations

ADDRESS = {
    "receiver": "张三",
    "phone": "13800138000",
    "province": "广东省",
    "city": "深圳市",
    "district": "南山区",
    "detail": "科技园南区 1 栋 101",
}


def catalogue_sku(price_fen: int, code: str):
    from fenxiao.catalog.models import Category, Product, Sku, Supplier
    from fenxiao.inventory.models import Stock

    supplier, _ = Supplier.objects.get_or_create(name="品牌自营")
    top = Category.objects.create(name=f"分类{code}")
    category = Category.objects.create(name=f"子类{code}", parent=top)
    product = Product.objects.create(
        code=f"P{code}", supplier=supplier, category=category, title=f"基准商品{code}", is_on_shelf=True
    )
    sku = Sku.objects.create(product=product, code=f"S{code}", price_fen=price_fen, weight_g=100)
    Stock.objects.create(sku=sku, quantity=5_000_000)
    return sku


def make_shopper(name: str):
    from fenxiao.accounts.models import Address, User

    user = User.objects.create(username=f"wx_{name}", openid=f"openid-{name}", nickname=name)
    Address.objects.create(user=user, is_default=True, **ADDRESS)
    return user
