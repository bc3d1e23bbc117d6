"""The sharing poster: a 750×1334 PNG whose Chinese text is real glyphs, whose price is exact to the
fen, whose code still scans, which never shows a distributor's full name and never fails on a
broken product image; and the storage cache that draws each poster and code only once."""

from __future__ import annotations

import io
import re

import pytest
import respx
import zxingcpp
from django.core.files.storage import default_storage
from PIL import Image, ImageFont

from fenxiao.distribution.centre import poster, poster_cache
from fenxiao.distribution.centre.poster import (
    ELLIPSIS,
    FONT_PACKAGE,
    PosterFontMissing,
    cjk_font_path,
    covers_cjk,
    format_price,
    placeholder_panel,
    poster_font,
    recommender_line,
    render_poster,
    wrap_title,
)
from fenxiao.integrations.wechat.miniprogram import factory
from fenxiao.integrations.wechat.miniprogram.sandbox import sandbox_wxacode_png

PAGE = "pages/product/detail"
SHARE_PATH = "pages/product/detail?scene=D42"
DEJAVU = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
TITLE_BOX = (poster.MARGIN, poster.TITLE_TOP, poster.WIDTH - poster.MARGIN, poster.PRICE_TOP)
NAME_BOX = (poster.MARGIN, poster.FOOTER_TOP + 10, poster.WIDTH - poster.MARGIN - poster.CODE_SIZE, poster.HEIGHT)


@pytest.fixture(scope="module")
def code_png() -> bytes:
    return sandbox_wxacode_png(page=PAGE, scene="D42", width=430)


def image_bytes(color, size=(1200, 600), kind="JPEG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=kind)
    return out.getvalue()


def decode(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png))


def draw(code_png: bytes, **overrides) -> bytes:
    kwargs = {
        "title": "云南高山普洱熟茶 357克",
        "price_fen": 3990,
        "product_image": image_bytes("navy"),
        "code_image": code_png,
        "distributor_name": "张三",
    }
    return render_poster(**{**kwargs, **overrides})


def region(png: bytes, box) -> bytes:
    return decode(png).convert("RGB").crop(box).tobytes()


# --- fonts -----------------------------------------------------------------------------------------


def test_the_poster_font_draws_chinese_and_the_check_tells_tofu_apart():
    assert covers_cjk(poster_font(40))
    assert not covers_cjk(ImageFont.truetype(DEJAVU, 40))  # a Latin font draws boxes: the check sees it


def test_poster_font_path_setting_comes_first(settings):
    settings.POSTER_FONT_PATH = cjk_font_path()
    assert cjk_font_path() == settings.POSTER_FONT_PATH


@pytest.mark.parametrize("path", [DEJAVU, "/nonexistent/font.ttc"], ids=["latin-only", "missing"])
def test_a_configured_font_that_cannot_draw_chinese_is_refused(settings, path):
    settings.POSTER_FONT_PATH = path

    with pytest.raises(PosterFontMissing, match=re.escape(path)):
        cjk_font_path()


def test_no_cjk_font_anywhere_names_the_debian_package_to_install(settings, monkeypatch):
    settings.POSTER_FONT_PATH = ""
    monkeypatch.delenv("POSTER_FONT_PATH", raising=False)
    monkeypatch.setattr(poster, "FONT_CANDIDATES", ("/nonexistent/a.ttc", DEJAVU))

    with pytest.raises(PosterFontMissing, match=f"apt-get install -y {FONT_PACKAGE}"):
        cjk_font_path()


# --- the picture -----------------------------------------------------------------------------------


def test_poster_is_a_750_by_1334_png(code_png):
    image = decode(draw(code_png))

    assert image.format == "PNG"
    assert image.size == (750, 1334)


def test_the_chinese_title_is_drawn_as_glyphs_not_boxes(code_png):
    with_title = region(draw(code_png, title="分销好物"), TITLE_BOX)
    empty = region(draw(code_png, title=""), TITLE_BOX)
    tofu = region(draw(code_png, title="\uffff\uffff\uffff\uffff"), TITLE_BOX)

    assert with_title != empty
    assert with_title != tofu
    assert (
        region(draw(code_png, title="分销好物"), TITLE_BOX) == with_title
    )  # deterministic, so the above means something


def test_the_code_on_the_poster_still_scans_to_the_share_path(code_png):
    texts = [r.text for r in zxingcpp.read_barcodes(decode(draw(code_png)))]

    assert texts == [SHARE_PATH]


def test_a_wide_product_image_is_cover_cropped_without_bars(code_png):
    panel = decode(draw(code_png, product_image=image_bytes((200, 30, 30), size=(1600, 500)))).convert("RGB")

    for xy in [(0, 0), (749, 0), (0, 749), (749, 749), (375, 375)]:
        assert all(abs(a - b) <= 3 for a, b in zip(panel.getpixel(xy), (200, 30, 30), strict=True))


def test_a_transparent_product_image_sits_on_white(code_png):
    clear = io.BytesIO()
    Image.new("RGBA", (800, 800), (0, 0, 0, 0)).save(clear, format="PNG")

    assert decode(draw(code_png, product_image=clear.getvalue())).convert("RGB").getpixel((375, 375)) == (255, 255, 255)


@pytest.mark.parametrize(
    "broken",
    [b"not an image", image_bytes("navy")[:400], b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, b""],
    ids=["garbage", "truncated-jpeg", "png-header-only", "empty"],
)
def test_an_unreadable_product_image_gets_the_placeholder_not_a_crash(code_png, broken):
    image = decode(draw(code_png, product_image=broken)).convert("RGB")

    assert image.crop((0, 0, 750, 750)).tobytes() == placeholder_panel().tobytes()


def test_no_product_image_gets_the_placeholder(code_png):
    assert draw(code_png, product_image=None) == draw(code_png, product_image=b"junk")


def test_an_unreadable_code_image_is_an_error_not_a_poster_without_code(code_png):
    with pytest.raises(ValueError, match="code_image"):
        draw(code_png, code_image=b"nope")


# --- text rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fen", "shown"), [(0, "¥0.00"), (5, "¥0.05"), (90, "¥0.90"), (3990, "¥39.90"), (100000, "¥1000.00")]
)
def test_price_is_shown_in_yuan_exact_to_the_fen(fen, shown):
    assert format_price(fen) == shown


@pytest.mark.parametrize("bad", [-1, 39.9, "3990", True])
def test_price_must_be_non_negative_integer_fen(bad):
    with pytest.raises(ValueError):
        format_price(bad)


def test_the_price_drawn_changes_with_the_price(code_png):
    price_box = (poster.MARGIN, poster.PRICE_TOP, poster.WIDTH, poster.FOOTER_TOP)

    assert region(draw(code_png, price_fen=3990), price_box) != region(draw(code_png, price_fen=3999), price_box)


def test_a_long_title_is_cut_to_two_lines_ending_in_an_ellipsis():
    font = poster_font(poster.TITLE_FONT_SIZE)
    title = "云南高山普洱熟茶 357克 七子饼 十年陈香 礼盒装 送礼佳品 口感醇厚回甘持久 买二送一 限时包邮"

    lines = wrap_title(title, font, 670)

    assert len(lines) == 2
    assert lines[1].endswith(ELLIPSIS)
    assert all(font.getlength(line) <= 670 for line in lines)
    assert "".join(lines).replace(" ", "").startswith("云南高山普洱熟茶357克")


def test_a_short_title_stays_whole():
    assert wrap_title("  短标题\n新品 ", poster_font(poster.TITLE_FONT_SIZE), 670) == ["短标题 新品"]


def test_a_long_title_draws_nothing_below_its_second_line(code_png):
    below = (poster.MARGIN, poster.TITLE_TOP + 2 * poster.TITLE_LINE_HEIGHT + 8, poster.WIDTH, poster.PRICE_TOP - 4)

    blank = region(draw(code_png, title=""), below)

    assert region(draw(code_png, title="超长标题" * 40), below) == blank


@pytest.mark.parametrize(
    ("name", "line"), [("张三", "张* 推荐"), ("欧阳娜娜", "欧*** 推荐"), ("Alice", "A**** 推荐"), ("", "好友 推荐")]
)
def test_the_recommender_is_masked_like_everywhere_else(name, line):
    assert recommender_line(name) == line


def test_the_full_name_never_reaches_the_pixels(code_png):
    zhang_san = region(draw(code_png, distributor_name="张三"), NAME_BOX)

    assert region(draw(code_png, distributor_name="张四"), NAME_BOX) == zhang_san  # both are 张*
    assert region(draw(code_png, distributor_name="李四"), NAME_BOX) != zhang_san


# --- the cache -------------------------------------------------------------------------------------


class CountingRender:
    def __init__(self, png: bytes):
        self.png = png
        self.calls = 0

    def __call__(self) -> bytes:
        self.calls += 1
        return self.png


def poster_keys(price_fen=3990, **changes):
    keys = {"distributor": "D42", "product": 7, "updated_at": "2025-01-02T03:04:05+00:00", "price": price_fen}
    keys.update(changes)
    return list(keys.values())


def stored_name(url: str) -> str:
    return url.removeprefix("/media/")


def test_a_poster_is_rendered_once_and_then_served_from_storage(code_png):
    render = CountingRender(draw(code_png))

    first = poster_cache.poster_url(key_parts=poster_keys(), render=render)
    second = poster_cache.poster_url(key_parts=poster_keys(), render=render)

    assert first == second
    assert render.calls == 1
    assert re.fullmatch(r"/media/posters/[0-9a-f]{64}\.png", first)
    with default_storage.open(stored_name(first)) as stored:
        assert stored.read() == render.png


@pytest.mark.parametrize(
    "changed",
    [{"price": 3999}, {"distributor": "D43"}, {"product": 8}, {"updated_at": "2025-01-02T03:04:06+00:00"}],
    ids=["price", "distributor", "product", "product-updated"],
)
def test_a_change_in_what_the_poster_shows_makes_a_new_file(code_png, changed):
    render = CountingRender(draw(code_png))
    before = poster_cache.poster_url(key_parts=poster_keys(), render=render)

    after = poster_cache.poster_url(key_parts=poster_keys(**changed), render=render)

    assert after != before
    assert render.calls == 2
    assert default_storage.exists(stored_name(before)) and default_storage.exists(stored_name(after))


def test_key_parts_cannot_collide_by_joining():
    assert poster_cache.cache_key(["a|b"]) != poster_cache.cache_key(["a", "b"])
    assert poster_cache.cache_key([1]) != poster_cache.cache_key(["1"])


@pytest.mark.parametrize("part", [39.9, None, True])
def test_key_parts_are_strings_or_integers(part):
    with pytest.raises(TypeError):
        poster_cache.cache_key(["D42", part])


@pytest.fixture
def fresh_wechat_client(monkeypatch):
    monkeypatch.setattr(factory, "_client", None)
    monkeypatch.setattr(factory, "_client_key", None)


@pytest.mark.django_db
def test_the_sandbox_code_is_cached_under_wxacodes_and_scans(fresh_wechat_client):
    url = poster_cache.wxacode_url(scene="D42", page=PAGE)

    assert re.fullmatch(r"/media/wxacodes/[0-9a-f]{64}\.png", url)
    with default_storage.open(stored_name(url)) as stored:
        assert [r.text for r in zxingcpp.read_barcodes(Image.open(stored))] == [SHARE_PATH]


@pytest.mark.django_db
def test_a_live_code_is_fetched_from_wechat_once(settings, fresh_wechat_client, code_png):
    settings.WECHAT_MODE = "live"
    settings.WECHAT_APPID = "wx-test-app"
    settings.WECHAT_SECRET = "test-secret"
    settings.WECHAT_API_BASE = "https://wechat.test"
    with respx.mock(base_url="https://wechat.test", assert_all_mocked=True) as wechat:
        wechat.post("/cgi-bin/stable_token").respond(json={"access_token": "token-1", "expires_in": 7200})
        code = wechat.post("/wxa/getwxacodeunlimit").respond(content=code_png, headers={"Content-Type": "image/png"})

        first = poster_cache.wxacode_url(scene="D42", page=PAGE)
        again = poster_cache.wxacode_url(scene="D42", page=PAGE)
        other = poster_cache.wxacode_url(scene="D43", page=PAGE)

    assert first == again != other
    assert code.call_count == 2  # D42 once, D43 once


@pytest.mark.django_db
def test_a_sandbox_code_is_not_served_once_the_mall_goes_live(settings, fresh_wechat_client, code_png):
    sandbox_url = poster_cache.wxacode_url(scene="D42", page=PAGE)
    settings.WECHAT_MODE = "live"
    settings.WECHAT_APPID = "wx-test-app"
    settings.WECHAT_SECRET = "test-secret"
    settings.WECHAT_API_BASE = "https://wechat.test"
    with respx.mock(base_url="https://wechat.test", assert_all_mocked=True) as wechat:
        wechat.post("/cgi-bin/stable_token").respond(json={"access_token": "token-1", "expires_in": 7200})
        wechat.post("/wxa/getwxacodeunlimit").respond(content=code_png, headers={"Content-Type": "image/png"})

        assert poster_cache.wxacode_url(scene="D42", page=PAGE) != sandbox_url
