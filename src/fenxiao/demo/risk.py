"""Demo complaints and a risk case, so 投诉处理 and 风控案件 show what an operator's day looks like
on a first ``make run``: dave's complaint about carol's misleading claims on his paid order, which
the operator has turned into a case holding that order's commission; an overdue product complaint
of alice's; one already answered; one closed. Made through the real services (the clock is moved
back for the overdue one so its due time has passed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import time_machine
from django.utils import timezone

from fenxiao.accounts.models import User
from fenxiao.distribution.models import CommissionRecord
from fenxiao.orders.models import Order
from fenxiao.risk.cases.services import risk_case_open
from fenxiao.risk.complaints.services import complaint_create, complaint_reply, complaint_resolve
from fenxiao.risk.models import CaseKind, Complaint
from fenxiao.risk.models.complaints import ComplaintCategory


@dataclass
class RiskResult:
    complaints: int = 0
    cases: int = 0


def seed_demo_risk() -> RiskResult:
    result = RiskResult()
    people = {u.openid: u for u in User.objects.filter(openid__in=["sandbox-alice", "sandbox-carol", "sandbox-dave"])}
    admin = User.objects.filter(is_superuser=True).order_by("id").first()
    if len(people) < 3 or admin is None or Complaint.objects.exists():
        return result
    alice, carol, dave = people["sandbox-alice"], people["sandbox-carol"], people["sandbox-dave"]
    referred = (
        CommissionRecord.objects.filter(distributor__user=carol, order__buyer=dave, order__status="paid")
        .values_list("order_id", flat=True)
        .first()
    )
    alice_order = Order.objects.filter(buyer=alice).exclude(status="pending_payment").order_by("id").first()

    if referred is not None:
        misleading = complaint_create(
            complainant=dave,
            category=ComplaintCategory.MISLEADING,
            content="分享海报上写“买三送一”，下单后客服说没有这个活动，分销商也不回消息。",
            distributor_user_id=carol.id,
            order_id=referred,
        )
        complaint_reply(
            complaint_id=misleading.pk,
            by=admin,
            content="已收到，我们正在核实该分销商的宣传内容，核实期间该订单佣金冻结。",
        )
        risk_case_open(
            kind=CaseKind.MANUAL,
            subject_user_id=carol.id,
            order_ids=[referred],
            evidence={
                "complaint_no": misleading.complaint_no,
                "category": ComplaintCategory.MISLEADING.label,
                "content": misleading.content,
                "note": "核实宣传物料",
            },
            opened_by_id=admin.id,
            summary=f"投诉 {misleading.complaint_no} 转风控：核实宣传物料",
        )
        result.complaints += 1
        result.cases += 1

    if alice_order is not None:
        with time_machine.travel(timezone.now() - timedelta(days=3), tick=False):
            complaint_create(
                complainant=alice,
                category=ComplaintCategory.PRODUCT,
                content="收到的面霜外包装破损，瓶口有渗漏。",
                order_id=alice_order.id,
            )
        answered = complaint_create(
            complainant=alice,
            category=ComplaintCategory.SERVICE,
            content="催发货三次客服都没回复。",
            order_id=alice_order.id,
        )
        complaint_reply(complaint_id=answered.pk, by=admin, content="抱歉久等，仓库已加急处理，今天内发出。")
        closed = complaint_create(
            complainant=dave,
            category=ComplaintCategory.HARASSMENT,
            content="分销商一天发了五条推广消息。",
            distributor_user_id=carol.id,
        )
        complaint_resolve(
            complaint_id=closed.pk,
            by=admin,
            outcome="resolved",
            resolution="已提醒该分销商控制推送频率，如再发生将暂停其分销资格。",
        )
        result.complaints += 3
    return result
