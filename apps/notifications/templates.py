"""The messages residents receive: short, Chinese, and carrying no personal data — no name,
phone or address, only the tracking number, the status, the start of the public reply (masked
like a published one) and a link to the tracking page. Every key has a test
(tests/notifications/test_templates.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

SIGNATURE = _("【泉山六心】")


@dataclass(frozen=True)
class Template:
    subject: str
    body: str

    def render(self, context: dict) -> tuple[str, str]:
        return str(self.subject).format(**context), (str(SIGNATURE) + str(self.body)).format(**context)


TEMPLATES: dict[str, Template] = {
    "appeal_submitted": Template(
        _("诉求已提交：{tracking_no}"),
        _("您的诉求已提交，受理编号 {tracking_no}。查看进度：{link}"),
    ),
    "appeal_accepted": Template(
        _("诉求已受理：{tracking_no}"),
        _("您的诉求 {tracking_no} 已受理。查看进度：{link}"),
    ),
    "appeal_assigned": Template(
        _("诉求已派单：{tracking_no}"),
        _("您的诉求 {tracking_no} 已派至承办单位办理。查看进度：{link}"),
    ),
    "appeal_resolved": Template(
        _("诉求已办结：{tracking_no}"),
        _("您的诉求 {tracking_no} 已办结。答复：{reply}。详情和评价：{link}"),
    ),
    "appeal_rejected": Template(
        _("诉求不予受理：{tracking_no}"),
        _("您的诉求 {tracking_no} 不予受理。说明：{reply}。详情：{link}"),
    ),
}


def render(key: str, context: dict) -> tuple[str, str]:
    # In the site's language, whatever the language of the official whose step causes it.
    with translation.override(settings.LANGUAGE_CODE):
        return TEMPLATES[key].render(context)
