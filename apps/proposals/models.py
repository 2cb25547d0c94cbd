"""The year of 民生实事 before the projects exist: 征集 (proposals from residents, deputies, 街道,
departments and groups of requests), 初审 (screening) and 人大代表票决 (the deputies' vote)."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.appeals.models import PHONE_VALIDATOR, Appeal, Rating
from apps.common.fields import EncryptedCharField, PhoneIndexField
from apps.places.models import Area, AreaLevel, Department
from apps.programmes.models import Programme
from apps.projects.models import MONEY_VALIDATORS, Project

SCORE_VALIDATORS = [
    MinValueValidator(1, _("评分应在 1 到 5 之间。")),
    MaxValueValidator(5, _("评分应在 1 到 5 之间。")),
]
YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Source(models.TextChoices):
    RESIDENT = "resident", _("群众建议")
    REQUESTS = "requests", _("群众点单")
    DEPUTY = "deputy", _("人大代表")
    SUBDISTRICT = "subdistrict", _("街道")
    DEPARTMENT = "department", _("部门")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待初审")
    CANDIDATE = "candidate", _("入选候选")
    DECLINED = "declined", _("不予采纳")
    CONVERTED = "converted", _("转为诉求办理")
    PASSED = "passed", _("票决通过")
    NOT_PASSED = "not_passed", _("票决未通过")


class ProposalQuerySet(models.QuerySet):
    def published(self) -> ProposalQuerySet:
        return self.filter(published_q())


def published_q() -> Q:
    """What residents may see: an official approved its public version (and a resident proposer consented)."""
    return Q(publish_approved=True) & (~Q(source=Source.RESIDENT) | Q(consent_to_publish=True))


class Proposal(models.Model):
    """A candidate 民生实事 for a year, from whoever proposed it, through screening and the vote."""

    tracking_no = models.CharField(_("征集编号"), max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("实施年度"), validators=YEAR_VALIDATORS)
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.RESIDENT)
    source_label = models.CharField(
        _("提出者"),
        max_length=60,
        blank=True,
        help_text=_("代表、街道或部门的名称，公开显示；群众建议不填（提出人姓名不公开）。"),
    )
    programme = models.ForeignKey(
        Programme, verbose_name=_("六心板块"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    area = models.ForeignKey(
        Area,
        verbose_name=_("所在区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        limit_choices_to={"level__gte": AreaLevel.SUBDISTRICT},
    )
    subdistrict = models.ForeignKey(
        Area,
        verbose_name=_("所属街道"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("提出单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
    )
    title = models.CharField(_("项目名称"), max_length=100)
    content = models.TextField(_("做什么、在哪里"), max_length=3000)
    reason = models.TextField(_("为什么要做"), max_length=3000, blank=True)
    # A resident proposer's contact: private as a request's submitter is, encrypted at rest.
    proposer_name = EncryptedCharField(_("建议人姓名"), max_length=30, blank=True)
    proposer_phone = EncryptedCharField(_("联系电话"), max_length=20, blank=True, validators=[PHONE_VALIDATOR])
    proposer_phone_index = PhoneIndexField(_("联系电话索引"), source="proposer_phone")
    consent_to_publish = models.BooleanField(_("同意公开"), default=False)
    publish_approved = models.BooleanField(_("审核公开"), default=False, editable=False)
    published_title = models.CharField(_("公开标题"), max_length=100, blank=True)
    published_content = models.TextField(_("公开内容"), max_length=3000, blank=True)
    published_reason = models.TextField(_("公开理由"), max_length=3000, blank=True)
    source_appeals = models.ManyToManyField(
        Appeal, verbose_name=_("来源诉求"), blank=True, related_name="proposals", editable=False
    )
    source_appeal_count = models.PositiveIntegerField(_("来源诉求数"), default=0, editable=False)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED, editable=False
    )
    # 初审
    score_inclusive = models.PositiveSmallIntegerField(_("普惠性"), null=True, blank=True, validators=SCORE_VALIDATORS)
    score_public_good = models.PositiveSmallIntegerField(
        _("公益性"), null=True, blank=True, validators=SCORE_VALIDATORS
    )
    score_feasible = models.PositiveSmallIntegerField(_("可行性"), null=True, blank=True, validators=SCORE_VALIDATORS)
    score_urgent = models.PositiveSmallIntegerField(_("急迫性"), null=True, blank=True, validators=SCORE_VALIDATORS)
    estimated_cost = models.DecimalField(
        _("估算投资（万元）"), max_digits=12, decimal_places=2, null=True, blank=True, validators=MONEY_VALIDATORS
    )
    lead_department = models.ForeignKey(
        Department,
        verbose_name=_("建议牵头单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_reason = models.TextField(_("初审意见"), max_length=1000, blank=True, editable=False)
    screened_at = models.DateTimeField(_("初审时间"), null=True, blank=True, editable=False)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("初审人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    appeal = models.OneToOneField(
        Appeal,
        verbose_name=_("转办诉求"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="from_proposal",
        editable=False,
    )
    project = models.OneToOneField(
        Project,
        verbose_name=_("票决产生的项目"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    submitted_at = models.DateTimeField(_("提出时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("民生实事建议")
        verbose_name_plural = _("民生实事建议")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["year", "status"], name="proposal_year_status"),
            models.Index(fields=["subdistrict", "-submitted_at"], name="proposal_subdistrict_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.title}"

    def clean(self) -> None:
        if self.area_id and self.area.level < AreaLevel.SUBDISTRICT:
            raise ValidationError({"area": _("请选择街道或社区。")})

    @property
    def is_published(self) -> bool:
        return self.publish_approved and (self.source != Source.RESIDENT or self.consent_to_publish)

    @property
    def total_score(self) -> int | None:
        scores = (self.score_inclusive, self.score_public_good, self.score_feasible, self.score_urgent)
        return None if None in scores else sum(scores)

    @property
    def public_title(self) -> str:
        return self.published_title


class ProposalCounter(models.Model):
    """The last proposal number issued per year (JY-2026-000012); locked while incremented."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("征集编号计数")
        verbose_name_plural = _("征集编号计数")

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class SessionStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已计票")


class VoteSession(models.Model):
    """The deputies' vote (人大代表票决) on one year's candidates: more candidates than places."""

    year = models.PositiveSmallIntegerField(_("实施年度"), unique=True, validators=YEAR_VALIDATORS)
    body = models.CharField(_("票决会议"), max_length=60, default="区人大常委会")
    held_on = models.DateField(_("会议日期"))
    places = models.PositiveSmallIntegerField(_("入选名额"), validators=[MinValueValidator(1)])
    candidates = models.ManyToManyField(Proposal, verbose_name=_("候选项目"), related_name="vote_sessions")
    status = models.CharField(
        _("状态"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.DRAFT, editable=False
    )
    deputies_present = models.PositiveSmallIntegerField(_("实到代表人数"), null=True, blank=True, editable=False)
    pass_votes = models.PositiveSmallIntegerField(_("通过所需赞成票"), null=True, blank=True, editable=False)
    result_note = models.CharField(_("计票说明"), max_length=300, blank=True, editable=False)
    closed_at = models.DateTimeField(_("计票时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("票决会议")
        verbose_name_plural = _("票决会议")
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year} · {self.body}"


class Choice(models.TextChoices):
    YES = "yes", _("赞成")
    NO = "no", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Ballot(models.Model):
    """One deputy's ballot: entered by an official from the paper, or by the deputy signed in."""

    session = models.ForeignKey(
        VoteSession, verbose_name=_("票决会议"), on_delete=models.CASCADE, related_name="ballots"
    )
    deputy_name = models.CharField(_("代表姓名"), max_length=30)
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代表账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ballots",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("选票")
        verbose_name_plural = _("选票")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "deputy_name"], name="ballot_one_per_deputy_name"),
            models.UniqueConstraint(
                fields=["session", "deputy"], condition=Q(deputy__isnull=False), name="ballot_one_per_deputy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} · {self.deputy_name}"


class BallotMark(models.Model):
    ballot = models.ForeignKey(Ballot, verbose_name=_("选票"), on_delete=models.CASCADE, related_name="marks")
    proposal = models.ForeignKey(Proposal, verbose_name=_("候选项目"), on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(_("表决"), max_length=8, choices=Choice.choices)

    class Meta:
        verbose_name = _("表决意见")
        verbose_name_plural = _("表决意见")
        constraints = [models.UniqueConstraint(fields=["ballot", "proposal"], name="ballot_mark_once")]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.get_choice_display()}"


class Tally(models.Model):
    """A candidate's counted votes when the session closed; `rank` 1 is the most 赞成."""

    session = models.ForeignKey(
        VoteSession, verbose_name=_("票决会议"), on_delete=models.CASCADE, related_name="tallies"
    )
    proposal = models.ForeignKey(Proposal, verbose_name=_("候选项目"), on_delete=models.CASCADE, related_name="tallies")
    yes = models.PositiveSmallIntegerField(_("赞成"))
    no = models.PositiveSmallIntegerField(_("反对"))
    abstain = models.PositiveSmallIntegerField(_("弃权"))
    rank = models.PositiveSmallIntegerField(_("名次"))
    passed = models.BooleanField(_("通过"))
    tied = models.BooleanField(_("名额线并列"), default=False)

    class Meta:
        verbose_name = _("计票结果")
        verbose_name_plural = _("计票结果")
        ordering = ["rank", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "proposal"], name="tally_once")]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.yes}/{self.no}/{self.abstain}"


# --- 满意度测评: the deputies' mid-year and year-end evaluation of the year's projects ---------


class EvaluationPhase(models.TextChoices):
    MID_YEAR = "mid_year", _("年中测评")
    YEAR_END = "year_end", _("年终测评")


class EvaluationRound(models.Model):
    """One 满意度测评 of a year's projects by the deputies (年中 or 年终)."""

    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    phase = models.CharField(_("测评阶段"), max_length=10, choices=EvaluationPhase.choices)
    status = models.CharField(
        _("状态"), max_length=8, choices=SessionStatus.choices, default=SessionStatus.OPEN, editable=False
    )
    closed_at = models.DateTimeField(_("统计时间"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["-year", "-phase"]
        constraints = [models.UniqueConstraint(fields=["year", "phase"], name="evaluation_round_once")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_phase_display()}"


class EvaluationMark(models.Model):
    """One deputy's 满意/基本满意/不满意 on one project in one round."""

    round = models.ForeignKey(EvaluationRound, verbose_name=_("测评"), on_delete=models.CASCADE, related_name="marks")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="+")
    deputy_name = models.CharField(_("代表姓名"), max_length=30)
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代表账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rating = models.CharField(_("测评意见"), max_length=12, choices=Rating.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("测评票")
        verbose_name_plural = _("测评票")
        constraints = [
            models.UniqueConstraint(fields=["round", "project", "deputy_name"], name="evaluation_once_per_deputy")
        ]

    def __str__(self) -> str:
        return f"{self.round} · {self.deputy_name}: {self.get_rating_display()}"


class EvaluationResult(models.Model):
    round = models.ForeignKey(EvaluationRound, verbose_name=_("测评"), on_delete=models.CASCADE, related_name="results")
    project = models.ForeignKey(
        Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="evaluation_results"
    )
    satisfied = models.PositiveSmallIntegerField(_("满意"))
    basically = models.PositiveSmallIntegerField(_("基本满意"))
    unsatisfied = models.PositiveSmallIntegerField(_("不满意"))
    result = models.CharField(_("测评结果"), max_length=12, choices=Rating.choices)

    class Meta:
        verbose_name = _("测评结果")
        verbose_name_plural = _("测评结果")
        ordering = ["round__year", "round__phase"]
        constraints = [models.UniqueConstraint(fields=["round", "project"], name="evaluation_result_once")]

    def __str__(self) -> str:
        return f"{self.round} · {self.project_id}: {self.get_result_display()}"


class Inspection(models.Model):
    """A deputies' 视察 of a project: when, who, what they found (its public version on the page)."""

    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="inspections")
    visited_on = models.DateField(_("视察日期"))
    deputy_name = models.CharField(_("带队代表"), max_length=30)
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("代表账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    participants = models.CharField(_("参加人员"), max_length=200, blank=True, help_text=_("如：区人大代表5名"))
    findings = models.TextField(_("视察意见"), max_length=3000)
    published_findings = models.TextField(_("公开的视察意见"), max_length=3000, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("代表视察")
        verbose_name_plural = _("代表视察")
        ordering = ["-visited_on", "-id"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.deputy_name}"


def inspection_photo_path(instance: InspectionPhoto, filename: str) -> str:
    # Beside the project's own photos (MEDIA_URL/projects/<id>/), under a random name: served the
    # same way, only while the project is public (apps.public.views_media).
    return f"projects/{instance.inspection.project_id}/{uuid.uuid4().hex}{Path(filename).suffix.lower()}"


class InspectionPhoto(models.Model):
    """A photo taken at a 视察, shown with it on the project page (EXIF stripped on upload)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("代表视察"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("照片"), upload_to=inspection_photo_path)
    caption = models.CharField(
        _("说明"), max_length=120, blank=True, help_text=_("照片内容的文字描述，供读屏软件使用。")
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("视察照片")
        verbose_name_plural = _("视察照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.caption or self.image.name
