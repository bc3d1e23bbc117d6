"""The rules of the unlimited mini-program code (``getwxacodeunlimit``): what WeChat accepts as
scene, page, width and version, checked before a token and a quota call are spent, and the PNG the
mall stores whatever image format WeChat answered. Live client and sandbox share them."""

from __future__ import annotations

import io
import re

from PIL import Image, UnidentifiedImageError

from fenxiao.core.errors import DomainError
from fenxiao.integrations.wechat.miniprogram.errors import WechatError

# getwxacodeunlimit: at most 32 visible characters from this set; anything else WeChat refuses.
WXACODE_SCENE = re.compile(r"[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}")
# A page is a path inside the mini-program, without a leading slash and without a query string.
WXACODE_PAGE = re.compile(r"[0-9A-Za-z_\-./]{1,128}")
WXACODE_ENV_VERSIONS = frozenset({"release", "trial", "develop"})
WXACODE_MIN_WIDTH, WXACODE_MAX_WIDTH = 280, 1280
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def validate_wxacode_request(*, scene: str, page: str, width: int, env_version: str) -> None:
    """Refuse what WeChat would refuse, before spending an access token and a quota call on it."""
    if not isinstance(scene, str) or not WXACODE_SCENE.fullmatch(scene):
        raise DomainError(
            "WXACODE_SCENE_INVALID",
            "小程序码参数 scene 须为 1–32 位数字、英文字母或 !#$&'()*+,/:;=?@-._~ 中的字符",
            field="scene",
        )
    if not isinstance(page, str) or not WXACODE_PAGE.fullmatch(page) or page.startswith("/"):
        raise DomainError(
            "WXACODE_PAGE_INVALID", "小程序码页面路径无效：不以 / 开头，不带参数，例如 pages/index/index", field="page"
        )
    if isinstance(width, bool) or not isinstance(width, int) or not WXACODE_MIN_WIDTH <= width <= WXACODE_MAX_WIDTH:
        raise DomainError("WXACODE_WIDTH_INVALID", "小程序码宽度须在 280 到 1280 像素之间", field="width")
    if env_version not in WXACODE_ENV_VERSIONS:
        raise DomainError("WXACODE_ENV_INVALID", "小程序版本须为 release、trial 或 develop", field="env_version")


def as_png(data: bytes) -> bytes:
    """WeChat sends the code as JPEG unless it is transparent; the mall stores and serves PNG only."""
    if data.startswith(PNG_SIGNATURE):
        return data
    try:
        with Image.open(io.BytesIO(data)) as image:
            out = io.BytesIO()
            image.convert("RGB").save(out, format="PNG")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise WechatError(-1, "getwxacodeunlimit answered neither an image nor an errcode") from exc
    return out.getvalue()
