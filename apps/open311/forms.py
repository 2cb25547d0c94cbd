"""Validation of Open311 query and form parameters; every message becomes a 400 error item."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.appeals.tracking import parse_tracking_no
from apps.common.dates import validate_date_in_range
from apps.open311.selectors import MAX_REQUESTS, PAGE_SIZE, page_slice

# A `+08:00` offset sent unencoded in a query string arrives as ` 08:00`.
_SPACE_FOR_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


class Open311DateTimeField(forms.DateTimeField):
    def to_python(self, value):
        if isinstance(value, str):
            value = _SPACE_FOR_PLUS.sub(r"\1+\2", value.strip())
        return super().to_python(value)


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


class RequestsQueryForm(forms.Form):
    """GET requests.json: the spec's filters."""

    service_request_id = forms.CharField(required=False, max_length=25 * MAX_REQUESTS)
    service_code = forms.CharField(required=False, max_length=60)
    start_date = Open311DateTimeField(required=False, validators=[validate_date_in_range])
    end_date = Open311DateTimeField(required=False, validators=[validate_date_in_range])
    status = forms.CharField(required=False, max_length=20)
    # Our extension (GeoReport leaves the number returned to the implementer): pages of
    # `page_size` requests, newest first, over the newest MAX_REQUESTS of the window.
    page = forms.IntegerField(required=False, min_value=1)
    page_size = forms.IntegerField(required=False, min_value=1, max_value=MAX_REQUESTS)

    def clean(self):
        data = super().clean()
        size = data.get("page_size") or PAGE_SIZE
        page = data.get("page") or 1
        if "page" not in self.errors and "page_size" not in self.errors:
            if page_slice(page, size)[1] == 0:
                raise forms.ValidationError(
                    _("page: 一个时段最多可翻到最新的 %(max)s 件（page × page_size），请缩小 start_date/end_date。")
                    % {"max": MAX_REQUESTS}
                )
            data["page_size"], data["page"] = size, page
        return data

    def clean_service_request_id(self) -> list[str] | None:
        ids = _comma_list(self.cleaned_data["service_request_id"])
        if not ids:
            return None
        if len(ids) > MAX_REQUESTS:
            raise forms.ValidationError(_("一次最多查询 %(max)s 个编号。") % {"max": MAX_REQUESTS})
        parsed = [parse_tracking_no(i) for i in ids]
        bad = [i for i, tracking_no in zip(ids, parsed, strict=True) if tracking_no is None]
        if bad:
            raise forms.ValidationError(_("编号格式不正确：%(ids)s") % {"ids": "、".join(bad[:5])[:100]})
        return parsed

    def clean_status(self) -> set[str]:
        statuses = {s.lower() for s in _comma_list(self.cleaned_data["status"])}
        if statuses - {"open", "closed"}:
            raise forms.ValidationError(_("status 只能是 open 或 closed。"))
        return statuses


class RequestCreateForm(forms.Form):
    """POST requests.json: the spec's fields plus our attributes (see the service definition)."""

    service_code = forms.CharField(max_length=60)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90)
    long = forms.FloatField(required=False, min_value=-180, max_value=180)
    address_string = forms.CharField(required=False, max_length=200)
    address_id = forms.CharField(required=False, max_length=20)
    email = forms.EmailField(required=False, max_length=100)
    device_id = forms.CharField(required=False, max_length=200)
    account_id = forms.CharField(required=False, max_length=200)
    first_name = forms.CharField(required=False, max_length=30)
    last_name = forms.CharField(required=False, max_length=30)
    phone = forms.CharField(required=False, max_length=20)
    description = forms.CharField(max_length=5000)
    # attribute[<code>] from the service definition
    attribute_area = forms.CharField(required=False, max_length=20)
    attribute_title = forms.CharField(required=False, max_length=100)
    attribute_consent_to_publish = forms.ChoiceField(
        required=False, choices=[("", ""), ("true", "true"), ("false", "false")]
    )
    attribute_external_id = forms.CharField(required=False, max_length=64)

    ATTRIBUTES = ("area", "title", "consent_to_publish", "external_id")

    def __init__(self, data, *args, **kwargs):
        data = data.copy()
        for code in self.ATTRIBUTES:
            key = f"attribute[{code}]"
            if key in data:
                data[f"attribute_{code}"] = data[key]
        super().__init__(data, *args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        has_point = cleaned.get("lat") is not None or cleaned.get("long") is not None
        if "lat" in self.errors or "long" in self.errors:
            return cleaned
        if has_point and (cleaned.get("lat") is None or cleaned.get("long") is None):
            raise forms.ValidationError(_("lat 与 long 需同时提供。"))
        places = ("address_string", "address_id", "attribute_area")
        located = has_point or any(cleaned.get(name) for name in places)
        if not located and not self.errors:
            raise forms.ValidationError(_("请提供位置：lat/long、address_string 或 address_id 之一。"))
        return cleaned


def _param_name(field: str) -> str:
    return f"attribute[{field.removeprefix('attribute_')}]" if field.startswith("attribute_") else field


def form_errors(form: forms.Form) -> list[str]:
    """One line per problem, `parameter: message`, with the spec's parameter names."""
    return [
        str(message) if field == "__all__" else f"{_param_name(field)}: {message}"
        for field, messages in form.errors.items()
        for message in messages
    ]
