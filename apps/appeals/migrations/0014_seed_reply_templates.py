"""A handful of reply templates (答复模板) to start from, editable by district officials in the
admin; and the "工作人员" group may read them (ReplyTemplateAdmin lets only district officials
change them)."""

from django.db import migrations

# (step, class code or "", request type or "", title, text)
TEMPLATES = [
    ("accept", "09", "", "安全隐患按紧急件", "涉及安全隐患，已核实情况，建议按紧急件当日派单，请承办单位立即到场处置。"),
    ("reject", "", "", "不属于受理范围", "您反映的事项属于……（如已进入诉讼、仲裁或信访程序的事项），不在 12345 热线受理范围内，建议您通过……反映。感谢您的理解。"),
    ("return", "", "", "职能不符", "经核实，该诉求涉及……，不属于本单位职责范围，建议改派至……办理。"),
    ("request_extension", "", "", "需协调多方", "该问题需协调……等多个单位共同解决，现有时限内无法办结，申请延期至……。"),
    ("resolve", "", "", "通用办结答复", "您好！您反映的……问题，经……（单位）于……月……日现场核实，已……（办理经过和结果）。如有疑问，请拨打 12345 热线。感谢您的监督。"),
    ("resolve", "010101", "", "电梯故障已修复", "您好！您反映的小区电梯故障问题，我局已督促物业公司和维保单位于……月……日完成维修，经检测合格，电梯已恢复正常运行。感谢您的监督。"),
    ("resolve", "010302", "", "路灯已修复", "您好！您反映的路灯不亮问题，维修人员已于……月……日更换灯具和线路，现已恢复照明。感谢您的监督。"),
    ("resolve", "090201", "", "燃气泄漏已处置", "您好！接报后燃气公司抢修人员于……到场，关闭阀门、排查管线，确认无泄漏后恢复供气，并对住户进行了安全用气提示。"),
    ("resolve", "", "praise", "表扬件答复", "感谢您对我们工作的肯定和支持！您的表扬已转达……，我们将继续努力，把民生实事办好。"),
    ("reopen", "", "", "重新交办", "已要求承办单位重新办理，将在新的期限内答复您。"),
    ("close_explained", "", "", "政策不允许", "您好！经核实，您反映的……，根据《……》的规定，暂不具备办理条件。我们已电话向您作出解释说明，感谢您的理解和支持。"),
]

GROUP_NAME = "工作人员"


def load(apps, schema_editor):
    ReplyTemplate = apps.get_model("appeals", "ReplyTemplate")
    ProblemCategory = apps.get_model("categories", "ProblemCategory")
    classes = dict(ProblemCategory.objects.values_list("code", "pk"))
    for order, (step, code, kind, title, text) in enumerate(TEMPLATES, start=1):
        ReplyTemplate.objects.get_or_create(
            step=step,
            title=title,
            defaults={"category_id": classes.get(code), "kind": kind, "text": text, "order": order},
        )


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("appeals")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    codenames = [f"{action}_replytemplate" for action in ("view", "add", "change")]
    group.permissions.add(*Permission.objects.filter(content_type__app_label="appeals", codename__in=codenames))


def unload(apps, schema_editor):
    apps.get_model("appeals", "ReplyTemplate").objects.filter(title__in=[t[3] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("appeals", "0013_reply_templates"),
        ("categories", "0003_officials_permissions"),
        ("accounts", "0002_officials_group"),
    ]
    operations = [migrations.RunPython(load, unload), migrations.RunPython(grant, migrations.RunPython.noop)]
