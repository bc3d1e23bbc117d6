"""The WECHATPAY_TRANSFER_SCENE_REPORT_INFOS environment variable: the 佣金报酬 items by default,
any list of well-formed items when set, and a clear refusal at start-up for anything else."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured

from fenxiao.core.env import transfer_scene_report_infos

ENV = "WECHATPAY_TRANSFER_SCENE_REPORT_INFOS"


def test_by_default_the_commission_scene_items_are_reported(monkeypatch):
    monkeypatch.delenv(ENV, raising=False)

    infos = transfer_scene_report_infos()

    assert [item["info_type"] for item in infos] == ["岗位类型", "报酬说明"]


def test_a_configured_list_is_taken_as_given(monkeypatch):
    items = [{"info_type": "岗位类型", "info_content": "推广员"}, {"info_type": "报酬说明", "info_content": "月度佣金"}]
    monkeypatch.setenv(ENV, json.dumps(items, ensure_ascii=False))

    assert transfer_scene_report_infos() == items


@pytest.mark.parametrize(
    "raw",
    [
        "not json",
        '{"info_type": "岗位类型", "info_content": "推广员"}',
        '[{"info_type": "岗位类型"}]',
        '[{"info_type": "", "info_content": "推广员"}]',
        json.dumps([{"info_type": "岗位类型", "info_content": "长" * 33}]),
        json.dumps([{"info_type": "类" * 16, "info_content": "推广员"}]),
    ],
)
def test_a_malformed_list_is_refused_by_name(monkeypatch, raw):
    monkeypatch.setenv(ENV, raw)

    with pytest.raises(ImproperlyConfigured, match=ENV):
        transfer_scene_report_infos()
