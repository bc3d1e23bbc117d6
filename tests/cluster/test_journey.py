"""A shopper's journey across nodes: logged in, bound to a distributor, ordering and paying on node
A directly; WeChat's payment notification posted to the public URL (nginx) and served by node B;
the order paid and its commission booked once per level of the chain."""

from __future__ import annotations

from scripts.cluster.processes import wait_until

from tests.cluster.shop import login

NOTIFY = "/api/v1/payments/wechat/notify"


def _commission_levels(order_id: int) -> dict[int, int]:
    from fenxiao.distribution.models import CommissionRecord

    return dict(CommissionRecord.objects.filter(order_id=order_id).values_list("level", "distributor_id"))


def test_journey_crosses_nodes(cluster):
    node_a = cluster.node_urls[0]
    facts = cluster.facts
    shopper = login(node_a, "cl-journey")
    assert shopper.post("/distribution/bind", {"code": facts["chain"]["low_code"], "source": "qrcode"}).is_success
    address = shopper.post(
        "/addresses",
        {
            "receiver": "旅程",
            "phone": "13912340000",
            "province": "浙江省",
            "city": "杭州市",
            "district": "西湖区",
            "detail": "文三路 1 号",
            "is_default": True,
        },
    )
    assert address.status_code in (200, 201), address.text
    chain = facts["chain"]
    # nginx spreads requests over idle nodes in turn: within two payments one notification reaches B.
    for _attempt in range(1, 5):
        before = len(cluster.served_by("POST", NOTIFY))
        order = shopper.place_order(sku_id=facts["burst"]["sku_id"], quantity=1, address_id=address.json()["id"])
        assert order.status_code == 201, order.text
        order_id, order_no = order.json()["id"], order.json()["order_no"]
        assert shopper.post(f"/orders/{order_id}/pay").is_success
        paid = shopper.pay(order_no)
        assert paid.status_code == 200 and paid.json()["outcome"] == "notified", paid.text
        assert shopper.wait_paid(order_id) == "paid"
        # nginx writes the access log line once the answer is sent, just after the order was paid.
        nodes = wait_until(
            "nginx logs the notification", lambda b=before: cluster.served_by("POST", NOTIFY)[b:], timeout=10
        )
        levels = wait_until(
            "the commission is booked",
            lambda i=order_id: len(_commission_levels(i)) >= 3 and _commission_levels(i),
            timeout=30,
        )
        assert levels == {1: chain["low"], 2: chain["mid"], 3: chain["top"]}
        cluster.note("journey", f"order {order_no}: placed on node A, notification served by {nodes[-1]}, paid")
        if nodes[-1].endswith(":18002"):
            break
    assert nodes[-1].endswith(":18002"), f"no notification reached node B in four payments: {nodes}"
    cluster.note("journey", "commission booked: level 1 末, level 2 中, level 3 顶 (exactly once)")
