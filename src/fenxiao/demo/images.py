"""Offline demo images drawn with Pillow: a soft background per top category, a simple product
silhouette (bottle, tube, jar, box, can, bag, pack, shirt) and the product code in Latin letters.

Images are palette PNGs (8 colours, no anti-aliasing), about 2 KB each and ~2 ms to draw and
encode, so a full catalogue takes a couple of seconds. The bytes depend only on the arguments,
never on time or randomness, so the same plan writes byte-identical files."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

from .names import Sub, Top

SIZE = 480
ICON_SIZE = 120
RGB = tuple[int, int, int]
# Palette slots.
BG, SHADOW, BODY, DARK, LABEL, LINE, TEXT, LIGHT = range(8)


_local = threading.local()


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's bundled Latin font (needs FreeType); one per thread, since a FreeType face is not
    safe to share between threads."""
    fonts = _local.__dict__.setdefault("fonts", {})
    if size not in fonts:
        try:
            fonts[size] = ImageFont.load_default(size=size)
        except (ImportError, OSError, TypeError):  # pragma: no cover - Pillow built without FreeType
            fonts[size] = ImageFont.load_default()
    return fonts[size]


def _mix(c: RGB, other: RGB, pct: int) -> RGB:
    """``pct`` percent of the way from colour ``c`` to ``other`` (integer maths)."""
    return tuple(a + (b - a) * pct // 100 for a, b in zip(c, other, strict=True))  # type: ignore[return-value]


def _palette(bg: RGB, accent: RGB) -> list[int]:
    colours = [
        bg,
        _mix(bg, (90, 90, 90), 12),
        accent,
        _mix(accent, (0, 0, 0), 40),
        (255, 255, 255),
        _mix(accent, (255, 255, 255), 65),
        (70, 70, 80),
        _mix(accent, (255, 255, 255), 40),
    ]
    return [v for c in colours for v in c]


class _Pen:
    """Draws a shape centred at (cx, cy), designed on a 100% scale where the product is ~320 px tall."""

    def __init__(self, draw: ImageDraw.ImageDraw, cx: int, cy: int, scale: int):
        self.d, self.cx, self.cy, self.s = draw, cx, cy, scale

    def p(self, x: int, y: int) -> tuple[int, int]:
        return self.cx + x * self.s // 100, self.cy + y * self.s // 100

    def box(self, x0: int, y0: int, x1: int, y1: int) -> tuple[int, int, int, int]:
        return (*self.p(x0, y0), *self.p(x1, y1))

    def rect(self, x0: int, y0: int, x1: int, y1: int, fill: int, radius: int = 0) -> None:
        r = radius * self.s // 100
        if r:
            self.d.rounded_rectangle(self.box(x0, y0, x1, y1), radius=r, fill=fill)
        else:
            self.d.rectangle(self.box(x0, y0, x1, y1), fill=fill)

    def ellipse(self, x0: int, y0: int, x1: int, y1: int, fill: int | None = None, outline=None, width=1) -> None:
        self.d.ellipse(self.box(x0, y0, x1, y1), fill=fill, outline=outline, width=max(1, width * self.s // 100))

    def poly(self, points: list[tuple[int, int]], fill: int) -> None:
        self.d.polygon([self.p(x, y) for x, y in points], fill=fill)

    def label(self, x0: int, y0: int, x1: int, y1: int) -> None:
        """A white label with three grey "text" lines, standing in for CJK text we cannot render."""
        self.rect(x0, y0, x1, y1, LABEL, radius=8)
        step = (y1 - y0) // 4
        for i, width in enumerate((70, 90, 50)):
            left = x0 + (x1 - x0) * 10 // 100
            right = left + (x1 - x0) * width * 80 // 10000
            top = y0 + step * (i + 1) - 5
            self.rect(left, top, right, top + 9, DARK if i == 0 else LINE, radius=3)


def _bottle(pen: _Pen) -> None:
    pen.rect(-70, -80, 70, 150, BODY, radius=36)
    pen.rect(-28, -118, 28, -76, BODY)
    pen.rect(-38, -165, 38, -114, DARK, radius=8)
    pen.rect(-56, -58, -42, 120, LIGHT, radius=6)
    pen.label(-40, 0, 56, 100)


def _tube(pen: _Pen) -> None:
    pen.poly([(-80, -140), (80, -140), (58, 110), (-58, 110)], BODY)
    pen.rect(-86, -165, 86, -138, DARK, radius=4)
    pen.rect(-34, 108, 34, 165, DARK, radius=6)
    pen.rect(-66, -120, -52, 80, LIGHT, radius=5)
    pen.label(-40, -70, 52, 40)


def _jar(pen: _Pen) -> None:
    pen.rect(-115, -40, 115, 145, BODY, radius=30)
    pen.rect(-125, -95, 125, -34, DARK, radius=12)
    pen.rect(-100, -20, -84, 125, LIGHT, radius=6)
    pen.label(-70, 10, 100, 110)


def _box(pen: _Pen) -> None:
    pen.rect(-125, -75, 85, 150, BODY)
    pen.poly([(-125, -75), (-85, -125), (125, -125), (85, -75)], LIGHT)
    pen.poly([(85, -75), (125, -125), (125, 100), (85, 150)], DARK)
    pen.label(-100, -30, 60, 110)


def _can(pen: _Pen) -> None:
    pen.rect(-85, -115, 85, 140, BODY)
    pen.ellipse(-85, 120, 85, 160, BODY)
    pen.ellipse(-85, -135, 85, -95, LIGHT)
    pen.ellipse(-60, -128, 60, -102, DARK, outline=None)
    pen.rect(-85, -40, 85, 80, LABEL)
    pen.label(-60, -30, 60, 70)


def _bag(pen: _Pen) -> None:
    pen.rect(-105, -125, 105, 150, BODY, radius=22)
    pen.rect(-105, -150, 105, -118, DARK, radius=4)
    for x in range(-100, 100, 20):
        pen.poly([(x, -118), (x + 10, -108), (x + 20, -118)], DARK)
    pen.ellipse(-60, -70, 60, 30, LABEL)
    pen.ellipse(-40, -50, 40, 10, LIGHT)
    pen.label(-75, 55, 75, 130)


def _pack(pen: _Pen) -> None:
    pen.ellipse(-55, -135, 55, -45, outline=DARK, width=16)
    pen.rect(-145, -75, 145, 140, BODY, radius=44)
    pen.rect(-120, -55, -100, 115, LIGHT, radius=8)
    pen.label(-70, -30, 110, 100)


def _shirt(pen: _Pen) -> None:
    right = [(22, -115), (55, -135), (140, -75), (110, -15), (80, -40), (80, 145)]
    pen.poly([(-x, y) for x, y in reversed(right)] + right, BODY)
    pen.ellipse(-24, -130, 24, -100, DARK)
    pen.rect(-40, 20, 40, 95, LABEL, radius=8)
    pen.rect(-25, 45, 25, 60, LINE, radius=4)


SHAPES: dict[str, Callable[[_Pen], None]] = {
    "bottle": _bottle,
    "tube": _tube,
    "jar": _jar,
    "box": _box,
    "can": _can,
    "bag": _bag,
    "pack": _pack,
    "shirt": _shirt,
}


def _canvas(size: int, top: Top, accent: RGB) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("P", (size, size), BG)
    image.putpalette(_palette(top.bg, accent))
    return image, ImageDraw.Draw(image)


def _png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG", compress_level=6)
    return buf.getvalue()


def _product(draw: ImageDraw.ImageDraw, shape: str, cx: int, cy: int, scale: int) -> None:
    pen = _Pen(draw, cx, cy, scale)
    pen.ellipse(-130, 150, 130, 190, SHADOW)
    SHAPES[shape](pen)


def product_png(*, code: str, top: Top, sub: Sub, accent: int) -> bytes:
    """The main image: one product, the top category's label and the product code."""
    image, draw = _canvas(SIZE, top, top.accents[accent % len(top.accents)])
    _product(draw, sub.shape, SIZE // 2, 236, 100)
    draw.rounded_rectangle((20, 20, 150, 56), radius=18, fill=LABEL)
    draw.text((85, 38), top.label, font=_font(20), fill=TEXT, anchor="mm")
    draw.text((SIZE - 24, 38), "DEMO", font=_font(20), fill=DARK, anchor="rm")
    draw.text((SIZE // 2, 448), code, font=_font(30), fill=TEXT, anchor="mm")
    return _png(image)


def gallery_png(*, top: Top, sub: Sub, variant: int) -> bytes:
    """Shared gallery pictures per subcategory: a pair, a close-up, a product among dots."""
    accent = top.accents[variant % len(top.accents)]
    image, draw = _canvas(SIZE, top, accent)
    if variant == 1:
        _product(draw, sub.shape, 150, 250, 62)
        _product(draw, sub.shape, 330, 250, 62)
    elif variant == 2:
        _product(draw, sub.shape, 250, 262, 120)
    else:
        for i in range(12):
            x, y = 40 + (i * 97) % 400, 40 + (i * 151) % 400
            draw.ellipse((x, y, x + 26, y + 26), fill=LINE)
        _product(draw, sub.shape, SIZE // 2, 240, 90)
    caption = f"{top.label} / {sub.slug.upper()}"
    draw.rounded_rectangle((20, 20, 40 + 12 * len(caption), 56), radius=18, fill=LABEL)
    draw.text((30, 38), caption, font=_font(20), fill=TEXT, anchor="lm")
    return _png(image)


def icon_png(*, top: Top, sub: Sub | None = None) -> bytes:
    """A small round category icon: the subcategory's silhouette (the first child's for a top)."""
    shape_sub = sub or top.subs[0]
    image, draw = _canvas(ICON_SIZE, top, top.accents[0 if sub is None else top.subs.index(sub) % len(top.accents)])
    draw.ellipse((4, 4, ICON_SIZE - 4, ICON_SIZE - 4), fill=LABEL if sub else LIGHT)
    _product(draw, shape_sub.shape, ICON_SIZE // 2, ICON_SIZE // 2, 22)
    return _png(image)


def write(name: str, data: bytes) -> str:
    """Save under exactly ``name`` (replacing an older file), never under a storage-made alternative."""
    if default_storage.exists(name):
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(data))
    if saved != name:  # pragma: no cover - a storage that renames on its own
        raise RuntimeError(f"storage saved {name!r} as {saved!r}")
    return saved
