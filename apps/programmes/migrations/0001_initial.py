import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        migrations.CreateModel(
            name="Programme",
            fields=[
                ("code", models.SlugField(max_length=20, primary_key=True, serialize=False, verbose_name="代码")),
                ("name", models.CharField(max_length=20, verbose_name="名称")),
                ("name_en", models.CharField(blank=True, max_length=60, verbose_name="英文名称")),
                ("scope", models.TextField(blank=True, verbose_name="工作范围")),
                ("scope_en", models.TextField(blank=True, verbose_name="英文工作范围")),
                ("colour", models.CharField(default="#1f6feb", max_length=7, validators=[django.core.validators.RegexValidator("^#[0-9a-fA-F]{6}$", "颜色应为 #RRGGBB 格式。")], verbose_name="颜色")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="排序")),
            ],
            options={"verbose_name": "六心板块", "verbose_name_plural": "六心板块", "ordering": ["order", "code"]},
        ),
    ]
