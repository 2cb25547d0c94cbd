"""Officials (the 工作人员 group) view, enter and screen proposals and prepare vote sessions; what
each sees is narrowed by scope, and only district officials run a vote (apps.proposals.services)."""

from django.db import migrations

GROUP_NAME = "工作人员"
PERMISSIONS = {"proposal": ["view", "add", "change"], "votesession": ["view", "add", "change"], "ballot": ["view", "add"]}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("proposals")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    group.permissions.add(
        *(
            Permission.objects.get(content_type__app_label="proposals", codename=f"{action}_{model}")
            for model, actions in PERMISSIONS.items()
            for action in actions
        )
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    group = Group.objects.filter(name=GROUP_NAME).first()
    if group:
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="proposals"))


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial"), ("accounts", "0002_officials_group")]

    operations = [migrations.RunPython(grant, revoke)]
