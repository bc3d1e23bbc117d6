"""The 快递100 client, faked at the HTTP transport (respx): the query's signature over the exact
``param`` text, parsing a trace, "no record yet", refusals and network failures, the subscription
request, and the push's salted signature."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import parse_qs

import httpx
import pytest
import respx

from fenxiao.integrations.kuaidi100.client import Kuaidi100Client
from fenxiao.integrations.kuaidi100.codes import State
from fenxiao.integrations.kuaidi100.push import push_answer, push_parse
from fenxiao.integrations.kuaidi100.signing import push_sign, push_sign_valid, query_sign
from fenxiao.integrations.kuaidi100.types import CHINA, Kuaidi100Error

BASE = "https://kuaidi100.test"

QUERY_ANSWER = {
    "message": "ok",
    "nu": "YT123456789",
    "ischeck": "1",
    "com": "yuantong",
    "status": "200",
    "state": "3",
    "data": [
        {
            "time": "2026-11-26 09:10:00",
            "ftime": "2026-11-26 09:10:00",
            "context": "快件已到达【杭州转运中心】",
            "status": "在途",
            "areaName": "浙江,杭州市",
        },
        {
            "time": "2026-11-27 15:02:11",
            "ftime": "2026-11-27 15:02:11",
            "context": "您的快件已签收，签收人：本人",
            "status": "签收",
            "areaName": "上海,上海,浦东新区",
        },
        {
            "time": "2026-11-25 18:00:00",
            "ftime": "2026-11-25 18:00:00",
            "context": "【杭州】圆通速递 已揽收",
            "status": "揽收",
            "areaName": "浙江,杭州市",
        },
    ],
}


def form(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


@pytest.fixture
def http():
    with respx.mock(base_url=BASE, assert_all_mocked=True) as router:
        yield router


@pytest.fixture
def client():
    return Kuaidi100Client(customer="CUST", key="KEY", base_url=BASE)


def test_query_sign_is_md5_of_param_key_customer_in_upper_case():
    # A fixed vector: MD5('{"com":"yuantong","num":"YT123456789"}' + "KEY" + "CUST"), 32 upper-case hex.
    param = '{"com":"yuantong","num":"YT123456789"}'
    assert query_sign(param=param, key="KEY", customer="CUST") == "8FD709C04E572425708B2787A09887B5"
    assert query_sign(param=param, key="KEY", customer="OTHER") != query_sign(param=param, key="KEY", customer="CUST")


def test_push_sign_is_md5_of_param_and_salt_and_compares_case_insensitively():
    sign = push_sign(param='{"status":"polling"}', salt="salt-1")
    assert sign == "E2C569393041570C71ADB0889117CC97"
    assert push_sign_valid(param='{"status":"polling"}', sign=sign.lower(), salt="salt-1")
    assert not push_sign_valid(param='{"status":"polling"}', sign=sign, salt="salt-2")
    assert not push_sign_valid(param='{"status":"shutdown"}', sign=sign, salt="salt-1")


def test_query_posts_the_signed_param_and_parses_the_trace_newest_first(http, client):
    route = http.post("/poll/query.do").respond(json=QUERY_ANSWER)

    trace = client.query(company="yuantong", number="YT123456789", phone="5678")

    sent = form(route.calls.last.request)
    assert sent["customer"] == "CUST"
    assert sent["sign"] == query_sign(param=sent["param"], key="KEY", customer="CUST")
    param = json.loads(sent["param"])
    assert (param["com"], param["num"], param["phone"], param["resultv2"]) == ("yuantong", "YT123456789", "5678", "1")
    assert (trace.state, trace.signed) == (State.SIGNED, True)
    assert [e.state for e in trace.events] == [State.SIGNED, State.IN_TRANSIT, State.COLLECTED]
    assert trace.events[0].time == datetime(2026, 11, 27, 15, 2, 11, tzinfo=CHINA)
    assert trace.events[0].location == "上海,上海,浦东新区"
    assert "签收人" in trace.events[0].context


def test_no_record_yet_is_an_empty_trace(http, client):
    http.post("/poll/query.do").respond(json={"result": False, "returnCode": "500", "message": "查询无结果"})
    trace = client.query(company="zhongtong", number="7531234")
    assert (trace.events, trace.signed) == ((), False)


@pytest.mark.parametrize(
    ("answer", "code"),
    [
        ({"result": False, "returnCode": "400", "message": "找不到对应公司"}, "400"),
        ({"result": False, "returnCode": "601", "message": "key已过期"}, "601"),
    ],
)
def test_a_refusal_raises_with_the_providers_code(http, client, answer, code):
    http.post("/poll/query.do").respond(json=answer)
    with pytest.raises(Kuaidi100Error) as caught:
        client.query(company="yuantong", number="YT1")
    assert caught.value.code == code


def test_a_network_failure_is_code_minus_one(http, client):
    http.post("/poll/query.do").mock(side_effect=httpx.ConnectTimeout("slow"))
    with pytest.raises(Kuaidi100Error) as caught:
        client.query(company="yuantong", number="YT1")
    assert caught.value.code == "-1"


def test_subscribe_sends_callback_salt_and_phone_and_accepts_already_subscribed(http, client):
    route = http.post("/poll").mock(
        side_effect=[
            httpx.Response(200, json={"result": True, "returnCode": "200", "message": "提交成功"}),
            httpx.Response(200, json={"result": False, "returnCode": "501", "message": "重复订阅"}),
            httpx.Response(200, json={"result": False, "returnCode": "700", "message": "不支持的快递公司"}),
        ]
    )
    kwargs = {"company": "shunfeng", "number": "SF1001", "callback_url": "https://shop.test/cb", "salt": "s"}
    client.subscribe(**kwargs, phone="5678", to="上海市浦东新区")
    client.subscribe(**kwargs)
    with pytest.raises(Kuaidi100Error):
        client.subscribe(**kwargs)

    sent = form(route.calls[0].request)
    assert sent["schema"] == "json"
    param = json.loads(sent["param"])
    assert (param["company"], param["number"], param["key"], param["to"]) == (
        "shunfeng",
        "SF1001",
        "KEY",
        "上海市浦东新区",
    )
    assert param["parameters"] == {"callbackurl": "https://shop.test/cb", "salt": "s", "resultv2": "1", "phone": "5678"}


def push_param(**last) -> str:
    body = {"status": "polling", "billstatus": "got", "message": "", "lastResult": {**QUERY_ANSWER, **last}}
    return json.dumps(body, ensure_ascii=False)


def test_a_push_with_the_right_sign_is_parsed():
    param = push_param()
    push = push_parse(param=param, sign=push_sign(param=param, salt="salt"), salt="salt")
    assert (push.status, push.trace.number, push.trace.signed) == ("polling", "YT123456789", True)
    assert len(push.trace.events) == 3


@pytest.mark.parametrize("sign", ["", "0" * 32, "forged"])
def test_a_push_with_a_wrong_sign_is_refused(sign):
    with pytest.raises(Kuaidi100Error) as caught:
        push_parse(param=push_param(), sign=sign, salt="salt")
    assert caught.value.code == "bad_sign"


def test_a_push_is_refused_when_no_salt_is_configured():
    param = push_param()
    with pytest.raises(Kuaidi100Error):
        push_parse(param=param, sign=push_sign(param=param, salt=""), salt="")


def test_the_answer_is_in_the_providers_shape():
    assert push_answer(ok=True, message="成功") == {"result": True, "returnCode": "200", "message": "成功"}
    assert push_answer(ok=False, message="签名错误")["result"] is False
