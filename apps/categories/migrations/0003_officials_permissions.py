"""The "工作人员" group reads and edits the classification (the admin lets only district
officials change it: ProblemCategoryAdmin checks the scope)."""

from django.db import migrations

GROUP_NAME = "工作人员"
ACTIONS = ["view", "add", "change"]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("categories")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="categories", codename__in=[f"{a}_problemcategory" for a in ACTIONS]
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name=GROUP_NAME):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="categories"))


class Migration(migrations.Migration):
    dependencies = [
        ("categories", "0002_classification"),
        ("accounts", "0002_officials_group"),
    ]
    operations = [migrations.RunPython(grant, revoke)]
