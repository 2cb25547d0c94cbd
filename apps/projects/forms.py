"""Back-office forms for projects (the public site has its own forms)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import Scope
from apps.common.images import strip_exif
from apps.projects.models import ProgressUpdate, Project, ProjectPhoto
from apps.projects.services import progress_update_check


class ProjectAdminForm(forms.ModelForm):
    """The project form; a scoped official may only save a project that stays in scope."""

    scope: Scope | None = None

    class Meta:
        model = Project
        fields = [
            "programme",
            "year",
            "title",
            "summary",
            "description",
            "parent",
            "weight",
            "areas",
            "lead_department",
            "co_departments",
            "official_name",
            "official_title",
            "planned_investment",
            "invested",
            "planned_start",
            "planned_finish",
            "actual_start",
            "actual_finish",
            "status",
            "progress",
            "latitude",
            "longitude",
            "is_public",
        ]

    def clean(self):
        cleaned = super().clean()
        scope = self.scope
        if scope is None or scope.is_all:
            return cleaned
        if scope.kind == "subdistrict":
            areas = cleaned.get("areas")
            if areas is not None and not any(area.subdistrict_id == scope.subdistrict_id for area in areas):
                self.add_error("areas", _("涉及区域中至少要有一处属于您所在的街道。"))
        elif scope.kind == "department":
            lead = cleaned.get("lead_department")
            co = cleaned.get("co_departments") or []
            if lead is not None and lead.pk != scope.department_id and all(d.pk != scope.department_id for d in co):
                self.add_error("lead_department", _("牵头单位或配合单位中须包含您所在的单位。"))
        return cleaned


class ProgressUpdateInlineForm(forms.ModelForm):
    """A 进展 entry. For hand-set projects its progress becomes the project's progress; for
    derived ones the progress is recorded from the milestones / sub-projects."""

    class Meta:
        model = ProgressUpdate
        fields = ["date", "text", "progress"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["progress"].required = False
        self.fields["progress"].help_text = _("留空则记录项目当前进度；进度由节点计算的项目填写无效。")

    def _post_clean(self):
        super()._post_clean()
        if self.instance.pk and not self.errors:
            # A correction to an earlier entry: say now what progress_update_edit would refuse.
            try:
                progress_update_check(update=self.instance)
            except ValidationError as exc:
                self._update_errors(exc)


class ProjectPhotoInlineForm(forms.ModelForm):
    class Meta:
        model = ProjectPhoto
        fields = ["image", "stage", "caption", "is_cover", "taken_on"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image is not None and hasattr(image, "content_type"):
            # Refuse here what the service would refuse when stripping EXIF (format, size).
            try:
                strip_exif(image)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from exc
            image.seek(0)
        return image
