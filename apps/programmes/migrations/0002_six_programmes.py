"""Load the six 六心 programmes. Texts and colours stay editable in the admin."""

from django.db import migrations

PROGRAMMES = [
    ("fumin", "富民安心", "Prosperity", "就业创业、增收致富、技能培训、社会保障", "Jobs, start-ups, income, skills training, social security", "#c2410c"),
    ("bianmin", "便民舒心", "Convenience", "便民服务、交通出行、老旧小区改造、加装电梯、停车充电、农贸市场", "Convenience services, transport, old-estate renovation, lifts, parking and charging, markets", "#1d4ed8"),
    ("lvse", "绿色怡心", "Green living", "口袋公园、绿化提升、河道与污水治理、垃圾分类", "Pocket parks, greening, river and sewage clean-up, waste sorting", "#15803d"),
    ("yiyang", "颐养暖心", "Elderly care", "老年助餐、居家和社区养老、适老化改造", "Meals for the elderly, home and community care, ageing-friendly retrofits", "#b45309"),
    ("anquan", "安全放心", "Safety", "消防安全、电动车飞线充电整治、护学安全、食品安全", "Fire safety, e-bike charging clean-up, school-route safety, food safety", "#b91c1c"),
    ("chunyu", "春雨润心", "Education & culture", "幼儿园、中小学、图书馆、文化与文明实践", "Kindergartens, schools, libraries, culture and civility", "#7e22ce"),
]


def load(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    for order, (code, name, name_en, scope, scope_en, colour) in enumerate(PROGRAMMES, start=1):
        Programme.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "scope": scope, "scope_en": scope_en, "colour": colour, "order": order},
        )


def unload(apps, schema_editor):
    apps.get_model("programmes", "Programme").objects.filter(code__in=[p[0] for p in PROGRAMMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
