"""One distributor asks for more than their balance at once, through both nodes: never more paid
or in flight than the withdrawable balance, and the ledger balances."""

from __future__ import annotations

import threading

import httpx

from tests.cluster.shop import Shopper

ATTEMPTS = 10


def test_withdrawals_concurrent_through_both_nodes(cluster):
    from django.db.models import Sum

    from fenxiao.distribution.ledger_accounts import available
    from fenxiao.distribution.models import Withdrawal
    from fenxiao.ledger.checks import ledger_check
    from fenxiao.ledger.selectors import account_balance

    low = cluster.facts["chain"]["low"]
    me = Shopper(base=cluster.url, token=cluster.facts["low_token"])
    balance = me.get("/distribution/me").json()["balances"]["available_fen"]
    amount = balance // 4  # four fit, the other six must be refused
    assert amount >= 100, balance
    answers: list[httpx.Response] = []
    gate = threading.Barrier(ATTEMPTS)

    def ask(i: int) -> None:
        node = me.at(cluster.node_urls[i % 2])
        node.client = httpx.Client(timeout=30)
        gate.wait()
        answers.append(node.post("/distribution/withdrawals", {"amount_fen": amount, "method": "wechat"}))

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(ATTEMPTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    created = [a for a in answers if a.status_code == 201]
    refused = [a for a in answers if a.status_code != 201]
    assert len(answers) == ATTEMPTS
    assert all(400 <= a.status_code < 500 for a in refused), [a.text for a in refused]
    live = Withdrawal.objects.filter(distributor_id=low).exclude(status__in=["failed", "rejected"])
    taken = live.aggregate(s=Sum("amount_fen"))["s"] or 0
    assert len(created) == live.count() == balance // amount
    assert taken <= balance
    assert account_balance(available(low)) == balance - taken
    assert ledger_check() == []
    codes = sorted({a.json().get("code", a.status_code) for a in refused})
    cluster.note(
        "withdrawals",
        f"balance {balance} fen, {ATTEMPTS} × {amount} fen at once: {len(created)} accepted ({taken} fen), "
        f"{len(refused)} refused {codes}; ledger balanced",
    )
