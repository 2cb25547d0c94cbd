"""The demo's 每月一题: six past months of the year, each chosen through the topics services from
that month's ranked request groups (the problem class of the theme, wherever it ranks highest),
with departments, sub-problems, measures, outcome and the demo projects it led to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from apps.appeals.models import Appeal
from apps.categories.models import ProblemCategory
from apps.common.dates import local_moment
from apps.places.models import Area, AreaLevel
from apps.projects.models import Project
from apps.topics.models import MonthlyTopic
from apps.topics.selectors import add_months, month_request_groups
from apps.topics.services import topic_choose, topic_save

MONTHS = 6
# Gathering a theme's requests into the topic's 社区 (see _gather): at most this many a month
# up to the topic's month, then this share of it in each month after.
GATHER_PER_MONTH = 12
GATHER_BEFORE = 6
AFTER_SHARES = (0.6, 0.4, 0.3, 0.2, 0.2, 0.2)


@dataclass(frozen=True)
class Theme:
    category: str  # the problem class code the month's group must have
    title: str
    problem: str  # {area}: the group's 社区
    sub_problems: tuple[str, ...]
    lead: str
    co: tuple[str, ...]
    measures: str
    outcome: str
    project_words: str  # demo projects whose title contains this came from the topic


THEMES = [
    Theme(
        "010203",
        "老旧小区加装电梯推进难",
        "{area}等老旧小区多为六层无电梯住宅，老年居民反复来电询问加装电梯的申请流程、补贴政策和进度。",
        ("业主意见难统一，低层住户顾虑多", "申请材料多、审批环节长", "管线迁移和施工协调难"),
        "zhujian",
        ("jd", "gongdian"),
        "区住建局编制加装电梯办事指南，街道社区逐单元上门开展意见征询；推行“一窗受理、并联审批”，"
        "审批时间由45个工作日压缩到20个工作日；供电、燃气、水务单位提前介入管线迁移。",
        "本月新签加装电梯协议18个单元，开工12部，建成交付5部；同类咨询来电明显减少。",
        "加装电梯",
    ),
    Theme(
        "090103",
        "电动自行车飞线充电整治",
        "{area}居民反映楼道、窗口飞线充电和楼道内停放充电现象多，存在火灾隐患，夜间充电难。",
        ("小区集中充电设施不足", "楼道飞线拆了又拉", "巡查和劝导缺少长效机制"),
        "yingji",
        ("jd", "chengguan"),
        "网格员逐楼逐户排查飞线，现场劝导拆除；在老旧小区新建集中充电棚，推行扫码充电、"
        "按度计费；社区、物业建立每周联合巡查制度。",
        "清理飞线320余处，新建集中充电点26处、充电端口1040个；飞线充电类诉求环比下降。",
        "飞线充电",
    ),
    Theme(
        "010302",
        "背街小巷和楼道路灯不亮",
        "{area}居民反映背街小巷、楼道照明灯损坏后长期无人维修，晚上老人孩子出行不安全。",
        ("损坏路灯报修后迟迟不修", "部分巷道从未安装路灯", "楼道灯维修责任主体不清"),
        "chengguan",
        ("jd", "gongdian"),
        "区城管局对背街小巷路灯逐条排查，建立“发现—报修—维修”48小时闭环；"
        "无物业小区楼道灯由社区统一代管维修，费用纳入老旧小区长效管理。",
        "修复路灯和楼道灯410盏，新装路灯86盏；路灯不亮类诉求平均办结时间由9天缩短到2天。",
        "背街小巷",
    ),
    Theme(
        "030201",
        "夜间施工噪音扰民",
        "{area}周边老旧小区改造和道路施工晚上十点以后仍在作业，居民反映噪音大、影响休息。",
        ("夜间施工审批和公示不规范", "施工单位超时作业", "投诉后处置不及时"),
        "shengtai",
        ("zhujian", "chengguan"),
        "夜间施工一律事前公示并告知周边居民；区生态环境局、住建局联合夜查，"
        "对超时作业的施工单位约谈并记入信用档案；开通噪音投诉快速处置通道。",
        "开展夜间联合检查14次，约谈施工单位9家，立案查处3起；施工噪声诉求明显减少。",
        "老旧小区改造",
    ),
    Theme(
        "030302",
        "小区门口雨后积水",
        "{area}居民反映小区门口和背街路段一下雨就积水，污水外溢发臭，夏天蚊虫多。",
        ("雨污管网老旧、排水能力不足", "路面低洼处长期积水", "管网疏通养护不到位"),
        "chengguan",
        ("shuiwu", "jd"),
        "对积水点逐一建档，实施雨污分流改造和管网清淤；低洼路段加装雨水篦子、抬高路面；"
        "汛期前完成全部易涝点的疏通养护。",
        "整治积水点23处，清淤管网12公里；今年汛期上述点位未再出现长时间积水。",
        "口袋公园",
    ),
    Theme(
        "090101",
        "消防通道被占堵",
        "{area}居民反映小区消防通道被私家车和杂物长期占用，一旦发生火情消防车进不来。",
        ("小区停车位不足", "消防通道标识不清", "占用行为缺少常态化管理"),
        "yingji",
        ("jd", "chengguan"),
        "对小区消防通道统一施划标线、设置警示牌；挖潜增加停车位，引导车辆有序停放；"
        "物业、网格员每日巡查，对屡次占用的车辆联合执法。",
        "施划消防通道标线5.6公里，新增停车位640个，清理通道杂物190余处。",
        "停车",
    ),
]


def seed_monthly_topics(*, today: date, departments, by) -> int:
    """Six published topics for the six months before the last three (so each has months after
    it); `by` a district official. Four queries per month for its groups, a few per topic."""
    codes = dict(ProblemCategory.objects.filter(code__in=[t.category for t in THEMES]).values_list("code", "pk"))
    first = add_months(today.replace(day=1), -(MONTHS + 2))
    left = list(THEMES)
    made = 0
    for n in range(MONTHS):
        month = add_months(first, n)
        groups = month_request_groups(month, limit=500)
        chosen = None
        for theme in left:
            group = next((g for g in groups if g.key.category_id == codes.get(theme.category)), None)
            if group is not None:
                chosen = (theme, group)
                break
        if chosen is None:
            continue
        theme, group = chosen
        left.remove(theme)
        _gather(area=group.area, month=month, category_id=group.key.category_id)
        topic = topic_choose(
            month=month,
            key=group.key,
            title=theme.title,
            problem=theme.problem.format(area=group.area.name),
            sub_problems="\n".join(theme.sub_problems),
            lead_department=departments.by_code[theme.lead],
            by=by,
        )
        topic.measures, topic.outcome, topic.is_public = theme.measures, theme.outcome, True
        topic = topic_save(topic=topic, by=by)
        co = [departments.by_code[c] for c in theme.co if c in departments.by_code]
        subdistrict_office = departments.offices.get(group.area.parent_id) or departments.offices.get(group.area.pk)
        if "jd" in theme.co and subdistrict_office is not None:
            co.append(subdistrict_office)
        topic.co_departments.set(co)
        topic.projects.set(
            Project.objects.filter(is_public=True, year__gte=month.year, title__contains=theme.project_words).order_by(
                "id"
            )[:2]
        )
        made += 1
    return made


def _gather(*, area: Area, month: date, category_id: int) -> None:
    """The demo spreads its requests thin (3,000 over some 80 社区 and 30 classes: one or two a
    month per 社区 and class), where a real 每月一题 group has dozens. Move some of the district's
    requests of the class into the topic's 社区: up to GATHER_PER_MONTH a month until the topic's
    month, then a falling share of that month's number, so the page shows the fall a topic aims at. One query a month
    picks them, one UPDATE moves them; their exact points (in another 社区) are dropped."""
    moved: list[int] = []
    in_month = GATHER_PER_MONTH  # then the number gathered in the topic's month
    for n in range(-GATHER_BEFORE, len(AFTER_SHARES) + 1):
        first = add_months(month, n)
        limit = GATHER_PER_MONTH if n <= 0 else round(in_month * AFTER_SHARES[n - 1])
        picked = list(
            Appeal.objects.filter(
                category_id=category_id,
                submitted_at__gte=local_moment(first),
                submitted_at__lt=local_moment(add_months(first, 1)),
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        if n == 0:
            in_month = len(picked)
        moved += picked
    subdistrict_id = area.parent_id if area.level == AreaLevel.COMMUNITY else area.pk
    Appeal.objects.filter(pk__in=moved).update(
        area_id=area.pk, subdistrict_id=subdistrict_id, latitude=None, longitude=None
    )


def demo_topic_models() -> list:
    return [MonthlyTopic, MonthlyTopic.co_departments.through, MonthlyTopic.projects.through]
