"""Money an order refused becomes a payment status of its own (``refused``) with one refund purpose
(``refused_payment:<payment id>``), instead of a flagged double payment and a cancelled order
revived or carrying a late payment. Existing rows move over; refunds already asked for keep their
out_refund_no and are found under the new purpose, so nothing is refunded twice."""

from django.db import migrations, models

ANOMALY_CANCELLED = "订单已取消，自动全额退款"


def forwards(apps, schema_editor):
    Payment = apps.get_model("payments", "Payment")
    Refund = apps.get_model("payments", "Refund")
    # A second payment of a paid order: WeChat took it, the order kept the first one.
    Payment.objects.filter(trade_state="SUCCESS", transaction_id__isnull=False).exclude(status="succeeded").update(
        status="refused"
    )
    # A payment that landed on a cancelled order (the order could not be revived).
    Payment.objects.filter(status="succeeded", order__status="cancelled").update(
        status="refused", anomaly=ANOMALY_CANCELLED
    )
    for refund in Refund.objects.filter(purpose__startswith="duplicate_payment:").only("pk", "payment_id"):
        Refund.objects.filter(pk=refund.pk).update(purpose=f"refused_payment:{refund.payment_id}")
    for refund in Refund.objects.filter(purpose__startswith="late_payment:").only("pk", "payment_id"):
        Refund.objects.filter(pk=refund.pk).update(purpose=f"refused_payment:{refund.payment_id}")


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0002_payment_anomaly_refund_attempts"),
        ("orders", "0002_order_fulfilment_hold"),
    ]

    operations = [
        migrations.AlterField(
            model_name="payment",
            name="status",
            field=models.CharField(
                choices=[
                    ("created", "待支付"),
                    ("succeeded", "支付成功"),
                    ("closed", "已关闭"),
                    ("refused", "未入账，全额退款"),
                ],
                db_index=True,
                default="created",
                max_length=16,
                verbose_name="状态",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
