"""The monthly 进展通报 as a workbook: the same tables as the page, one sheet each."""

from __future__ import annotations

from django.utils.translation import gettext as _

from apps.common.i18n import localized
from apps.common.xlsx import Column, add_sheet, new_workbook, workbook_bytes
from apps.projects.models import Health
from apps.reports.selectors import FigureRow, MonthlyReport, ProjectGroup


def _group_columns(name: str) -> list[Column]:
    return [
        Column(name, width=24),
        Column(_("项目数"), "int"),
        Column(_("已完成"), "int"),
        Column(_("进行中"), "int"),
        Column(_("红灯"), "int"),
        Column(_("黄灯"), "int"),
        Column(_("平均进度"), "percent"),
        Column(_("平均进度环比（百分点）"), "points"),
        Column(_("计划投资（万元）"), "money"),
        Column(_("已完成投资（万元）"), "money"),
    ]


def _group_row(name: str, g: ProjectGroup) -> list:
    return [
        name,
        g.total,
        g.completed,
        g.in_progress,
        g.red,
        g.yellow,
        g.average_progress,
        g.progress_change,
        g.planned_investment,
        g.invested,
    ]


def _figure_columns(name: str) -> list[Column]:
    return [
        Column(name, width=24),
        Column(_("收到"), "int"),
        Column(_("响应率"), "percent"),
        Column(_("响应率环比（百分点）"), "points"),
        Column(_("解决率"), "percent"),
        Column(_("解决率环比（百分点）"), "points"),
        Column(_("满意率"), "percent"),
        Column(_("满意率环比（百分点）"), "points"),
    ]


def _figure_row(row: FigureRow) -> list:
    r = row.rates
    return [
        r.name,
        r.received,
        r.response_rate,
        row.response_change,
        r.resolution_rate,
        row.resolution_change,
        r.satisfaction_rate,
        row.satisfaction_change,
    ]


def monthly_workbook(report: MonthlyReport) -> bytes:
    workbook = new_workbook()
    add_sheet(
        workbook,
        _("六心板块"),
        _group_columns(_("板块")),
        [
            *[_group_row(localized(p, "name"), g) for p, g in report.programmes],
            _group_row(_("合计"), report.programme_total),
        ],
    )
    add_sheet(
        workbook,
        _("各街道诉求"),
        _figure_columns(_("街道")),
        [*[_figure_row(r) for r in report.figures_by_subdistrict], _figure_row(report.figures_total)],
    )
    departments = [_figure_row(r) for r in report.figures_by_department]
    add_sheet(workbook, _("各单位诉求"), _figure_columns(_("承办单位")), departments)
    add_sheet(
        workbook,
        _("各街道项目"),
        _group_columns(_("街道")),
        [_group_row(g.name, g) for g in report.projects_by_subdistrict],
    )
    add_sheet(
        workbook,
        _("各牵头单位项目"),
        _group_columns(_("牵头单位")),
        [_group_row(g.name, g) for g in report.projects_by_department],
    )
    health = dict(Health.choices)
    add_sheet(
        workbook,
        _("红黄灯项目"),
        [
            Column(_("项目名称"), width=36),
            Column(_("红黄绿灯"), width=16),
            Column(_("街道"), width=20),
            Column(_("牵头单位"), width=20),
            Column(_("计划完工"), "date", 12),
            Column(_("序时进度"), "percent"),
            Column(_("实际进度"), "percent"),
            Column(_("落后（百分点）"), "points"),
        ],
        [
            [
                p.title,
                str(health[p.health]),
                "、".join(name for _pk, name in p.subdistricts),
                p.lead_department_name,
                p.planned_finish,
                p.expected,
                p.progress,
                p.gap,
            ]
            for p in report.behind
        ],
    )
    add_sheet(
        workbook,
        _("本月完成项目"),
        [
            Column(_("项目名称"), width=36),
            Column(_("街道"), width=20),
            Column(_("牵头单位"), width=20),
            Column(_("实际完工"), "date", 12),
            Column(_("计划投资（万元）"), "money"),
            Column(_("已完成投资（万元）"), "money"),
        ],
        [
            [
                p.title,
                "、".join(name for _pk, name in p.subdistricts),
                p.lead_department_name,
                p.actual_finish,
                p.planned_investment,
                p.invested,
            ]
            for p in report.completed
        ],
    )
    add_sheet(
        workbook,
        _("诉求类别"),
        [Column(_("问题类别"), width=36), Column(_("件数"), "int")],
        [[t.label, t.count] for t in report.topics],
    )
    return workbook_bytes(workbook)
