"""Back-office forms for projects (the public site has its own forms)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import Scope
from apps.common.images import PhotoField
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
        if self.scope is None:
            return cleaned
        areas = cleaned.get("areas")
        errors = self.scope.project_errors(
            areas=areas if areas is not None else [],
            lead_department_id=getattr(cleaned.get("lead_department"), "pk", None),
            co_department_ids=[d.pk for d in cleaned.get("co_departments") or []],
            parent=cleaned.get("parent"),
        )
        for field, message in errors.items():
            if field == NON_FIELD_ERRORS or field not in self.errors:
                self.add_error(None if field == NON_FIELD_ERRORS else field, message)
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
        if self.instance.pk and "progress" in self.changed_data and not self.errors:
            # A corrected progress on an earlier entry: say now what progress_update_edit would refuse.
            try:
                progress_update_check(update=self.instance)
            except ValidationError as exc:
                self._update_errors(exc)


class PhotoInput(forms.ClearableFileInput):
    """A file input without the "currently: <link>" line: the inline's preview shows the photo
    through the admin, while a /media/ link works only once the project is published."""

    def is_initial(self, value) -> bool:
        return False


class ProjectPhotoInlineForm(forms.ModelForm):
    # Re-encoded without EXIF here, once: project_photo_add passes the CleanPhoto through.
    image = PhotoField(label=_("照片"), widget=PhotoInput)

    class Meta:
        model = ProjectPhoto
        fields = ["image", "stage", "caption", "is_cover", "taken_on"]
