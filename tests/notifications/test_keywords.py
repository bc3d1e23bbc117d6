"""WeChat's keyword rules as pure functions: each type's value made to fit (long text cut with
"…") or refused (numbers, amounts, dates that would change meaning), and the operator's mapping
checked against the kind's variables."""

from __future__ import annotations

import pytest

from fenxiao.notifications.catalogue import KINDS, fields_validate, message_data
from fenxiao.notifications.keywords import KEYWORD_TYPES, KeywordError, keyword_type, keyword_value
from tests.notifications.support import FIELDS


@pytest.mark.parametrize(
    ("key", "kind"),
    [
        ("thing1", "thing"),
        ("thing12", "thing"),
        ("character_string2", "character_string"),
        ("amount3", "amount"),
        ("phrase4", "phrase"),
        ("time5", "time"),
        ("date6", "date"),
        ("number7", "number"),
        ("name8", "name"),
        ("phone_number9", "phone_number"),
        ("car_number10", "car_number"),
        ("letter1", "letter"),
        ("symbol2", "symbol"),
    ],
)
def test_the_type_is_the_keyword_prefix(key, kind):
    assert keyword_type(key) == kind


@pytest.mark.parametrize("key", ["thing", "Thing1", "title1", "thing1.DATA", "character_string", "amount123", ""])
def test_a_key_that_is_not_a_wechat_keyword_is_refused(key):
    with pytest.raises(KeywordError):
        keyword_type(key)


@pytest.mark.parametrize(
    ("kind", "raw", "expected"),
    [
        ("thing", "云南小粒咖啡豆", "云南小粒咖啡豆"),
        ("thing", "一二三四五六七八九十一二三四五六七八九十", "一二三四五六七八九十一二三四五六七八九十"),  # exactly 20
        ("thing", "一二三四五六七八九十一二三四五六七八九十一", "一二三四五六七八九十一二三四五六七八九…"),  # 21 → 20
        ("thing", "第一行\n第二行", "第一行 第二行"),  # no control characters
        ("phrase", "已发货", "已发货"),
        ("phrase", "正在配送途中", "正在配送途"),  # 6 → 5
        ("character_string", "FX20260102000123", "FX20260102000123"),
        ("character_string", "A" * 40, "A" * 32),
        ("number", "3", "3"),
        ("number", "12.50", "12.50"),
        ("amount", "12.50元", "12.50元"),
        ("amount", "¥100.00", "¥100.00"),
        ("amount", "1000元", "1000元"),
        ("date", "2026年01月02日", "2026年01月02日"),
        ("date", "2026-01-02 15:04", "2026-01-02 15:04"),
        ("time", "15:04", "15:04"),
        ("time", "2026年01月02日 15:04", "2026年01月02日 15:04"),
        ("time", "2026年01月02日 15:04 ~ 2026年01月03日 15:04", "2026年01月02日 15:04 ~ 2026年01月03日 15:04"),
        ("name", "欧阳娜娜", "欧阳娜娜"),
        ("name", "一二三四五六七八九十一二", "一二三四五六七八九十"),  # Chinese: 10
        ("name", "Alexander-Hamilton-Jr.x", "Alexander-Hamilton-J"),  # letters: 20
        ("phone_number", "+86-0766-66888866", "+86-0766-66888866"),
        ("car_number", "粤A8Z888挂", "粤A8Z888挂"),
        ("letter", "abc", "abc"),
        ("symbol", "+-*", "+-*"),
    ],
)
def test_values_that_fit_or_are_cut_to_fit(kind, raw, expected):
    assert keyword_value(kind, raw) == expected


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("thing", ""),
        ("thing", "  \n "),
        ("phrase", "OK"),  # phrase is Chinese only
        ("phrase", "已发货1"),
        ("character_string", "订单123"),  # no Chinese
        ("character_string", "AB 12"),  # no spaces
        ("number", "十二"),
        ("number", "1" * 33),  # cut would change the number
        ("amount", "12.505元"),
        ("amount", "¥12345678901"),  # 11 digits
        ("amount", "十二元"),
        ("date", "明天"),
        ("time", "下午三点"),
        ("time", "25"),
        ("letter", "abc1"),
        ("symbol", "abc"),
        ("phone_number", "1380013800013800138"),
        ("car_number", "ABC"),
    ],
)
def test_values_wechat_would_refuse_are_refused(kind, raw):
    with pytest.raises(KeywordError):
        keyword_value(kind, raw)


def test_every_type_wechat_lists_has_a_rule():
    for kind in KEYWORD_TYPES:
        sample = {"number": "1", "amount": "1元", "date": "2026年1月2日", "time": "15:04", "phone_number": "110"}
        sample |= {"car_number": "粤A8Z888", "letter": "a", "symbol": "+", "character_string": "A1", "phrase": "好"}
        assert keyword_value(kind, sample.get(kind, "文字"))


def test_every_example_mapping_is_valid_for_its_kind():
    assert set(FIELDS) == set(KINDS)
    for kind, fields in FIELDS.items():
        assert fields_validate(kind, fields) == [], kind


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"title1": "{order_no}"}, "不是微信订阅消息的关键词"),
        ({"thing1": "{nope}"}, "不存在的变量 nope"),
        ({"thing1": ""}, "不能为空"),
        ({"thing1": "{order_no"}, "花括号不成对"),
        ({f"thing{i}": "{product}" for i in range(1, 22)}, "最多 20 个"),
    ],
)
def test_a_bad_mapping_is_refused_with_its_reason(fields, problem):
    problems = fields_validate("order_shipped", fields)
    assert any(problem in p for p in problems), problems


def test_message_data_fills_and_fits_every_keyword():
    context = {
        "order_no": "FX2026010200001",
        "product": "云南小粒咖啡豆 500g 中度烘焙 等3件商品合计",
        "carrier": "顺丰速运",
        "tracking_no": "SF1234567890",
        "time": "2026年01月02日 15:04",
    }
    data = message_data(FIELDS["order_shipped"], context)
    assert data["character_string1"] == {"value": "FX2026010200001"}
    assert data["thing2"]["value"] == "云南小粒咖啡豆 500g 中度烘焙 等…" and len(data["thing2"]["value"]) == 20
    assert data["time5"] == {"value": "2026年01月02日 15:04"}


def test_message_data_names_the_keyword_wechat_would_refuse():
    with pytest.raises(KeywordError, match="phrase3"):
        message_data({"phrase3": "{status}"}, {"status": "pending"})
