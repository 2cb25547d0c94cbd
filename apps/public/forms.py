"""Forms of the residents' pages: submit a request, track it, rate it, choose a statistics period.

Forms check what a resident typed and say what is wrong in plain Chinese; the rules of the
domain (area belongs to 街道, photos re-encoded without EXIF, workflow) stay in the services,
whose ValidationErrors are put back on the right field by `add_service_errors`.
"""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from apps.appeals.models import PHONE_VALIDATOR, AppealKind, Channel, Rating, Solved
from apps.appeals.services import MAX_PHOTOS
from apps.appeals.tracking import parse_tracking_no
from apps.categories.models import CODE_VALIDATOR, ProblemCategory
from apps.categories.selectors import first_level_categories
from apps.common.dates import validate_date_in_range
from apps.common.i18n import localized
from apps.common.images import MultiplePhotoField
from apps.notifications.follows import Target
from apps.notifications.models import FollowFrequency
from apps.places.models import Area, AreaLevel
from apps.programmes.models import Programme
from apps.projects.models import Project
from apps.projects.selectors import public_projects
from apps.public.selectors import form_choices, project_for_request
from apps.public.widgets import PlainSelect


def _normalise(value: str) -> str:
    """Full-width characters typed with a Chinese input method (１２３４, ＱＳ－) → ASCII."""
    return unicodedata.normalize("NFKC", value or "").strip()


class NormalisedCharField(forms.CharField):
    """A CharField that reads full-width digits and letters as ASCII before validating."""

    def to_python(self, value):
        return _normalise(super().to_python(value))


# --- A resident's contact, asked alike by the request and the proposal forms -----------------------


def resident_name_field() -> forms.CharField:
    return forms.CharField(
        label=_("您的姓名"),
        max_length=30,
        error_messages={
            "required": _("请填写姓名，方便工作人员联系您。"),
            "max_length": _("姓名请不要超过 %(limit_value)d 个字。"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )


def resident_mobile_field(required_message) -> NormalisedCharField:
    return NormalisedCharField(
        label=_("手机号码"),
        max_length=20,
        validators=[PHONE_VALIDATOR],
        error_messages={"required": required_message, "max_length": _("电话号码太长了，请检查。")},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )


def honeypot_field() -> forms.CharField:
    """Spam guard: people never see this field (it is hidden), form-filling robots fill it."""
    return forms.CharField(
        label=_("网址（请勿填写）"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )


def checked_phone(phone: str) -> str:
    """A phone number with at least 7 digits (the validator allows separators), else the error."""
    if sum(ch.isdigit() for ch in phone) < 7:
        raise ValidationError(_("请填写正确的电话号码。"), code="invalid")
    return phone


def refuse_honeypot(data) -> None:
    if data.get("website"):
        raise ValidationError(_("提交未成功，请刷新页面后重新填写。"), code="spam")


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Programme) -> str:
        return localized(obj, "name")


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ProblemCategory) -> str:
        return localized(obj, "name")


def offer_choices(form: forms.Form) -> None:
    """Give a residents' form its lists (街道, 社区, and the class and programme where it has them)
    from the cached `form_choices`: drawing the form, again after a refused post too, costs no
    query. A chosen class or programme is still checked against the database when posted."""
    choices = form_choices()
    fields = form.fields
    fields["subdistrict"].choices = [("", _("请选择街道")), *choices.subdistricts]
    fields["community"].choices = [("", _("不清楚 / 不选")), *choices.communities]
    for name, offered in (("category", choices.categories), ("programme", choices.programmes)):
        if name in fields:
            empty = fields[name].empty_label
            fields[name].choices = [*([("", empty)] if empty is not None else []), *offered]


def chosen_areas(data: dict) -> tuple[Area, Area | None]:
    """The 街道 and 社区 (or None) a cleaned form chose, read when it is submitted (one query).
    An area deleted since the form was drawn is a form error, not a 500."""
    community_pk = data.get("community")
    found = Area.objects.in_bulk([data["subdistrict"], *([community_pk] if community_pk else [])])
    if data["subdistrict"] not in found:
        raise ValidationError({"subdistrict": _("请从列表中选择街道。")})
    if community_pk and community_pk not in found:
        raise ValidationError({"community": _("请从列表中选择社区。")})
    return found[data["subdistrict"]], found.get(community_pk) if community_pk else None


class AppealSubmitForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("诉求类型"),
        choices=AppealKind.choices,
        initial=AppealKind.HELP,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择诉求类型。"), "invalid_choice": _("请选择诉求类型。")},
    )
    programme = ProgrammeChoiceField(
        label=_("涉及哪方面（六心板块）"),
        queryset=Programme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("不确定"),
        error_messages={"invalid_choice": _("请从列表中选择。")},
    )
    category = CategoryChoiceField(
        label=_("问题属于哪一类"),
        queryset=first_level_categories(),
        to_field_name="code",
        required=False,
        empty_label=_("不确定"),
        help_text=_("选一个大类即可，工作人员受理时会细分。"),
        error_messages={"invalid_choice": _("请从列表中选择。")},
    )
    subdistrict = forms.TypedChoiceField(
        label=_("所在街道"),
        coerce=int,
        widget=PlainSelect(option_lang="zh-CN"),
        error_messages={"required": _("请选择所在街道。"), "invalid_choice": _("请从列表中选择街道。")},
    )
    community = forms.TypedChoiceField(
        label=_("所在社区"),
        coerce=int,
        widget=PlainSelect(option_lang="zh-CN"),
        required=False,
        empty_value=None,
        help_text=_("不清楚所在社区可以不选。"),
        error_messages={"invalid_choice": _("请从列表中选择社区。")},
    )
    location_text = forms.CharField(
        label=_("具体位置"),
        max_length=200,
        required=False,
        help_text=_("如：3号楼2单元门口。只给工作人员看，不会公开。"),
        error_messages={"max_length": _("具体位置请不要超过 %(limit_value)d 个字。")},
    )
    title = forms.CharField(
        label=_("标题"),
        max_length=100,
        help_text=_("一句话说明问题，如：楼道灯坏了。"),
        error_messages={
            "required": _("请填写标题。"),
            "max_length": _("标题请不要超过 %(limit_value)d 个字（现在 %(show_value)d 个字）。"),
        },
    )
    content = forms.CharField(
        label=_("详细情况"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "required": _("请写明具体情况。"),
            "max_length": _("详细情况请不要超过 %(limit_value)d 个字（现在 %(show_value)d 个字）。"),
        },
    )
    photos = MultiplePhotoField(
        max_count=MAX_PHOTOS,
        label=_("照片（可选，最多 3 张）"),
        help_text=_("照片中的拍摄地点等信息会被自动清除。"),
        error_messages={"empty": _("上传的照片是空文件。")},
    )
    submitter_name = resident_name_field()
    submitter_phone = resident_mobile_field(_("请填写手机号码：工作人员回访和您查询进度都要用到。"))
    consent_to_publish = forms.BooleanField(
        label=_("我同意公开这条诉求"),
        required=False,
        initial=False,
        help_text=_(
            "单独同意，可不勾选，不影响办理。勾选后，经工作人员审核，诉求的标题、内容和办理情况可在本站公开；"
            "姓名只显示姓氏（如“张*”），电话和具体位置不会公开。"
        ),
    )
    notify_sms = forms.BooleanField(
        label=_("用短信告诉我办理进展"),
        required=False,
        initial=True,
        help_text=_("发到上面的手机号码：受理编号，以及受理、派单、办结等每一步，附查看进度的链接。"),
    )
    notify_email = forms.EmailField(
        label=_("用电子邮件告诉我办理进展（可选）"),
        required=False,
        max_length=254,
        help_text=_("只用于发送这条诉求的进展，不会公开。"),
        error_messages={"invalid": _("请填写正确的电子邮箱地址。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # The project the request is about (the QR code on its site notice board): an unknown or
    # unpublished id is ignored, never an error the resident cannot correct.
    project = forms.CharField(required=False, widget=forms.HiddenInput)
    website = honeypot_field()

    # The page's order, so the error summary lists problems top to bottom.
    field_order = [
        "kind",
        "category",
        "programme",
        "title",
        "content",
        "photos",
        "subdistrict",
        "community",
        "location_text",
        "submitter_name",
        "submitter_phone",
        "notify_sms",
        "notify_email",
        "consent_to_publish",
        "website",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer_choices(self)
        if not self.is_bound:
            project = self.about_project
            self.initial["project"] = project.pk if project else ""
            if project and not self.initial.get("programme"):
                self.initial["programme"] = project.programme_id

    @cached_property
    def about_project(self) -> Project | None:
        """The published project named by the form's data (or, unbound, its initial value)."""
        source = self.data if self.is_bound else self.initial
        return project_for_request(source.get("project"))

    def clean_project(self) -> Project | None:
        return self.about_project

    @property
    def is_spam(self) -> bool:
        return self.has_error(forms.forms.NON_FIELD_ERRORS, code="spam")

    def clean_submitter_phone(self) -> str:
        return checked_phone(self.cleaned_data["submitter_phone"])

    def clean_submitter_name(self) -> str:
        return self.cleaned_data["submitter_name"].strip()

    def clean(self):
        cleaned = super().clean()
        refuse_honeypot(self.data)
        return cleaned

    def service_kwargs(self) -> dict:
        """Arguments for apps.appeals.services.appeal_submit."""
        data = self.cleaned_data
        subdistrict, community = chosen_areas(data)
        return {
            "kind": data["kind"],
            "programme": data.get("programme"),
            "category": data.get("category"),
            "area": community or subdistrict,
            "subdistrict": subdistrict,
            "location_text": data.get("location_text", ""),
            "title": data["title"],
            "content": data["content"],
            "photos": data.get("photos") or [],
            "submitter_name": data["submitter_name"],
            "submitter_phone": data["submitter_phone"],
            "consent_to_publish": data.get("consent_to_publish", False),
            "notify_sms": data.get("notify_sms", False),
            "notify_email": data.get("notify_email", ""),
            "channel": Channel.WEB,
            "projects": [data["project"]] if data.get("project") else [],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the field the resident can correct."""
        if not hasattr(error, "error_dict"):
            codes = {getattr(e, "code", "") or "" for e in error.error_list}
            field = "photos" if any(code.startswith("photo") for code in codes) else None
            self.add_error(field, error.messages)
            return
        for name, messages in error.message_dict.items():
            if name == "area":
                field = "community" if self.cleaned_data.get("community") else "subdistrict"
            elif name in self.fields and name != "website":
                field = name
            else:
                field = None
            for message in messages:
                self.add_error(field, message)


class SimilarForm(forms.Form):
    """What the request form sends as the resident chooses: the 社区 (else the 街道) and a class."""

    area = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    category = forms.CharField(max_length=6, validators=[CODE_VALIDATOR])


class TrackForm(forms.Form):
    tracking_no = forms.CharField(
        label=_("受理编号"),
        max_length=30,
        help_text=_("提交成功时显示的编号，如 QS-2026-000123。"),
        error_messages={"required": _("请填写受理编号。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
    phone_last4 = forms.CharField(
        label=_("手机号码后四位"),
        max_length=8,
        error_messages={"required": _("请填写手机号码的后四位数字。")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "pattern": "[0-9]*"}),
    )

    def clean_tracking_no(self) -> str:
        tracking_no = parse_tracking_no(self.cleaned_data["tracking_no"])
        if tracking_no is None:
            raise ValidationError(_("受理编号的格式应为 QS-年份-数字，如 QS-2026-000123。"), code="format")
        return tracking_no

    def clean_phone_last4(self) -> str:
        value = _normalise(self.cleaned_data["phone_last4"]).replace(" ", "")
        if len(value) != 4 or not value.isdigit():
            raise ValidationError(_("请填写手机号码的后四位数字。"), code="format")
        return value


class RatingForm(forms.Form):
    solved = forms.ChoiceField(
        label=_("您反映的问题解决了吗？"),
        choices=Solved.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择已解决、部分解决或未解决。"),
            "invalid_choice": _("请选择已解决、部分解决或未解决。"),
        },
    )
    rating = forms.ChoiceField(
        label=_("您对办理结果是否满意？"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("请选择满意、基本满意或不满意。"),
            "invalid_choice": _("请选择满意、基本满意或不满意。"),
        },
    )
    comment = forms.CharField(
        label=_("意见或建议（可选）"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("意见请不要超过 %(limit_value)d 个字。")},
    )


class PeriodForm(forms.Form):
    """The period of the 三率 page, from the query string; invalid input falls back to this year."""

    PRESETS = (
        ("year", _("今年")),
        ("quarter", _("本季度")),
        ("month", _("本月")),
        ("last12", _("近12个月")),
        ("custom", _("自定义")),
    )
    period = forms.ChoiceField(label=_("统计时段"), choices=PRESETS, required=False)
    start = forms.DateField(
        label=_("开始日期"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入正确的日期，如 2026-01-01。")},
    )
    end = forms.DateField(
        label=_("结束日期"),
        required=False,
        validators=[validate_date_in_range],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("请输入正确的日期，如 2026-12-31。")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("period") != "custom" and (cleaned.get("start") or cleaned.get("end")):
            cleaned["period"] = "custom"
        if cleaned.get("period") == "custom":
            start, end = cleaned.get("start"), cleaned.get("end")
            if not start and "start" not in self.errors:
                self.add_error("start", _("请选择开始日期。"))
            if not end and "end" not in self.errors:
                self.add_error("end", _("请选择结束日期。"))
            if start and end and end < start:
                self.add_error("end", _("结束日期不能早于开始日期。"))
        return cleaned


class FollowForm(forms.Form):
    """Follow a project, a 街道/社区 or a programme by e-mail. `kind` and `target` are hidden
    fields of the page the form sits on; a target that is not public is a form error, never a 500."""

    KINDS = ("project", "area", "programme")

    email = forms.EmailField(
        label=_("电子邮箱"),
        max_length=254,
        help_text=_("只用于发送进展，不公开。需要先点击确认邮件中的链接，每封邮件都可一键退订。"),
        error_messages={"required": _("请填写电子邮箱。"), "invalid": _("请填写有效的电子邮箱，如 name@example.cn。")},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    frequency = forms.ChoiceField(
        label=_("多久发送一次"),
        choices=FollowFrequency.choices,
        initial=FollowFrequency.WEEKLY,
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择发送频率。"), "invalid_choice": _("请选择发送频率。")},
    )
    kind = forms.CharField(widget=forms.HiddenInput, max_length=10)
    target = forms.CharField(widget=forms.HiddenInput, max_length=20)

    def clean(self) -> dict:
        data = super().clean()
        kind, value = data.get("kind"), _normalise(data.get("target", ""))
        found = None
        if kind in ("project", "area") and value.isascii() and value.isdigit() and len(value) < 12:
            if kind == "project":
                found = Target(project=public_projects().filter(pk=int(value)).first())
                found = found if found.project else None
            else:
                area = Area.objects.filter(pk=int(value), level__gte=AreaLevel.SUBDISTRICT).first()
                found = Target(area=area) if area else None
        elif kind == "programme":
            programme = Programme.objects.filter(code=value).first()
            found = Target(programme=programme) if programme else None
        if found is None:
            raise ValidationError(_("要关注的项目、区域或板块不存在或未公开。"), code="target")
        data["found"] = found
        return data
