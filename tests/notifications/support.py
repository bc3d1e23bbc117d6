"""Template settings and consents for the notification tests (holds no tests itself): every kind
configured with a mapping WeChat accepts, and a helper that plays the user accepting templates."""

from __future__ import annotations

from fenxiao.accounts.models import User
from fenxiao.notifications.models import NotificationTemplate, OutboxMessage
from fenxiao.notifications.services import subscription_report

FIELDS: dict[str, dict[str, str]] = {
    "order_shipped": {
        "character_string1": "{order_no}",
        "thing2": "{product}",
        "thing3": "{carrier}",
        "character_string4": "{tracking_no}",
        "time5": "{time}",
    },
    "refund_done": {"character_string1": "{order_no}", "amount2": "{amount}", "time3": "{time}"},
    "group_buy_succeeded": {"thing1": "{product}", "number2": "{group_size}", "time3": "{time}"},
    "group_buy_failed": {"thing1": "{product}", "amount2": "{amount}", "thing3": "{reason}"},
    "commission_booked": {
        "character_string1": "{order_no}",
        "amount2": "{amount}",
        "phrase3": "{status}",
        "time4": "{time}",
    },
    "commission_settled": {"amount1": "{amount}", "number2": "{count}", "phrase3": "{status}", "time4": "{time}"},
    "withdrawal_paid": {"amount1": "{amount}", "amount2": "{fee}", "character_string3": "{bill_no}", "time4": "{time}"},
    "withdrawal_failed": {"amount1": "{amount}", "thing2": "{reason}", "time3": "{time}"},
    "application_approved": {"phrase1": "{result}", "character_string2": "{code}", "time3": "{time}"},
    "application_rejected": {"phrase1": "{result}", "thing2": "{reason}", "time3": "{time}"},
    "complaint_answered": {
        "character_string1": "{complaint_no}",
        "phrase2": "{status}",
        "thing3": "{content}",
        "time4": "{time}",
    },
}


def template_id(kind: str) -> str:
    return f"tmpl-{kind.replace('_', '-')}"


def configure_all() -> None:
    for kind, fields in FIELDS.items():
        NotificationTemplate.objects.update_or_create(
            kind=kind, defaults={"template_id": template_id(kind), "fields": fields, "enabled": True}
        )


def consent(user: User, *kinds: str, times: int = 1) -> None:
    """The user tapped 允许 for these kinds' templates ``times`` times."""
    for _ in range(times):
        subscription_report(user=user, results={template_id(k): "accept" for k in kinds})


def outbox_of(user: User, kind: str) -> OutboxMessage:
    return OutboxMessage.objects.get(user=user, kind=kind)
