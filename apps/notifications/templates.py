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
    "appeal_extended": Template(
        _("诉求办理期限延长：{tracking_no}"),
        _("您的诉求 {tracking_no} 经批准延期办理。查看新的期限：{link}"),
    ),
    "appeal_reopened": Template(
        _("诉求重新办理：{tracking_no}"),
        _("您的诉求 {tracking_no} 已重新交承办单位办理。查看进度：{link}"),
    ),
    "appeal_closed_explained": Template(
        _("诉求已解释说明：{tracking_no}"),
        _("您的诉求 {tracking_no} 已解释说明并关闭：{reply}。详情：{link}"),
    ),
    "appeal_merged": Template(
        _("诉求已合并办理：{tracking_no}"),
        _("您的诉求 {tracking_no} 与反映同一问题的诉求合并办理。查看进度：{link}"),
    ),
    # Followers of a project, an area or a programme (apps.notifications.follows): e-mail only.
    "follow_confirm": Template(
        _("请确认关注：{target}"),
        _(
            "有人用本邮箱申请关注“{target}”的项目进展（{frequency}）。"
            "如是您本人，请打开以下链接确认：\n{link}\n\n"
            "如非本人操作，请忽略本邮件：不确认就不会再收到任何邮件。"
        ),
    ),
    "follow_digest": Template(
        _("{target}：{count} 条新进展"),
        _("您关注的“{target}”有新进展：\n\n{updates}\n\n不想再收到？一键退订：{unsubscribe}"),
    ),
    # Officials (apps.notifications.officials): the tracking number and what happened, a link to
    # the admin; never the resident's name, phone, address or words.
    "official_notice": Template(
        _("【{kind}】{tracking_no}"),
        _("{kind}：诉求 {tracking_no}（紧急）。请登录后台处理：{link}"),
    ),
    "official_digest": Template(
        _("今日工作提醒：{count} 条"),
        _("您有 {count} 条工作提醒：\n\n{lines}\n\n在后台查看全部提醒、修改提醒方式：{link}"),
    ),
    "webhook_paused": Template(
        _("Webhook 已暂停：{key}"),
        _("API 密钥“{key}”的 Webhook 订阅（{url}）已连续 {days} 天推送失败，已暂停。请检查接收方后在后台恢复。"),
    ),
}


def render(key: str, context: dict) -> tuple[str, str]:
    # In the site's language, whatever the language of the official whose step causes it.
    with translation.override(settings.LANGUAGE_CODE):
        return TEMPLATES[key].render(context)
