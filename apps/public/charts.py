"""Chart descriptions shared by the ECharts script and the data table printed beside each chart.

A `Chart` is plain data: `static/js/charts.js` turns `as_json()` into an ECharts option, and
`templates/partials/chart.html` prints the same numbers as a table, so nothing is only in the
picture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _

from apps.appeals.selectors import Rates
from apps.common.i18n import localized
from apps.projects.models import Health, ProjectStatus
from apps.projects.selectors import ProgrammeFigures
from apps.public.selectors import MonthlyRequests
from apps.reports.selectors import TrendPoint
from apps.topics.selectors import TopicCounts

Number = int | float | Decimal | None


@dataclass
class Series:
    name: str
    data: list[Number]
    color: str = ""
    item_colors: list[str] = field(default_factory=list)


@dataclass
class Chart:
    id: str
    title: str
    kind: str  # "bar", "line" or "dot" (a dot plot whose value axis starts near the data)
    categories: list[str]
    series: list[Series]
    stacked: bool = False
    horizontal: bool = False
    unit: str = ""
    description: str = ""
    category_label: str = ""
    max_value: Number = None
    links: list[str] = field(default_factory=list)
    # The last category is a month still running: drawn dashed and labelled so, not as a plunge.
    partial_last: bool = False
    category_lang: str = ""  # "zh-CN" when the categories are data (area names), not interface words

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"

    @property
    def rows(self) -> list[tuple[str, str, list[Number]]]:
        """(category, link or "", one value per series) for the table."""
        links = self.links or [""] * len(self.categories)
        return [(category, links[i], [s.data[i] for s in self.series]) for i, category in enumerate(self.categories)]

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(not v for s in self.series for v in s.data)

    def as_json(self) -> dict:
        def plain(value: Number) -> float | int | None:
            if isinstance(value, Decimal):
                return float(value)
            return value

        return {
            "kind": self.kind,
            "title": self.title,
            "description": self.description,
            "categories": self.categories,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "unit": self.unit,
            "max": plain(self.max_value),
            "partialLast": self.partial_last,
            "series": [
                {"name": s.name, "data": [plain(v) for v in s.data], "color": s.color, "itemColors": s.item_colors}
                for s in self.series
            ],
        }


def _months(months: list, *, partial_last: bool) -> list[str]:
    labels = [f"{m:%Y-%m}" for m in months]
    if partial_last and labels:
        labels[-1] = _("%(month)s（本月未完）") % {"month": labels[-1]}
    return labels


def programme_status_chart(figures: list[ProgrammeFigures], *, chart_id: str = "chart-status") -> Chart:
    """Projects by status, one stacked bar per programme."""
    return Chart(
        id=chart_id,
        title=_("各板块项目状态"),
        kind="bar",
        stacked=True,
        horizontal=True,
        unit=_("个"),
        category_label=_("板块"),
        description=_("每个六心板块的项目数，按规划中、进行中、已完成、暂停分段。"),
        categories=[localized(f.programme, "name") for f in figures],
        series=[
            Series(str(ProjectStatus.COMPLETED.label), [f.completed for f in figures], "#0f6b3a"),
            Series(str(ProjectStatus.IN_PROGRESS.label), [f.in_progress for f in figures], "#0b4f8a"),
            Series(str(ProjectStatus.PLANNED.label), [f.planned for f in figures], "#8c6d1f"),
            Series(str(ProjectStatus.SUSPENDED.label), [f.suspended for f in figures], "#8a8a8a"),
        ],
    )


def monthly_requests_chart(monthly: MonthlyRequests, *, chart_id: str = "chart-requests") -> Chart:
    return Chart(
        id=chart_id,
        title=_("每月收到与办结的诉求"),
        kind="line",
        unit=_("件"),
        category_label=_("月份"),
        description=_("近12个月每月收到的群众诉求数和办结数。本月还没有结束，只画出一个空心点。"),
        categories=_months(monthly.months, partial_last=True),
        partial_last=True,
        series=[
            Series(_("收到"), monthly.received, "#0b4f8a"),
            Series(_("办结"), monthly.resolved, "#0f6b3a"),
        ],
    )


def rates_chart(rates: list[Rates], *, chart_id: str = "chart-rates", area_links: bool = True) -> Chart:
    """三率 per 街道, a dot plot in percent (the axis starts near the lowest rate)."""
    return Chart(
        id=chart_id,
        title=_("各街道三率"),
        kind="dot",
        horizontal=True,
        unit="%",
        max_value=100,
        category_label=_("街道"),
        description=_(
            "近12个月各街道的响应率、解决率、满意率（百分比）。每个点是一个比率，横轴从数据的最小值附近开始。"
        ),
        categories=[r.name for r in rates],
        category_lang="zh-CN",
        links=[reverse("public:area_detail", args=[r.key]) for r in rates] if area_links else [],
        series=[
            Series(_("响应率"), [r.response_rate for r in rates], "#0b4f8a"),
            Series(_("解决率"), [r.resolution_rate for r in rates], "#0f6b3a"),
            Series(_("满意率"), [r.satisfaction_rate for r in rates], "#8c4a00"),
        ],
    )


def programme_breakdown_charts(f: ProgrammeFigures) -> tuple[Chart, Chart]:
    """One programme's projects by status and by schedule colour."""
    status = Chart(
        id="chart-programme-status",
        title=_("项目状态"),
        kind="bar",
        horizontal=True,
        unit=_("个"),
        category_label=_("状态"),
        categories=[
            str(ProjectStatus.COMPLETED.label),
            str(ProjectStatus.IN_PROGRESS.label),
            str(ProjectStatus.PLANNED.label),
            str(ProjectStatus.SUSPENDED.label),
        ],
        series=[
            Series(
                _("项目数"),
                [f.completed, f.in_progress, f.planned, f.suspended],
                item_colors=["#0f6b3a", "#0b4f8a", "#8c6d1f", "#8a8a8a"],
            )
        ],
    )
    health = Chart(
        id="chart-programme-health",
        title=_("红黄绿灯"),
        kind="bar",
        horizontal=True,
        unit=_("个"),
        category_label=_("红黄绿灯"),
        description=_("按序时进度比较：绿灯按计划推进，黄灯滞后，红灯推进缓慢。"),
        categories=[str(Health.GREEN.label), str(Health.YELLOW.label), str(Health.RED.label)],
        series=[Series(_("项目数"), [f.green, f.yellow, f.red], item_colors=["#0f6b3a", "#c28f00", "#b3261e"])],
    )
    return status, health


def progress_trend_chart(points: list[TrendPoint], *, chart_id: str, title: str, actual_label: str) -> Chart:
    """Progress at each month's end, from the monthly snapshots, beside 序时进度."""
    partial = bool(points) and not points[-1].final
    return Chart(
        id=chart_id,
        title=title,
        kind="line",
        unit="%",
        max_value=100,
        category_label=_("月份"),
        description=_("每月月底的进度（取自月度快照），与按计划工期应达到的序时进度对照。"),
        categories=_months([p.month for p in points], partial_last=partial),
        partial_last=partial,
        series=[
            Series(actual_label, [p.progress for p in points], "#0b4f8a"),
            Series(_("序时进度"), [p.expected for p in points], "#8a8a8a"),
        ],
    )


def topic_counts_chart(counts: TopicCounts, *, chart_id: str = "chart-topic") -> Chart:
    """每月一题: the topic's requests per month before and after its month (that month marked)."""
    colours = ["#b3261e" if m == counts.topic_month else "#0b4f8a" for m in counts.months]
    categories = _months(counts.months, partial_last=counts.partial_last)
    marked = counts.months.index(counts.topic_month) if counts.topic_month in counts.months else None
    if marked is not None:
        categories[marked] = _("%(month)s（选题月）") % {"month": categories[marked]}
    return Chart(
        id=chart_id,
        title=_("选题前后每月诉求件数"),
        kind="bar",
        unit=_("件"),
        category_label=_("月份"),
        description=_(
            "与本题同一社区、同一问题类别的群众诉求，每月收到的件数（不含不予受理和重复件）。红色为选题当月。"
        ),
        categories=categories,
        series=[Series(_("诉求件数"), counts.counts, "#0b4f8a", item_colors=colours)],
    )
