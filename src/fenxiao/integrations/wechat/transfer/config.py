"""The WECHATPAY_TRANSFER_* settings a transfer is made with (scene, report items, notify URL) and
what is still missing before a live transfer can start, so a caller can offer manual payout
instead of failing at the last moment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings


def missing_transfer_settings(*, notify_url: str, scene_id: str, scene_report_infos: Sequence[Any]) -> list[str]:
    """The WECHATPAY_TRANSFER_* settings a live transfer cannot start without."""
    missing = []
    if not notify_url.startswith("https://") or "?" in notify_url:
        missing.append("WECHATPAY_TRANSFER_NOTIFY_URL (https, no query string)")
    if not scene_id:
        missing.append("WECHATPAY_TRANSFER_SCENE_ID")
    if not scene_report_infos:
        missing.append("WECHATPAY_TRANSFER_SCENE_REPORT_INFOS")
    return missing


def scene_report_infos_from_settings() -> list[dict[str, str]]:
    return [
        {"info_type": str(item["info_type"]), "info_content": str(item["info_content"])}
        for item in settings.WECHATPAY_TRANSFER_SCENE_REPORT_INFOS
    ]
