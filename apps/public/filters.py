"""The project list's filter panel around the one `ProjectFilterSet` (apps.projects.filters):
the programmes, areas and years it lists, the orders it offers, and the chosen filters in words."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from apps.common.i18n import localized
from apps.places.models import Area
from apps.programmes.models import Programme
from apps.projects.filters import FilterOffer, ProjectFilterSet
from apps.projects.models import Health, ProjectStatus

DEFAULT_ORDERING = "-updated_at"
# The orders the page offers (the API takes any of the FilterSet's).
ORDERING_LABELS = {
    "-updated_at": _("最近更新"),
    "-progress": _("进度从高到低"),
    "progress": _("进度从低到高"),
    "planned_finish": _("计划完工从早到晚"),
    "-planned_investment": _("计划投资从多到少"),
    "title": _("按名称"),
}
# The query parameters the page reads: the filters it shows, and the page number.
PARAMS = ("q", "programme", "area", "status", "year", "health", "ordering", "page")


def filter_offer(programmes: list[Programme], areas: list[Area]) -> FilterOffer:
    """The programmes and the 街道 with their 社区 (`places.selectors.subdistricts_with_communities`)."""
    return FilterOffer(
        programmes=[(p.code, localized(p, "name")) for p in programmes],
        areas=[(a.pk, a.name) for subdistrict in areas for a in (subdistrict, *subdistrict.communities)],
    )


class ProjectFilterPanel:
    """What the filter panel shows beside the form: lists, the chosen filters, their labels."""

    def __init__(self, filterset: ProjectFilterSet, *, programmes: list[Programme], areas: list[Area], years):
        self.form = filterset.form
        self.areas = areas
        self.years = years
        self.ordering_choices = list(ORDERING_LABELS.items())
        self.form.is_valid()  # cleans: what is left in cleaned_data is what filters the list
        chosen = getattr(self.form, "cleaned_data", {})
        self._chosen = {name: value for name, value in chosen.items() if value not in (None, "", [])}
        code = self._chosen.get("programme")
        self.programme = next((p for p in programmes if p.code == code), None)
        area_id = self._chosen.get("area")
        self.area = next((a for s in areas for a in (s, *s.communities) if a.pk == area_id), None)
        orderings = self._chosen.get("ordering") or [DEFAULT_ORDERING]
        self.ordering = orderings[0]

    @property
    def active(self) -> bool:
        return any(self._chosen.get(name) for name in ("programme", "area", "status", "year", "health", "q"))

    def chosen_labels(self) -> list[str]:
        """The filters in force, in words, for the collapsed filter panel's summary."""
        labels = []
        if self.programme:
            labels.append(localized(self.programme, "name"))
        if self.area:
            labels.append(self.area.name)
        if self._chosen.get("status"):
            labels.append(str(ProjectStatus(self._chosen["status"]).label))
        if self._chosen.get("year"):
            labels.append(str(self._chosen["year"]))
        if self._chosen.get("health"):
            labels.append(str(Health(self._chosen["health"]).label))
        if self.ordering != DEFAULT_ORDERING:
            labels.append(str(ORDERING_LABELS.get(self.ordering, self.ordering)))
        return labels
