"""Load the problem classification (诉求分类): 12 first-level, 41 second-level and 116
third-level classes. Names, order and 在用 stay editable in the admin; codes do not change.

Modelled on the published 12345 hotline classification standards, chiefly
DB1501/T 0032—2023《12345政务服务便民热线诉求分类与代码》(呼和浩特市市场监督管理局, 2023-07-17
发布), with DB44/T 2479—2024《12345政务服务便民热线诉求事项分类与编码规范》(广东省) beside it:
from them come the three levels, the hierarchical numeric codes (two digits a level, a child's
code beginning with its parent's), the first-level domains (城乡建设, 交通运输, 生态环境, 市场监管,
劳动和社会保障, 民政, 教育, 卫生健康, 公共安全, 公用事业, 政务服务 …) and a catch-all 其他 class
(9901/990101), as those standards leave room to extend. Honestly: we read those standards'
structure and domains, not their full 附录A tables, so the second and third levels below are our
own selection for a district's 接诉即办 (what 泉山区 residents' requests are about, e.g. 加装电梯,
飞线充电, 老年助餐), not a copy of either table, and the codes are ours.
"""

from django.db import migrations

# (code, name, English name, [(code, name, [third-level names])])
CLASSIFICATION = [
    ("01", "城乡建设", "Housing and urban construction", [
        ("0101", "住房物业", ["电梯故障", "物业服务", "房屋维修资金", "房屋渗漏"]),
        ("0102", "老旧小区改造", ["改造进度", "施工质量", "加装电梯"]),
        ("0103", "市政设施", ["道路破损", "路灯不亮", "井盖缺失", "排水不畅"]),
        ("0104", "违法建设", ["私搭乱建", "破坏承重结构", "占用公共空间"]),
    ]),
    ("02", "交通出行", "Transport", [
        ("0201", "公共交通", ["公交线路", "公交站台", "出租车服务"]),
        ("0202", "停车管理", ["停车位不足", "乱停乱放", "停车收费"]),
        ("0203", "道路交通", ["信号灯故障", "交通标志标线", "道路拥堵"]),
        ("0204", "充电设施", ["充电桩建设", "充电桩故障"]),
    ]),
    ("03", "生态环境", "Environment", [
        ("0301", "大气污染", ["工地扬尘", "餐饮油烟", "异味"]),
        ("0302", "噪声污染", ["施工噪声", "商业噪声", "生活噪声"]),
        ("0303", "水环境", ["河道污染", "污水外溢", "黑臭水体"]),
        ("0304", "环境卫生", ["垃圾清运", "垃圾分类", "公厕管理"]),
        ("0305", "绿化园林", ["树木修剪", "绿地损毁", "公园设施"]),
    ]),
    ("04", "市场监管", "Market regulation", [
        ("0401", "食品安全", ["餐饮卫生", "过期食品", "无证经营"]),
        ("0402", "消费维权", ["预付卡退费", "价格违法", "虚假宣传"]),
        ("0403", "农贸市场", ["市场秩序", "计量不准", "市场环境"]),
    ]),
    ("05", "劳动和社会保障", "Labour and social security", [
        ("0501", "就业创业", ["就业服务", "创业扶持", "职业技能培训"]),
        ("0502", "劳动关系", ["拖欠工资", "劳动合同", "工伤认定"]),
        ("0503", "社会保险", ["养老保险", "医疗保险", "失业保险"]),
    ]),
    ("06", "民政和养老", "Civil affairs and elderly care", [
        ("0601", "养老服务", ["老年助餐", "居家养老", "养老机构", "适老化改造"]),
        ("0602", "社会救助", ["最低生活保障", "临时救助", "特困供养"]),
        ("0603", "残疾人服务", ["残疾人补贴", "无障碍设施"]),
        ("0604", "社区治理", ["社区服务", "邻里纠纷", "居委会工作"]),
    ]),
    ("07", "教育文化", "Education and culture", [
        ("0701", "学前教育", ["入园", "普惠性幼儿园", "幼儿园收费"]),
        ("0702", "义务教育", ["入学", "校外培训", "学校周边环境"]),
        ("0703", "文化体育", ["图书馆", "文化活动", "全民健身设施"]),
    ]),
    ("08", "卫生健康", "Health", [
        ("0801", "医疗服务", ["就医服务", "医疗纠纷", "社区卫生服务"]),
        ("0802", "公共卫生", ["疫苗接种", "病媒生物防制", "健康教育"]),
        ("0803", "医疗保障", ["医保报销", "药品价格"]),
    ]),
    ("09", "公共安全", "Public safety", [
        ("0901", "消防安全", ["消防通道堵塞", "消防设施损坏", "电动车飞线充电", "楼道堆物"]),
        ("0902", "燃气安全", ["燃气泄漏", "燃气设施", "燃气供应"]),
        ("0903", "用电安全", ["漏电", "线路老化", "停电"]),
        ("0904", "房屋安全", ["危房", "高空坠物"]),
        ("0905", "治安秩序", ["治安隐患", "护学安全"]),
    ]),
    ("10", "公用事业", "Utilities", [
        ("1001", "供水", ["停水", "水质", "水压不足"]),
        ("1002", "供暖", ["暖气不热", "供暖收费"]),
        ("1003", "通信网络", ["信号差", "线缆杂乱"]),
    ]),
    ("11", "政务服务", "Government services", [
        ("1101", "办事服务", ["办事流程", "窗口服务", "证照办理"]),
        ("1102", "工作作风", ["服务态度", "推诿扯皮"]),
        ("1103", "政策咨询", ["惠民政策", "民生实事"]),
    ]),
    ("99", "其他", "Other", [
        ("9901", "其他事项", ["其他"]),
    ]),
]


def load(apps, schema_editor):
    ProblemCategory = apps.get_model("categories", "ProblemCategory")
    for order, (code, name, name_en, seconds) in enumerate(CLASSIFICATION, start=1):
        first, _ = ProblemCategory.objects.update_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "level": 1, "order": order, "parent": None}
        )
        for second_order, (second_code, second_name, thirds) in enumerate(seconds, start=1):
            second, _ = ProblemCategory.objects.update_or_create(
                code=second_code,
                defaults={"name": second_name, "level": 2, "order": second_order, "parent": first},
            )
            for third_order, third_name in enumerate(thirds, start=1):
                ProblemCategory.objects.update_or_create(
                    code=f"{second_code}{third_order:02d}",
                    defaults={"name": third_name, "level": 3, "order": third_order, "parent": second},
                )


def unload(apps, schema_editor):
    ProblemCategory = apps.get_model("categories", "ProblemCategory")
    for level in (3, 2, 1):
        ProblemCategory.objects.filter(level=level).delete()


class Migration(migrations.Migration):
    dependencies = [("categories", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
