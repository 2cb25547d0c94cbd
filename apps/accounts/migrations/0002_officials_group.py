"""The "工作人员" group: the model permissions every official needs in the back office.

What an official may see is narrowed further by their scope (apps.accounts.scoping); the
group only says which kinds of objects they may view, add and change.
"""

from django.db import migrations

GROUP_NAME = "工作人员"

PERMISSIONS = {
    "projects": {
        "project": ["view", "add", "change"],
        "milestone": ["view", "add", "change", "delete"],
        "progressupdate": ["view", "add", "change"],
        "projectphoto": ["view", "add", "change", "delete"],
    },
    "appeals": {
        "appeal": ["view", "add", "change"],
        "appealevent": ["view"],
        "appealphoto": ["view", "add"],
    },
    "places": {"area": ["view"], "department": ["view"]},
    "programmes": {"programme": ["view", "change"]},
}


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations ran; make sure they exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    wanted = []
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                wanted.append(
                    Permission.objects.get(content_type__app_label=app_label, codename=f"{action}_{model}")
                )
    group.permissions.add(*wanted)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("projects", "0002_progress_message"),
        ("appeals", "0002_initial"),
        ("places", "0001_initial"),
        ("programmes", "0002_six_programmes"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
