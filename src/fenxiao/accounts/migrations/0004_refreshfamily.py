import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_loginthrottle"),
    ]

    operations = [
        migrations.CreateModel(
            name="RefreshFamily",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("generation", models.PositiveIntegerField(default=0, verbose_name="代数")),
                ("rotated_at", models.DateTimeField(verbose_name="最近刷新")),
                ("revoked_at", models.DateTimeField(blank=True, null=True, verbose_name="撤销时间")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="登录时间")),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="refresh_families",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="用户",
                    ),
                ),
            ],
            options={
                "verbose_name": "登录会话",
                "verbose_name_plural": "登录会话",
                "indexes": [models.Index(fields=["rotated_at"], name="refresh_family_rotated")],
            },
        ),
    ]
