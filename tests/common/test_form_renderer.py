"""The widgets drawn in Python (apps.common.form_renderer) are, character for character, what
Django's widget templates draw: every kind of widget with awkward values, and every field of the
residents' forms, bound and unbound, in Chinese and English."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation
from django.utils.safestring import mark_safe

from apps.common.form_renderer import DRAWN, INPUT_TEMPLATES, PythonWidgetsRenderer
from apps.public.forms import AppealSubmitForm, RatingForm, TrackForm
from apps.public.forms_proposals import ProposalSubmitForm
from tests.public.helpers import areas, form_data

TEMPLATES, PYTHON = DjangoTemplates(), PythonWidgetsRenderer()
AWKWARD = "a <b> & \"c\" 'd' 楼道灯"
CHOICES = [
    ("", "—"),
    ("街道", [(1, "泰山街道"), (2, AWKWARD)]),
    (3, mark_safe("<em>safe</em>")),
    ("4", 4),
]


def both(widget: forms.Widget, name: str, value, attrs=None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=TEMPLATES),
        widget.render(name, value, attrs=attrs, renderer=PYTHON),
    )


WIDGETS = [
    (forms.TextInput(attrs={"autocomplete": "off", "required": True, "disabled": False}), AWKWARD),
    (forms.TextInput(), mark_safe("<b>safe</b>")),
    (forms.TextInput(), None),
    (forms.TextInput(), ""),
    (forms.EmailInput(attrs={"maxlength": 254}), "li@example.cn"),
    (forms.NumberInput(attrs={"min": 1, "step": 0.5}), 12345.5),
    (forms.NumberInput(), 1234567),
    (forms.HiddenInput(), 42),
    (forms.PasswordInput(render_value=True), AWKWARD),
    (forms.FileInput(attrs={"accept": "image/*"}), None),
    (forms.DateInput(), datetime.date(2026, 12, 2)),
    (forms.DateTimeInput(), datetime.datetime(2026, 12, 2, 13, 5)),
    (forms.TimeInput(), datetime.time(13, 5)),
    (forms.URLInput(), "https://liuxin.quanshan.gov.cn/?a=1&b=2"),
    (forms.CheckboxInput(), True),
    (forms.CheckboxInput(attrs={"class": "x"}), False),
    (forms.Textarea(attrs={"rows": 6}), AWKWARD + "\n第二行"),
    (forms.Textarea(), ""),
    (forms.Textarea(), None),
    (forms.Select(choices=CHOICES, attrs={"class": "s"}), 2),
    (forms.Select(choices=CHOICES), None),
    (forms.SelectMultiple(choices=CHOICES), ["1", "3"]),
    (forms.NullBooleanSelect(), True),
    (forms.RadioSelect(choices=CHOICES, attrs={"class": "r"}), "3"),
    (forms.RadioSelect(choices=[(1, "一"), (2, "二")]), None),
    (forms.CheckboxSelectMultiple(choices=CHOICES), ["2", "4"]),
]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize(("widget", "value"), WIDGETS, ids=[type(w).__name__ for w, _v in WIDGETS])
def test_each_widget_is_drawn_as_the_templates_draw_it(widget, value, language):
    with translation.override(language):
        for attrs in (None, {"id": "id_x"}, {"id": "id_x", "aria-describedby": "h e"}):
            from_templates, from_python = both(widget, "x", value, attrs)
            assert from_python == from_templates


def test_every_template_it_draws_is_one_it_knows():
    sources = {name: TEMPLATES.get_template(name).template.source.strip() for name in INPUT_TEMPLATES}
    included = '{% include "django/forms/widgets/input.html" %}'
    assert {name for name, source in sources.items() if name.endswith("/input.html") or source == included} == set(
        INPUT_TEMPLATES
    )
    assert all(name.startswith("django/forms/widgets/") for name in DRAWN)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_residents_forms_are_drawn_as_before(language):
    taishan, taishan_c, *_ = areas()
    typed = {**form_data(taishan, taishan_c), "title": AWKWARD, "content": AWKWARD, "submitter_phone": "139 x"}
    with translation.override(language):
        forms_ = [
            AppealSubmitForm(),
            AppealSubmitForm(typed),
            ProposalSubmitForm(),
            ProposalSubmitForm({"title": AWKWARD, "subdistrict": str(taishan.pk)}),
            TrackForm({"tracking_no": AWKWARD}),
            RatingForm(),
        ]
        for form in forms_:
            if form.is_bound:
                form.is_valid()  # with its errors (aria-invalid, aria-describedby)
            for name in form.fields:
                drawn = []
                for renderer in (TEMPLATES, PYTHON):
                    form.renderer = renderer
                    form._bound_fields_cache.clear()
                    field = form[name]
                    # and each radio button alone, as the request form's template draws them
                    choices = [(w.tag(), str(w)) for w in field] if hasattr(field.field, "choices") else []
                    drawn.append((str(field), choices))
                assert drawn[1] == drawn[0], name
                form._bound_fields_cache.clear()
