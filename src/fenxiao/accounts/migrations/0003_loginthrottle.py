from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_token_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="LoginThrottle",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("username", models.CharField(max_length=150, verbose_name="用户名")),
                ("address", models.CharField(max_length=64, verbose_name="来源地址")),
                ("attempts", models.PositiveIntegerField(default=0, verbose_name="尝试次数")),
                ("expires_at", models.DateTimeField(verbose_name="到期时间")),
            ],
            options={
                "verbose_name": "登录限制",
                "verbose_name_plural": "登录限制",
                "indexes": [models.Index(fields=["expires_at"], name="login_throttle_expires")],
                "constraints": [
                    models.UniqueConstraint(fields=("username", "address"), name="login_throttle_one_row_per_pair")
                ],
            },
        ),
    ]
