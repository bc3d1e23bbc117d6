"""The sharing poster a distributor sends out (DESIGN §5 distributor tools): product image, title,
price, the mini-program code and who recommends it, as one 750×1334 PNG.

Pure rendering: bytes in, PNG bytes out, no database and no storage (``poster_cache`` keeps the
files). Chinese text needs a CJK font from the operating system; ``cjk_font_path`` finds one and
says which Debian package to install when there is none, instead of drawing boxes."""

from __future__ import annotations

import io
import os
import warnings
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from fenxiao.core.masking import mask_name

# Bump when the layout changes so that cached posters are drawn again (poster_cache keys on it).
LAYOUT_VERSION = 1
SIZE = WIDTH, HEIGHT = 750, 1334
MARGIN = 40
IMAGE_BOX = (WIDTH, WIDTH)
CODE_SIZE = 250
TITLE_FONT_SIZE = 38
TITLE_LINE_HEIGHT = 54
TITLE_TOP = 790
TITLE_MAX_LINES = 2
PRICE_TOP = 918
PRICE_FONT_SIZE = 60
FOOTER_TOP = 1040
ELLIPSIS = "…"

INK = (34, 34, 34)
MUTED = (136, 136, 136)
PRICE_RED = (229, 57, 53)
RULE = (230, 230, 230)
PLACEHOLDER_BG = (242, 242, 242)
PLACEHOLDER_INK = (200, 200, 200)

FONT_PACKAGE = "fonts-wqy-microhei"
# Debian's places for fonts with Chinese glyphs, the package CI installs first.
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # fonts-wqy-microhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # fonts-noto-cjk
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # fonts-wqy-zenhei
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",  # fonts-droid-fallback
)


class PosterFontMissing(ImproperlyConfigured):
    """No font that draws Chinese: a deployment problem, never the distributor's."""


def covers_cjk(font: ImageFont.FreeTypeFont) -> bool:
    """True when the font has a real glyph for Chinese rather than its "missing glyph" box."""
    glyph = font.getmask("分销")
    missing = font.getmask("\uffff\uffff")
    return glyph.getbbox() is not None and (glyph.size, bytes(glyph)) != (missing.size, bytes(missing))


@lru_cache(maxsize=16)
def _usable(path: str) -> bool:
    try:
        return covers_cjk(ImageFont.truetype(path, 24))
    except OSError:
        return False


def cjk_font_path() -> str:
    """``POSTER_FONT_PATH`` (setting, then environment) when set, else the first Debian CJK font found.

    A configured path that does not draw Chinese is an error, not a reason to look elsewhere: the
    operator asked for that font."""
    configured = getattr(settings, "POSTER_FONT_PATH", "") or os.environ.get("POSTER_FONT_PATH", "")
    if configured:
        if not _usable(str(configured)):
            raise PosterFontMissing(
                f"POSTER_FONT_PATH={configured} is not a readable font with Chinese glyphs; "
                f"point it at a CJK font or install the Debian package {FONT_PACKAGE}."
            )
        return str(configured)
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file() and _usable(candidate):
            return candidate
    raise PosterFontMissing(
        f"No font with Chinese glyphs for posters: install the Debian package {FONT_PACKAGE} "
        f"(apt-get install -y {FONT_PACKAGE}) or set POSTER_FONT_PATH to a CJK font file."
    )


@lru_cache(maxsize=32)
def _font_at(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def poster_font(size: int) -> ImageFont.FreeTypeFont:
    return _font_at(cjk_font_path(), size)


def format_price(price_fen: int) -> str:
    """``3990 -> ¥39.90``, by integer division: no float ever touches money."""
    if isinstance(price_fen, bool) or not isinstance(price_fen, int) or price_fen < 0:
        raise ValueError(f"price_fen must be a non-negative integer, got {price_fen!r}")
    yuan, fen = divmod(price_fen, 100)
    return f"¥{yuan}.{fen:02d}"


def _cut_with_ellipsis(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> str:
    while text and font.getlength(text + ELLIPSIS) > max_width:
        text = text[:-1]
    return text.rstrip() + ELLIPSIS


def fit_with_ellipsis(text: str, font: ImageFont.FreeTypeFont, max_width: int) -> str:
    return text if font.getlength(text) <= max_width else _cut_with_ellipsis(text, font, max_width)


def wrap_title(title: str, font: ImageFont.FreeTypeFont, max_width: int, max_lines: int = TITLE_MAX_LINES) -> list[str]:
    """Break by character (Chinese has no spaces to break at); what does not fit ends in an ellipsis."""
    text = " ".join(title.split())
    lines: list[str] = []
    current = ""
    for char in text:
        if current and font.getlength(current + char) > max_width:
            lines.append(current.rstrip())
            current = char.lstrip()
        else:
            current += char
    if current:
        lines.append(current)
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    kept[-1] = _cut_with_ellipsis(kept[-1], font, max_width)
    return kept


def _on_white(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, "white")
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _open_image(data: bytes, *, reduce_to: tuple[int, int]) -> Image.Image:
    with warnings.catch_warnings():
        # A decompression bomb is refused like any unreadable upload, not just logged.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = Image.open(io.BytesIO(data))
        image.draft("RGB", reduce_to)  # JPEG decodes at a fraction of its size: far less memory
        image.load()
    return _on_white(ImageOps.exif_transpose(image))


def _product_panel(product_image: bytes | None) -> Image.Image:
    if product_image:
        try:
            return ImageOps.fit(_open_image(product_image, reduce_to=IMAGE_BOX), IMAGE_BOX, Image.Resampling.LANCZOS)
        except (
            UnidentifiedImageError,
            OSError,
            ValueError,
            SyntaxError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ):
            pass  # a broken supplier image must not stop the distributor from sharing
    return placeholder_panel()


def placeholder_panel() -> Image.Image:
    """A neutral picture sign on grey, for products without a usable image."""
    panel = Image.new("RGB", IMAGE_BOX, PLACEHOLDER_BG)
    draw = ImageDraw.Draw(panel)
    cx, cy = WIDTH // 2, WIDTH // 2 - 30
    draw.rounded_rectangle((cx - 110, cy - 85, cx + 110, cy + 85), radius=16, outline=PLACEHOLDER_INK, width=8)
    draw.ellipse((cx - 70, cy - 55, cx - 30, cy - 15), fill=PLACEHOLDER_INK)
    draw.polygon(
        [(cx - 90, cy + 65), (cx - 20, cy - 5), (cx + 20, cy + 35), (cx + 50, cy + 5), (cx + 90, cy + 65)],
        fill=PLACEHOLDER_INK,
    )
    draw.text((cx, cy + 140), "暂无商品图片", fill=PLACEHOLDER_INK, font=poster_font(32), anchor="mm")
    return panel


def _code_panel(code_image: bytes) -> Image.Image:
    try:
        code = _open_image(code_image, reduce_to=(CODE_SIZE, CODE_SIZE))
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ValueError("code_image is not a readable image") from exc
    return ImageOps.contain(code, (CODE_SIZE, CODE_SIZE), Image.Resampling.LANCZOS)


def recommender_line(distributor_name: str) -> str:
    """The distributor's name as strangers may see it (masked), or a neutral word when unknown."""
    return f"{mask_name(distributor_name.strip()) or '好友'} 推荐"


def render_poster(
    *,
    title: str,
    price_fen: int,
    product_image: bytes | None,
    code_image: bytes,
    distributor_name: str,
    tagline: str = "长按识别小程序码",
) -> bytes:
    price = format_price(price_fen)
    canvas = Image.new("RGB", SIZE, "white")
    canvas.paste(_product_panel(product_image), (0, 0))
    draw = ImageDraw.Draw(canvas)
    text_width = WIDTH - 2 * MARGIN

    title_font = poster_font(TITLE_FONT_SIZE)
    for i, line in enumerate(wrap_title(title, title_font, text_width)):
        draw.text((MARGIN, TITLE_TOP + i * TITLE_LINE_HEIGHT), line, fill=INK, font=title_font)
    draw.text((MARGIN, PRICE_TOP), price, fill=PRICE_RED, font=poster_font(PRICE_FONT_SIZE))

    draw.line((MARGIN, FOOTER_TOP, WIDTH - MARGIN, FOOTER_TOP), fill=RULE, width=2)
    code = _code_panel(code_image)
    code_left = WIDTH - MARGIN - CODE_SIZE
    code_top = FOOTER_TOP + (HEIGHT - FOOTER_TOP - CODE_SIZE) // 2
    canvas.paste(code, (code_left + (CODE_SIZE - code.width) // 2, code_top + (CODE_SIZE - code.height) // 2))

    left_width = code_left - 2 * MARGIN
    name_font = poster_font(34)
    tagline_font = poster_font(26)
    middle = code_top + CODE_SIZE // 2
    draw.text(
        (MARGIN, middle - 12),
        fit_with_ellipsis(recommender_line(distributor_name), name_font, left_width),
        fill=INK,
        font=name_font,
        anchor="ls",
    )
    draw.text(
        (MARGIN, middle + 24),
        fit_with_ellipsis(tagline, tagline_font, left_width),
        fill=MUTED,
        font=tagline_font,
        anchor="lt",
    )

    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=False)
    return out.getvalue()
