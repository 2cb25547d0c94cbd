"""ApiKey moves here from the REST API app (`api`), keeping its table `api_apikey` and its rows.

Only Django's idea of which app owns the model changes (SeparateDatabaseAndState: no SQL runs);
`api.0002_apikey_moved_to_apikeys` removes it from the old app's state. The content type is
renamed too, so officials' permissions on keys and the admin's change log follow the model.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def rename_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="apikeys", model="apikey").exists():
        return
    ContentType.objects.filter(app_label="api", model="apikey").update(app_label="apikeys")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if ContentType.objects.filter(app_label="api", model="apikey").exists():
        return
    ContentType.objects.filter(app_label="apikeys", model="apikey").update(app_label="api")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("api", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("places", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiKey",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(help_text="调用方，例如“12345 热线平台”。", max_length=80, verbose_name="名称")),
                        ("scope", models.CharField(choices=[("read_private", "全区只读（含个人信息）"), ("submit", "提交诉求"), ("department", "责任单位")], max_length=20, verbose_name="权限范围")),
                        ("channel", models.CharField(choices=[("web", "网站"), ("hotline", "12345热线"), ("visit", "来访"), ("wechat", "微信"), ("api", "接口")], default="api", help_text="通过此密钥提交的诉求记为该渠道；外部编号在同一渠道内唯一。", max_length=10, verbose_name="诉求来源渠道")),
                        ("prefix", models.CharField(editable=False, max_length=16, unique=True, verbose_name="密钥前缀")),
                        ("key_hash", models.CharField(editable=False, max_length=64, verbose_name="密钥摘要")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="创建时间")),
                        ("last_used_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="最近使用")),
                        ("revoked_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="吊销时间")),
                        ("created_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="创建人")),
                        ("department", models.ForeignKey(blank=True, help_text="仅“责任单位”范围需要。", null=True, on_delete=django.db.models.deletion.PROTECT, related_name="api_keys", to="places.department", verbose_name="责任单位")),
                        ("revoked_by", models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="吊销人")),
                    ],
                    options={
                        "verbose_name": "接口密钥",
                        "verbose_name_plural": "接口密钥",
                        "ordering": ["-created_at", "-id"],
                        "db_table": "api_apikey",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(rename_content_type, restore_content_type),
    ]
