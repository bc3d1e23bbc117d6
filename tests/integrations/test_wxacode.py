"""Mini-program codes (getwxacodeunlimit): the sandbox draws a real QR code of the share path, the
live client is faked at the HTTP transport with respx (image, errcode, expired token), and a scene
WeChat would refuse is refused before any token or quota is spent."""

from __future__ import annotations

import io
import json

import httpx
import pytest
import respx
import zxingcpp
from PIL import Image

from fenxiao.core.errors import DomainError
from fenxiao.integrations.wechat.miniprogram import factory, gateway
from fenxiao.integrations.wechat.miniprogram.errors import WechatError
from fenxiao.integrations.wechat.miniprogram.sandbox import SANDBOX_RED, wxacode_share_path

BASE = "https://wechat.test"
WXACODE_PATH = "/wxa/getwxacodeunlimit"
PAGE = "pages/product/detail"
ALLOWED_SPECIALS = "!#$&'()*+,/:;=?@-._~"


def png_of(color: str, size: tuple[int, int] = (300, 300), kind: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format=kind)
    return out.getvalue()


def decoded_texts(png: bytes) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


@pytest.fixture(autouse=True)
def _fresh_wechat_client(monkeypatch):
    """The factory keeps one client per process; each test builds its own from its settings."""
    monkeypatch.setattr(factory, "_client", None)
    monkeypatch.setattr(factory, "_client_key", None)


@pytest.fixture
def wechat(settings):
    """Live mode with WeChat's servers faked at the transport; an unplanned call fails the test."""
    settings.WECHAT_MODE = "live"
    settings.WECHAT_APPID = "wx-test-app"
    settings.WECHAT_SECRET = "test-secret"
    settings.WECHAT_API_BASE = BASE
    with respx.mock(base_url=BASE, assert_all_called=False, assert_all_mocked=True) as router:
        router.post("/cgi-bin/stable_token").respond(json={"access_token": "token-1", "expires_in": 7200})
        yield router


# --- sandbox ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("scene", ["D42", "d0000042p17", "a=1&b=2", ALLOWED_SPECIALS, "X" * 32])
def test_sandbox_code_scans_to_the_share_path(scene):
    png = gateway.wxacode_unlimited(scene=scene, page=PAGE)

    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (430, 430)
    assert decoded_texts(png) == [wxacode_share_path(page=PAGE, scene=scene)]


def test_the_share_path_carries_the_scene_uri_encoded_as_wechat_hands_it_over():
    assert wxacode_share_path(page=PAGE, scene="D42") == "pages/product/detail?scene=D42"
    assert wxacode_share_path(page=PAGE, scene="a=1&b=2") == "pages/product/detail?scene=a%3D1%26b%3D2"


@pytest.mark.django_db
@pytest.mark.parametrize("width", [280, 1280])
def test_sandbox_code_has_the_requested_width_and_still_scans(width):
    png = gateway.wxacode_unlimited(scene="D42", page=PAGE, width=width)

    assert Image.open(io.BytesIO(png)).size == (width, width)
    assert decoded_texts(png) == ["pages/product/detail?scene=D42"]


@pytest.mark.django_db
def test_sandbox_code_is_visibly_marked_as_sandbox():
    image = Image.open(io.BytesIO(gateway.wxacode_unlimited(scene="D42", page=PAGE))).convert("RGB")

    band = dict((color, count) for count, color in image.crop((10, 370, 420, 420)).getcolors(maxcolors=100_000))
    assert band.get(SANDBOX_RED, 0) > 10_000  # a red band under the code...
    assert band.get((255, 255, 255), 0) > 300  # ...with the white 沙箱 label drawn on it
    assert image.getpixel((1, 1)) == image.getpixel((428, 200)) == SANDBOX_RED  # and a red frame all round


# --- validation ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "scene",
    ["", "X" * 33, "分销商", "a b", "a%20b", "a\nb", "<b>", "a\\b", "a\"b", "D42\n", "ｄ42"],
    ids=["empty", "33-chars", "chinese", "space", "percent", "newline", "angle", "backslash", "quote", "trailing-nl",
         "fullwidth"],
)  # fmt: skip
def test_a_scene_wechat_would_refuse_is_refused_before_any_call(wechat, scene):
    with pytest.raises(DomainError) as exc:
        gateway.wxacode_unlimited(scene=scene, page=PAGE)

    assert exc.value.code == "WXACODE_SCENE_INVALID"
    assert exc.value.field == "scene"
    assert "32" in exc.value.message
    assert not wechat.calls  # neither a token nor a code was asked for


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"page": "/pages/index/index"}, "WXACODE_PAGE_INVALID"),
        ({"page": "pages/index/index?ref=D42"}, "WXACODE_PAGE_INVALID"),
        ({"page": ""}, "WXACODE_PAGE_INVALID"),
        ({"width": 279}, "WXACODE_WIDTH_INVALID"),
        ({"width": 1281}, "WXACODE_WIDTH_INVALID"),
        ({"env_version": "production"}, "WXACODE_ENV_INVALID"),
    ],
)
def test_other_arguments_wechat_would_refuse_are_refused_too(wechat, kwargs, code):
    with pytest.raises(DomainError) as exc:
        gateway.wxacode_unlimited(**{"scene": "D42", "page": PAGE, **kwargs})

    assert exc.value.code == code
    assert not wechat.calls


def test_the_sandbox_client_validates_like_the_live_one():
    from fenxiao.integrations.wechat.miniprogram.sandbox import SandboxWechat

    with pytest.raises(DomainError) as exc:
        SandboxWechat().get_wxacode_unlimited(access_token="t", scene="分销", page=PAGE)
    assert exc.value.code == "WXACODE_SCENE_INVALID"


# --- live ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_live_code_sends_what_wechat_expects_and_returns_the_png(wechat):
    png = png_of("navy")
    route = wechat.post(WXACODE_PATH).respond(content=png, headers={"Content-Type": "image/png"})

    result = gateway.wxacode_unlimited(scene="D42", page=PAGE, width=600, check_path=False, env_version="trial")

    assert result == png
    request = route.calls.last.request
    assert request.url.params["access_token"] == "token-1"
    assert json.loads(request.content) == {
        "scene": "D42",
        "page": PAGE,
        "width": 600,
        "check_path": False,
        "env_version": "trial",
    }


@pytest.mark.django_db
def test_live_code_sent_as_jpeg_is_returned_as_png(wechat):
    wechat.post(WXACODE_PATH).respond(content=png_of("navy", kind="JPEG"), headers={"Content-Type": "image/jpeg"})

    image = Image.open(io.BytesIO(gateway.wxacode_unlimited(scene="D42", page=PAGE)))

    assert image.format == "PNG"
    assert image.size == (300, 300)


@pytest.mark.django_db
@pytest.mark.parametrize(("errcode", "errmsg"), [(41030, "invalid page"), (45009, "reach max api daily quota limit")])
def test_live_errcode_answer_raises_the_wechat_error(wechat, errcode, errmsg):
    route = wechat.post(WXACODE_PATH).respond(
        json={"errcode": errcode, "errmsg": errmsg}, headers={"Content-Type": "application/json"}
    )

    with pytest.raises(WechatError) as exc:
        gateway.wxacode_unlimited(scene="D42", page=PAGE)

    assert exc.value.errcode == errcode
    assert exc.value.errmsg == errmsg
    assert route.call_count == 1  # not a token problem: no retry


@pytest.mark.django_db
def test_live_expired_token_is_refreshed_once_and_the_call_retried(wechat):
    token = wechat.post("/cgi-bin/stable_token").mock(
        side_effect=[
            httpx.Response(200, json={"access_token": "token-1", "expires_in": 7200}),
            httpx.Response(200, json={"access_token": "token-2", "expires_in": 7200}),
        ]
    )
    png = png_of("teal")
    code = wechat.post(WXACODE_PATH).mock(
        side_effect=[
            httpx.Response(200, json={"errcode": 40001, "errmsg": "invalid credential"}),
            httpx.Response(200, content=png, headers={"Content-Type": "image/png"}),
        ]
    )

    assert gateway.wxacode_unlimited(scene="D42", page=PAGE) == png

    assert [call.request.url.params["access_token"] for call in code.calls] == ["token-1", "token-2"]
    assert [json.loads(call.request.content)["force_refresh"] for call in token.calls] == [False, True]
    assert gateway.access_token() == "token-2"  # the fresh token is what everyone uses next


@pytest.mark.django_db
def test_live_token_still_rejected_after_the_refresh_gives_up(wechat):
    code = wechat.post(WXACODE_PATH).respond(json={"errcode": 42001, "errmsg": "access_token expired"})

    with pytest.raises(WechatError) as exc:
        gateway.wxacode_unlimited(scene="D42", page=PAGE)

    assert exc.value.errcode == 42001
    assert code.call_count == 2  # one retry, never a loop


@pytest.mark.django_db
@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, content=b"<html>gateway timeout</html>"),
        httpx.Response(200, content=b"{not json"),
        httpx.Response(502, content=b"bad gateway"),
    ],
    ids=["not-an-image", "broken-json", "http-502"],
)
def test_live_unexpected_answers_are_a_transport_error(wechat, answer):
    wechat.post(WXACODE_PATH).mock(return_value=answer)

    with pytest.raises(WechatError) as exc:
        gateway.wxacode_unlimited(scene="D42", page=PAGE)

    assert exc.value.errcode == -1


@pytest.mark.django_db
def test_live_network_failure_is_a_transport_error(wechat):
    wechat.post(WXACODE_PATH).mock(side_effect=httpx.ConnectTimeout("timed out"))

    with pytest.raises(WechatError) as exc:
        gateway.wxacode_unlimited(scene="D42", page=PAGE)

    assert exc.value.errcode == -1
