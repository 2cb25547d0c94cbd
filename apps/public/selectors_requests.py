"""Reads behind the residents' request pages: the published list and the tracking view.

Public rows are plain dataclasses built from a fixed set of columns, so a template cannot
reach a submitter's name, phone, contact or exact location even by mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import django_filters
from django.core.paginator import Page
from django.db.models import QuerySet
from django.utils import formats, timezone, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from apps.appeals.models import Appeal, AppealEvent, AppealKind, Channel, Closure, Rating, Status
from apps.appeals.selectors import appeal_public_timeline, in_area_q, published_appeals, published_text_search
from apps.categories.models import CategoryLevel
from apps.categories.selectors import categories, in_category_q
from apps.common.dates import time_element
from apps.common.filters import TextFilter
from apps.common.i18n import localized
from apps.common.paging import list_paginator
from apps.common.privacy import mask_name
from apps.places.models import AreaLevel
from apps.places.selectors import subdistricts_with_communities
from apps.programmes.models import Programme
from apps.public.widgets import AUTO, PlainSelect


@dataclass(frozen=True)
class PublicProjectLink:
    id: int
    title: str


@dataclass(frozen=True)
class PublicAppeal:
    """What the public may know about a published request."""

    id: int
    kind_label: str
    status: str
    status_label: str
    title: str
    content: str
    public_reply: str
    masked_name: str
    area_name: str
    subdistrict_name: str
    programme_code: str
    programme_name: str
    programme_colour: str
    category_name: str
    submitted_at: datetime
    resolved_at: datetime | None
    rating_label: str
    projects: tuple[PublicProjectLink, ...]


def public_appeal(appeal: Appeal) -> PublicAppeal:
    # 小区 are shown as themselves: DESIGN allows location "down to 社区/小区".
    area = appeal.area
    return PublicAppeal(
        id=appeal.pk,
        kind_label=str(appeal.get_kind_display()),
        status=appeal.status,
        status_label=str(appeal.get_status_display()),
        title=appeal.published_title,
        content=appeal.published_content,
        public_reply=appeal.published_reply,
        masked_name=mask_name(appeal.submitter_name),
        area_name=area.name if area.level > AreaLevel.SUBDISTRICT else "",
        subdistrict_name=appeal.subdistrict.name,
        programme_code=appeal.programme.code if appeal.programme else "",
        programme_name=localized(appeal.programme, "name") if appeal.programme else "",
        programme_colour=appeal.programme.colour if appeal.programme else "",
        category_name=localized(appeal.category, "name") if appeal.category_id else "",
        submitted_at=appeal.submitted_at,
        resolved_at=appeal.resolved_at,
        rating_label=str(appeal.get_rating_display()) if appeal.rating else "",
        projects=tuple(PublicProjectLink(p.pk, p.title) for p in getattr(appeal, "public_projects", ())),
    )


class PublishedAppealFilter(django_filters.FilterSet):
    """The list's filters, named like the API's: programme=<code>, area=<id>, status, type."""

    programme = django_filters.ChoiceFilter(label=_("六心板块"), field_name="programme_id", empty_label=_("全部板块"))
    area = django_filters.TypedChoiceFilter(
        label=_("街道 / 社区"), coerce=int, method="filter_area", widget=PlainSelect(option_lang="zh-CN")
    )
    status = django_filters.ChoiceFilter(label=_("办理状态"), choices=Status.choices, empty_label=_("全部状态"))
    type = django_filters.ChoiceFilter(
        label=_("诉求类型"), field_name="kind", choices=AppealKind.choices, empty_label=_("全部类型")
    )
    category = django_filters.ChoiceFilter(
        label=_("问题分类"),
        method="filter_category",
        empty_label=_("全部分类"),
        widget=PlainSelect(option_lang=AUTO),
    )
    q = TextFilter(label=_("关键词"), method="search")

    class Meta:
        model = Appeal
        fields: list[str] = []

    def __init__(
        self,
        *args,
        programmes: list[tuple[str, str]],
        area_choices: list,
        area_levels: dict,
        category_choices: list,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.filters["category"].extra["choices"] = category_choices
        self.filters["programme"].extra["choices"] = programmes
        self.filters["area"].extra["choices"] = [("", _("全部街道和社区")), *area_choices]
        self._area_levels = area_levels

    def chosen_labels(self) -> list[str]:
        """The chosen filters in words (泰山街道 · 投诉), for the closed filter panel's summary."""
        form = self.form
        if not form.is_valid():
            return []
        labels = []
        for name, field in form.fields.items():
            value = form.cleaned_data.get(name)
            if value in (None, ""):
                continue
            if not hasattr(field, "choices"):  # the search word
                labels.append(f"“{value}”")
                continue
            for key, label in field.choices:
                options = label if isinstance(label, list | tuple) else [(key, label)]
                labels += [str(text) for option, text in options if str(option) == str(value)]
        return labels

    def filter_category(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(in_category_q(value)) if value else queryset

    def filter_area(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        if not value:
            return queryset
        return queryset.filter(in_area_q(value, self._area_levels.get(value)))

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return published_text_search(queryset, value) if value.strip() else queryset


def public_category_choices() -> list:
    """First-level classes, each an <optgroup> holding itself (全部) and its second levels: one query."""
    items = [c for c in categories() if c.level < CategoryLevel.THIRD]
    firsts = [c for c in items if c.level == CategoryLevel.FIRST]
    return [
        (
            localized(first, "name"),
            [
                (first.code, _("%(name)s（全部）") % {"name": localized(first, "name")}),
                *((c.code, localized(c, "name")) for c in items if c.parent_id == first.pk),
            ],
        )
        for first in firsts
    ]


def published_appeals_page(params, page_number: str | int | None) -> tuple[PublishedAppealFilter, Page]:
    """The filter form and one page of published requests as PublicAppeal rows."""
    tree = subdistricts_with_communities()
    whole = pgettext("area option", "%(name)s（整个街道）")
    # One <optgroup> per 街道: the 街道 itself first, then its 社区.
    grouped = [(s.name, [(s.pk, whole % {"name": s.name}), *((c.pk, c.name) for c in s.communities)]) for s in tree]
    programmes = [(p.code, localized(p, "name")) for p in Programme.objects.order_by("order", "code")]
    filterset = PublishedAppealFilter(
        params,
        category_choices=public_category_choices(),
        queryset=published_appeals(),
        programmes=programmes,
        area_choices=grouped,
        area_levels={a.pk: a.level for s in tree for a in (s, *s.communities)},
    )
    searched = bool(filterset.form.is_valid() and (filterset.form.cleaned_data.get("q") or "").strip())
    window = published_appeals(linked_projects=False)
    page = list_paginator(filterset.qs, window=window, searched=searched).get_page(page_number)
    page.object_list = [public_appeal(appeal) for appeal in page.object_list]
    return filterset, page


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    status_label: str
    actor_label: str
    reply: str
    actor_is_data: bool = True  # a unit's or a key's name, as written; else a role, translated


# The step that closed a request says how (the request's `closure`), not only 已关闭.
CLOSED_BY = {
    Closure.RATED: _("已评价关闭"),
    Closure.EXPLAINED: _("解释说明后关闭"),
    Closure.UNRATED: _("未评价自动关闭"),
}
STEP_LABELS = {"rate": _("评价"), "revisit": _("回访"), "reopen": _("重办"), "co_reply": _("协办单位参与办理")}


def _step_label(event: AppealEvent, closure: str) -> str:
    """What the resident reads for a step: how the request closed, what happened when the
    status stays or the step needs saying (延期至 … (原因), 评价, 回访, 重办), else its new status."""
    if event.action == "approve_extension":
        return _Sentence(gettext("延期至 %(day)s（%(reason)s）")) % {
            "day": formats.date_format(timezone.localtime(event.until), "Y-m-d"),
            "reason": format_html('<span lang="zh-CN">{}</span>', event.reason),
        }
    if event.to_status == Status.CLOSED and closure in CLOSED_BY:
        return str(CLOSED_BY[closure])
    if event.to_status == Status.MERGED:
        return gettext("作为重复件关闭")
    if event.action in STEP_LABELS:
        return str(STEP_LABELS[event.action])
    return str(event.get_to_status_display())


# The roles the state machine writes as an event's actor (apps.appeals.services), stored in Chinese.
ACTOR_ROLES = {"诉求人": _("诉求人"), "系统": _("系统"), "区级工作人员": _("区级工作人员")}
STAFF_ON_CHANNEL = re.compile(r"^工作人员登记（(.+)）$")


def _actor(event: AppealEvent) -> tuple[str, bool]:
    """An event's actor for the resident: a role or channel in the page's language, or a name."""
    if event.action == "co_reply":
        # Only that a co-department took part: not which official or key answered for it.
        return gettext("协办单位"), False
    label = event.actor_label
    if label in ACTOR_ROLES:
        return str(ACTOR_ROLES[label]), False
    channels = _channel_labels()
    if label in channels:
        return channels[label], False
    staff = STAFF_ON_CHANNEL.match(label)
    if staff and staff.group(1) in channels:
        return gettext("工作人员登记（%(channel)s）") % {"channel": channels[staff.group(1)]}, False
    return label, True


def _channel_labels() -> dict[str, str]:
    """Each channel's stored Chinese label → its label in the page's language."""
    with translation.override("zh-hans"):
        chinese = {value: str(label) for value, label in Channel.choices}
    return {chinese[value]: str(label) for value, label in Channel.choices}


def tracking_timeline(appeal: Appeal) -> list[TimelineEntry]:
    """The public steps of one request (never internal notes), oldest first."""
    events: list[AppealEvent] = list(appeal_public_timeline(appeal))
    return [
        TimelineEntry(
            at=event.at,
            status_label=_step_label(event, appeal.closure),
            actor_label=actor,
            reply=event.reply,
            actor_is_data=actor_is_data,
        )
        for event in events
        for actor, actor_is_data in [_actor(event)]
    ]


def is_awaiting_rating(appeal: Appeal) -> bool:
    return appeal.status == Status.RESOLVED and not appeal.rating


def _when(moment: datetime | None) -> str:
    return time_element(moment)


def appeal_next_step(appeal: Appeal, *, now: datetime | None = None) -> str:
    """One plain sentence for the resident: what happens next to their request, and by when.
    Every state has one; a state this function does not know yet gets none rather than a wrong one.
    HTML: the unit's name is data in Chinese, marked so inside an English sentence."""
    sentence = _next_step(appeal, now=now or timezone.now())
    return mark_safe(conditional_escape(sentence)) if sentence else ""


class _Sentence(str):
    """A translated sentence whose %-placeholders take HTML-escaped values."""

    def __mod__(self, values: dict) -> str:
        return mark_safe(conditional_escape(str(self)) % {k: conditional_escape(v) for k, v in values.items()})


def _next_step(appeal: Appeal, *, now: datetime) -> str:
    def _(message: str) -> _Sentence:
        return _Sentence(gettext(message))

    unit = _("承办单位")
    if appeal.department_id:
        unit = format_html('<span lang="zh-CN">{}</span>', appeal.department.name)
    resolve_by = _when(appeal.resolve_due)
    status = appeal.status
    if status == Status.SUBMITTED:
        if appeal.response_due and now > appeal.response_due:
            return _("已超过受理时限（%(due)s），已列入超期督办清单；工作人员受理后会在这里更新。") % {
                "due": _when(appeal.response_due)
            }
        return _("工作人员会在 %(due)s 前受理，或告诉您不予受理的原因。") % {"due": _when(appeal.response_due)}
    if status == Status.ACCEPTED:
        return _("已受理，下一步派给承办单位，须在 %(due)s 前办结并答复您。") % {"due": resolve_by}
    if status == Status.ASSIGNED:
        return _("已派给%(unit)s，签收后开始办理，须在 %(due)s 前办结并答复您。") % {"unit": unit, "due": resolve_by}
    if status == Status.IN_PROGRESS:
        if appeal.resolve_due and now > appeal.resolve_due:
            return _("%(unit)s正在办理，已超过办结时限（%(due)s），已列入超期督办清单。") % {
                "unit": unit,
                "due": resolve_by,
            }
        return _("%(unit)s正在办理，须在 %(due)s 前办结并答复您。") % {"unit": unit, "due": resolve_by}
    if status == Status.RETURNED:
        return _("承办单位认为不归其管，已退回；工作人员会改派给合适的单位，办结时限仍为 %(due)s。") % {
            "due": resolve_by
        }
    if status == Status.RESOLVED:
        return _("已办结，答复见上方。请在下面评价办理结果：满意、基本满意或不满意。")
    if status == Status.REJECTED:
        return _("不予受理，原因见答复。如有异议，可以重新反映或拨打 12345 热线。")
    if status == Status.REVIEW:
        return _(
            "您的回答是不满意或未解决，这件诉求已列入区里“不满意待处理”清单：工作人员会重新交办承办单位（重办），"
            "或向您解释说明；也可以拨打 12345 热线。"
        )
    if status == Status.MERGED:
        return _("您反映的问题与另一件诉求相同，已合并办理，进展见下方。")
    if status == Status.CLOSED:
        if appeal.rating == Rating.UNSATISFIED:
            return _(
                "您评价了不满意，这件诉求已列入区里“不满意待处理”清单，工作人员会复核办理情况；"
                "问题仍未解决的，可以重新反映或拨打 12345 热线。"
            )
        if appeal.rating:
            return _("已办结并评价，流程结束。感谢您的评价。")
        return _("已结案，流程结束。问题仍未解决的，可以重新反映或拨打 12345 热线。")
    return ""
