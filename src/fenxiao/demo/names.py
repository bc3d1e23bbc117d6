"""Name tables for the demo catalogue: four top categories, their children, fictional brands,
product words, selling points and the spec axes that make sense for each kind of goods.

Encodings kept terse so the tables stay readable:

- an item is ``"产品词@净含量"`` (the part after ``@`` goes into the title, and may be empty);
- an axis is ``(规格名, "选项|价格百分比/选项|价格百分比/...", 最少选几个, 最多选几个)``; the percentage
  scales the SKU's price and weight against the product's base (100 = same price, e.g. colours).
"""

from __future__ import annotations

from dataclasses import dataclass

Axis = tuple[str, str, int, int]


@dataclass(frozen=True)
class Sub:
    name: str
    slug: str
    shape: str  # silhouette drawn on the generated image: bottle, tube, jar, box, can, bag, pack, shirt
    items: tuple[str, ...]
    points: tuple[str, ...]
    axes: tuple[Axis, ...]
    price_yuan: tuple[int, int]  # base price range of the cheapest variant
    weight_g: int


@dataclass(frozen=True)
class Top:
    name: str
    code: str  # Latin code used in product codes and on images (no CJK font on the machine)
    label: str  # Latin label printed on images
    bg: tuple[int, int, int]  # soft background colour
    accents: tuple[tuple[int, int, int], ...]  # product body colours
    supplier: str
    brands: tuple[str, ...]
    origins: tuple[str, ...]
    shelf_life: tuple[str, ...]
    subs: tuple[Sub, ...]


SELF_SUPPLIER = "Fenxiao 自营仓"

SUPPLIER_CONTACTS = {
    SELF_SUPPLIER: ("王经理", "0571-88000001"),
    "杭州美研供应链有限公司": ("陈丽", "0571-86001234"),
    "上海优贝母婴用品有限公司": ("刘洋", "021-64005678"),
    "山东鲜丰食品有限公司": ("孙强", "0531-82009012"),
    "义乌好家日用品有限公司": ("周敏", "0579-85003456"),
}

PACKS = ("规格", "单件装|100/两件装|185/三件装|265", 2, 3)
SCENTS = ("香型", "白茶|100/樱花|100/海盐|100/柑橘|100/无香|100", 2, 3)
FLAVOURS = ("口味", "原味|100/香辣味|100/五香味|100/蜂蜜黄油|105/海苔味|100/黑椒味|100", 2, 4)
