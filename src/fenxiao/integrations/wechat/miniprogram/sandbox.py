"""The sandbox stand-in for WeChat (``WECHAT_MODE=sandbox``, the default): the same interface as
``WechatClient`` answering locally, so login and phone binding run offline in demos and tests.

Login codes look like ``sandbox-<name>`` and log in the user whose openid is ``sandbox-<name>``;
phone codes look like ``sandbox-phone-<11 digits>``. Anything else answers WeChat's own error for
a bad code (40029), exactly as live WeChat would. Mini-program codes are real QR codes of the share
path (``page?scene=...``), framed and labelled 沙箱 so nobody mistakes one for a live code."""

from __future__ import annotations

import hashlib
import io
import re
from urllib.parse import quote

import segno
from PIL import Image, ImageDraw, ImageFont

from fenxiao.integrations.wechat.miniprogram.errors import WechatError
from fenxiao.integrations.wechat.miniprogram.types import AccessToken, PhoneNumber, WechatSession
from fenxiao.integrations.wechat.miniprogram.wxacode import validate_wxacode_request

LOGIN_CODE = re.compile(r"^sandbox-[A-Za-z0-9_-]{1,48}$")
# [0-9], not \d: \d also matches full-width and other Unicode digits.
PHONE_CODE = re.compile(r"^sandbox-phone-(1[0-9]{10})$")
SANDBOX_RED = (220, 38, 38)
# Fonts with Chinese glyphs that Pillow finds by file name under /usr/share/fonts; without one the
# label falls back to Latin, because a demo must never fail for want of a font.
_LABEL_FONTS = ("wqy-microhei.ttc", "NotoSansCJK-Regular.ttc", "wqy-zenhei.ttc", "DroidSansFallbackFull.ttf")


def wxacode_share_path(*, page: str, scene: str) -> str:
    """What scanning the code opens: the page with ``scene`` URI-encoded, as WeChat hands it over."""
    return f"{page}?scene={quote(scene, safe='')}"


def _label_font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, str]:
    for name in _LABEL_FONTS:
        try:
            return ImageFont.truetype(name, size), "沙箱 SANDBOX"
        except OSError:
            continue
    return ImageFont.load_default(size), "SANDBOX"


def sandbox_wxacode_png(*, page: str, scene: str, width: int) -> bytes:
    """A ``width``-pixel square: the QR code of the share path above a red 沙箱 band, in a red frame."""
    frame = max(width // 60, 3)
    band = width // 7
    qr = segno.make_qr(wxacode_share_path(page=page, scene=scene), error="m")
    border = 4  # the quiet zone scanners need
    modules = qr.symbol_size(scale=1, border=border)[0]
    scale = max((width - 2 * frame - band) // modules, 1)
    buffer = io.BytesIO()
    qr.save(buffer, kind="png", scale=scale, border=border)
    code = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")

    canvas = Image.new("RGB", (width, width), "white")
    canvas.paste(code, ((width - code.width) // 2, frame + (width - 2 * frame - band - code.height) // 2))
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, width - 1, width - 1), outline=SANDBOX_RED, width=frame)
    draw.rectangle((0, width - frame - band, width - 1, width - 1), fill=SANDBOX_RED)
    font, label = _label_font(band * 3 // 5)
    draw.text((width // 2, width - frame - band // 2), label, fill="white", font=font, anchor="mm")
    out = io.BytesIO()
    canvas.save(out, format="PNG")
    return out.getvalue()


class SandboxWechat:
    appid = "wx-sandbox"

    def code2session(self, code: str) -> WechatSession:
        if not LOGIN_CODE.fullmatch(code) or code.startswith("sandbox-phone-"):
            raise WechatError(40029, "invalid code")
        session_key = hashlib.sha256(f"sandbox-session:{code}".encode()).hexdigest()[:24]
        return WechatSession(openid=code, session_key=session_key)

    def stable_token(self, *, force_refresh: bool = False) -> AccessToken:
        return AccessToken(token="sandbox-access-token", expires_in=7200)

    def get_user_phone_number(self, *, access_token: str, code: str) -> PhoneNumber:
        match = PHONE_CODE.fullmatch(code)
        if not match:
            raise WechatError(40029, "invalid code")
        phone = match.group(1)
        return PhoneNumber(phone_number=phone, pure_phone_number=phone, country_code="86")

    def upload_shipping_info(self, *, access_token: str, payload: dict) -> None:
        """WeChat's stand-in accepts every upload that names an order and at least one parcel."""
        if not payload.get("order_key") or not payload.get("shipping_list"):
            raise WechatError(47001, "data format error")

    def send_subscribe_message(self, *, access_token: str, payload: dict) -> None:
        """Nothing leaves the machine; the shape WeChat checks is checked the same way (47003 for an
        empty or missing value, 40003 without a receiver, 40037 without a template)."""
        if not payload.get("touser"):
            raise WechatError(40003, "invalid openid")
        if not payload.get("template_id"):
            raise WechatError(40037, "invalid template_id")
        data = payload.get("data")
        if not isinstance(data, dict) or not data:
            raise WechatError(47003, "argument invalid! data is empty")
        for key, item in data.items():
            if not isinstance(item, dict) or not str(item.get("value", "")).strip():
                raise WechatError(47003, f"argument invalid! data.{key}.value is empty")

    def get_wxacode_unlimited(
        self,
        *,
        access_token: str,
        scene: str,
        page: str,
        width: int = 430,
        check_path: bool = True,
        env_version: str = "release",
    ) -> bytes:
        """A scannable stand-in: any phone camera reads the share path that live WeChat would open."""
        validate_wxacode_request(scene=scene, page=page, width=width, env_version=env_version)
        return sandbox_wxacode_png(page=page, scene=scene, width=width)
