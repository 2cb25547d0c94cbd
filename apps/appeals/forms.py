"""Back-office forms for residents' requests: registering a call or visit, and workflow steps."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.accounts.scoping import Scope, ScopeKind
from apps.appeals.models import Appeal, Channel, ReturnReason
from apps.appeals.services import MAX_PHOTOS, appeal_link_projects_check
from apps.common.images import MultiplePhotoField
from apps.places.selectors import active_departments


class AppealSubmitForm(forms.ModelForm):
    """An official registers a request received by phone, visit or WeChat (saved by appeal_submit)."""

    photos = MultiplePhotoField(
        max_count=MAX_PHOTOS, label=_("照片"), help_text=_("最多 3 张，上传时自动去除拍摄位置等 EXIF 信息。")
    )
    scope: Scope | None = None

    class Meta:
        model = Appeal
        fields = [
            "channel",
            "kind",
            "programme",
            "area",
            "location_text",
            "latitude",
            "longitude",
            "title",
            "content",
            "submitter_name",
            "submitter_phone",
            "submitter_contact",
            "consent_to_publish",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].initial = Channel.VISIT
        self.fields["channel"].choices = [c for c in Channel.choices if c[0] != Channel.API]

    def clean_area(self):
        area = self.cleaned_data.get("area")
        scope = self.scope
        if area is not None and scope is not None and scope.kind == ScopeKind.SUBDISTRICT:
            own = area.subdistrict or area.derive_subdistrict()  # as appeal_submit reads it
            if own is None or own.pk != scope.subdistrict_id:
                raise ValidationError(_("只能登记本街道范围内的诉求。"))
        return area


class AppealChangeForm(forms.ModelForm):
    """What an official may correct on a request; status and replies change only by workflow steps."""

    scope: Scope | None = None

    class Meta:
        model = Appeal
        fields = ["programme", "location_text", "latitude", "longitude", "projects"]

    def clean_projects(self):
        projects = self.cleaned_data["projects"]
        if self.scope is not None:
            try:
                appeal_link_projects_check(appeal=self.instance, projects=projects, scope=self.scope)
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["projects"]) from exc
        return projects


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("内部备注"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("仅工作人员可见。"),
    )


class AssignForm(NoteForm):
    department = forms.ModelChoiceField(
        label=_("承办单位"), queryset=active_departments(), empty_label=_("请选择承办单位")
    )
    field_order = ["department", "note"]


class ReplyForm(NoteForm):
    reply = forms.CharField(
        label=_("答复内容"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 60}),
        help_text=_("诉求人可见，请用通俗的语言说明办理结果或理由。"),
    )
    field_order = ["reply", "note"]


class PublishForm(forms.Form):
    """The public version of a request as the approving official edits it; pre-filled by
    `public_version_draft` (phone, ID and house numbers masked)."""

    published_title = forms.CharField(label=_("公开标题"), max_length=100, widget=forms.TextInput(attrs={"size": 80}))
    published_content = forms.CharField(
        label=_("公开内容"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8, "cols": 80})
    )
    published_reply = forms.CharField(
        label=_("公开答复"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=_(
            "公开页面、接口、导出和 Open311 只显示这一版本，原文不变、不公开。电话和证件号码总会被遮盖；"
            "楼号、单元、室号和门牌号已预先遮盖，请核对后再公开。"
        ),
    )


class ReturnForm(NoteForm):
    reason = forms.ChoiceField(label=_("退单原因"), choices=ReturnReason.choices)
    field_order = ["reason", "note"]
