"""Atom feeds of progress updates: all, per programme, per project, per area.

Only updates of published projects; nothing about residents' requests, so no personal data
can reach a feed reader. Author names of officials are left out too.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.translation import gettext as _

from apps.common.i18n import localized
from apps.places.models import Area
from apps.programmes.models import Programme
from apps.projects.models import ProgressUpdate, Project
from apps.proposals.selectors import published_proposals
from apps.public import selectors
from apps.topics.selectors import public_topics


class UpdatesFeed(Feed):
    feed_type = Atom1Feed

    def title(self, obj=None) -> str:
        return _("泉山六心 · 项目进展")

    def subtitle(self, obj=None) -> str:
        return _("泉山区“六心工程”民生项目的最新进展")

    def link(self, obj=None) -> str:
        return reverse("public:home")

    def items(self, obj=None) -> list[ProgressUpdate]:
        return selectors.feed_updates()

    def item_title(self, item: ProgressUpdate) -> str:
        return _("%(project)s：进度 %(progress)s%%") % {"project": item.project.title, "progress": item.progress}

    def item_description(self, item: ProgressUpdate) -> str:
        # Atom's summary is HTML: escape the official's text, keep its paragraphs.
        return linebreaks(item.text, autoescape=True)

    def item_link(self, item: ProgressUpdate) -> str:
        return reverse("public:project_detail", args=[item.project_id]) + f"#update-{item.pk}"

    def item_guid(self, item: ProgressUpdate) -> str:
        return f"tag:quanshan-liuxin,{item.created_at:%Y-%m-%d}:update-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: ProgressUpdate) -> datetime:
        return item.created_at

    def item_updateddate(self, item: ProgressUpdate) -> datetime:
        # Atom requires <updated> on every entry; an update is not edited in place publicly.
        return item.created_at

    def item_categories(self, item: ProgressUpdate) -> list[str]:
        return [localized(item.project.programme, "name")]


class AllUpdatesFeed(UpdatesFeed):
    pass


class ProgrammeUpdatesFeed(UpdatesFeed):
    def get_object(self, request: HttpRequest, code: str) -> Programme:
        return selectors.programme_or_404(code)

    def title(self, obj: Programme) -> str:
        return _("泉山六心 · %(name)s · 项目进展") % {"name": localized(obj, "name")}

    def link(self, obj: Programme) -> str:
        return reverse("public:programme_detail", args=[obj.code])

    def items(self, obj: Programme) -> list[ProgressUpdate]:
        return selectors.feed_updates(programme=obj)


class ProjectUpdatesFeed(UpdatesFeed):
    def get_object(self, request: HttpRequest, pk: int) -> Project:
        return selectors.public_project_or_404(pk)

    def title(self, obj: Project) -> str:
        return _("泉山六心 · %(name)s · 项目进展") % {"name": obj.title}

    def link(self, obj: Project) -> str:
        return reverse("public:project_detail", args=[obj.pk])

    def items(self, obj: Project) -> list[ProgressUpdate]:
        return selectors.feed_updates(project=obj)


class AreaUpdatesFeed(UpdatesFeed):
    def get_object(self, request: HttpRequest, pk: int) -> Area:
        return selectors.area_or_404(pk)

    def title(self, obj: Area) -> str:
        return _("泉山六心 · %(name)s · 项目进展") % {"name": obj.name}

    def link(self, obj: Area) -> str:
        return reverse("public:area_detail", args=[obj.pk])

    def items(self, obj: Area) -> list[ProgressUpdate]:
        return selectors.feed_updates(area=obj)


class ProposalsFeed(Feed):
    """Published 民生实事 proposals, newest first: their public version and status, never the proposer."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("泉山六心 · 民生实事征集")

    def subtitle(self) -> str:
        return _("群众、人大代表、街道和部门提出的民生实事建议及其初审、票决结果")

    def link(self) -> str:
        return reverse("public:proposal_list")

    def items(self) -> list:
        return list(published_proposals()[:50])

    def item_title(self, item) -> str:
        return f"{item.published_title}（{item.get_status_display()}）"

    def item_description(self, item) -> str:
        return linebreaks(item.published_content, autoescape=True)

    def item_link(self, item) -> str:
        return reverse("public:proposal_list") + f"?year={item.year}#{item.tracking_no}"

    def item_guid(self, item) -> str:
        return f"tag:quanshan-liuxin,{item.submitted_at:%Y-%m-%d}:proposal-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item) -> datetime:
        return item.submitted_at

    def item_updateddate(self, item) -> datetime:
        return item.updated_at


class MonthlyTopicsFeed(Feed):
    """Published 每月一题, newest month first: what officials wrote, nothing from a resident."""

    feed_type = Atom1Feed

    def title(self) -> str:
        return _("泉山六心 · 每月一题")

    def subtitle(self) -> str:
        return _("每月从群众诉求中选出一个反复出现的问题，由牵头单位集中解决")

    def link(self) -> str:
        return reverse("public:topic_list")

    def items(self) -> list:
        return list(public_topics()[:24])

    def item_title(self, item) -> str:
        return _("%(month)s 每月一题：%(title)s") % {"month": f"{item.month:%Y-%m}", "title": item.title}

    def item_description(self, item) -> str:
        return linebreaks(item.problem, autoescape=True)

    def item_link(self, item) -> str:
        return reverse("public:topic_detail", args=[item.pk])

    def item_guid(self, item) -> str:
        return f"tag:quanshan-liuxin,{item.month:%Y-%m-%d}:monthly-topic-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item) -> datetime:
        return item.created_at

    def item_updateddate(self, item) -> datetime:
        return item.updated_at

    def item_categories(self, item) -> list[str]:
        return [item.lead_department.name]
