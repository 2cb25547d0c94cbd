"""Back office for 民生实事: proposals (征集, 群众点单, 初审, publication) and the deputies' vote
sessions (candidates, ballots, counting). Every step calls apps.proposals.services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.admin_scoping import ScopedAdminMixin
from apps.accounts.scoping import Scope, is_deputy, scope_of
from apps.projects.models import Project
from apps.proposals import selectors
from apps.proposals.forms import (
    BallotForm,
    CloseForm,
    EvaluationForm,
    EvaluationRoundForm,
    FromRequestsForm,
    InspectionPhotoForm,
    PublishForm,
    ScreenForm,
    VoteSessionForm,
)
from apps.proposals.models import (
    EvaluationRound,
    Inspection,
    InspectionPhoto,
    Proposal,
    SessionStatus,
    VoteSession,
)
from apps.proposals.selectors import GroupKey, request_groups
from apps.proposals.services import (
    ballot_cast,
    deputy_display_name,
    evaluation_cast,
    evaluation_projects,
    evaluation_round_close,
    evaluation_round_open,
    inspection_photo_add,
    inspection_photo_delete,
    inspection_save,
    next_proposal_year,
    proposal_check_scope,
    proposal_from_requests,
    proposal_public_draft,
    proposal_screen,
    proposal_set_publication,
    proposal_submit,
    proposal_update,
    vote_session_close,
    vote_session_open,
    vote_session_save,
)


def _error_text(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.messages)
    return str(exc) or gettext("没有权限执行该操作。")


def _errors_into_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@admin.register(Proposal)
class ProposalAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["tracking_no", "title", "year", "source", "status_badge", "source_appeal_count", "score", "public"]
    list_filter = ["year", "status", "source", "publish_approved"]
    search_fields = ["tracking_no", "title"]
    list_select_related = ["programme"]
    autocomplete_fields = ["area", "department"]
    fields = [
        "year",
        "source",
        "source_label",
        "department",
        "programme",
        "area",
        "title",
        "content",
        "reason",
        "proposer_name",
        "proposer_phone",
    ]
    change_list_template = "admin/proposals/proposal/change_list.html"
    change_form_template = "admin/proposals/proposal/change_form.html"

    def scope_queryset(self, scope: Scope, queryset):
        return queryset.filter(pk__in=selectors.proposals_in_scope(scope).values("pk"))

    def get_changeform_initial_data(self, request):
        return {"year": next_proposal_year(), "source": "deputy", **super().get_changeform_initial_data(request)}

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        scope = scope_of(request.user)

        class ScopedProposalForm(form_class):
            def clean(self):
                cleaned = super().clean()
                if "area" in self.fields:
                    try:
                        proposal_check_scope(scope, area=cleaned.get("area"), department=cleaned.get("department"))
                    except (ValidationError, PermissionDenied) as exc:
                        _errors_into_form(self, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
                return cleaned

        return ScopedProposalForm

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            readonly += ["year", "source", "proposer_name", "proposer_phone"]
        return readonly

    @admin.display(description=_("状态"), ordering="status")
    def status_badge(self, obj: Proposal) -> str:
        return obj.get_status_display()

    @admin.display(description=_("初审总分"))
    def score(self, obj: Proposal):
        return obj.total_score

    @admin.display(description=_("公开"), boolean=True)
    def public(self, obj: Proposal) -> bool:
        return obj.is_published

    def save_model(self, request, obj, form, change):
        if change:
            proposal_update(proposal=obj, by=request.user)
            return
        data = form.cleaned_data
        created = proposal_submit(
            by=request.user,
            **{name: data.get(name) for name in ("year", "source", "source_label", "department", "programme", "area")},
            title=data["title"],
            content=data["content"],
            reason=data.get("reason", ""),
            proposer_name=data.get("proposer_name", ""),
            proposer_phone=data.get("proposer_phone", ""),
        )
        obj.pk = created.pk
        obj.tracking_no = created.tracking_no

    def _changeform_view(self, request, object_id, form_url, extra_context):
        try:
            return super()._changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            # A scope refusal from the service: say so on the page instead of a 500 or 403.
            self.message_user(request, _error_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["source_appeals"] = obj.source_appeals.only("id", "tracking_no", "title")[:50]
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- extra pages ------------------------------------------------------------------------

    def get_urls(self):
        return [
            path("from-requests/", self.admin_site.admin_view(self.groups_view), name="proposals_proposal_groups"),
            path(
                "<path:object_id>/screen/",
                self.admin_site.admin_view(self.screen_view),
                name="proposals_proposal_screen",
            ),
            path(
                "<path:object_id>/publish/",
                self.admin_site.admin_view(self.publish_view),
                name="proposals_proposal_publish",
            ),
            *super().get_urls(),
        ]

    def _page(self, request, template: str, **context):
        return TemplateResponse(
            request, template, {**self.admin_site.each_context(request), "opts": self.opts, **context}
        )

    def groups_view(self, request):
        """群众点单: the last 12 months' requests in groups; turn one into a candidate."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        scope = scope_of(request.user)
        key = GroupKey.from_param(request.POST.get("group") or request.GET.get("group", ""))
        groups = request_groups(scope=scope)
        chosen = next((g for g in groups if key and g.key == key), None)
        form = None
        if chosen is not None:
            initial = {
                "title": chosen.label,
                "content": gettext("%(label)s：近 12 个月收到群众诉求 %(n)d 件。")
                % {"label": chosen.label, "n": chosen.count},
                "year": next_proposal_year(),
            }
            form = FromRequestsForm(request.POST if request.method == "POST" else None, initial=initial)
            if request.method == "POST" and form.is_valid():
                try:
                    proposal = proposal_from_requests(key=chosen.key, by=request.user, **form.cleaned_data)
                except ValidationError as exc:
                    _errors_into_form(form, exc)
                else:
                    self.message_user(
                        request,
                        gettext("已生成候选建议 %(no)s（来自 %(n)d 件群众诉求）。")
                        % {"no": proposal.tracking_no, "n": proposal.source_appeal_count},
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:proposals_proposal_change", args=[proposal.pk]))
        return self._page(
            request,
            "admin/proposals/proposal/groups.html",
            title=gettext("群众点单：从群众诉求生成候选项目"),
            groups=groups,
            chosen=chosen,
            form=form,
        )

    def screen_view(self, request, object_id):
        proposal = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        initial = {
            "score_inclusive": proposal.score_inclusive,
            "score_public_good": proposal.score_public_good,
            "score_feasible": proposal.score_feasible,
            "score_urgent": proposal.score_urgent,
            "estimated_cost": proposal.estimated_cost,
            "lead_department": proposal.lead_department_id,
            "programme": proposal.programme_id,
        }
        form = ScreenForm(request.POST if request.method == "POST" else None, initial=initial)
        change_url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
        if request.method == "POST" and form.is_valid():
            try:
                proposal = proposal_screen(proposal=proposal, by=request.user, **form.service_kwargs())
            except ValidationError as exc:
                _errors_into_form(form, exc)
            else:
                self.message_user(
                    request,
                    gettext("建议 %(no)s 初审结论：%(status)s。")
                    % {"no": proposal.tracking_no, "status": proposal.get_status_display()},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        return self._page(
            request,
            "admin/proposals/proposal/step.html",
            title=gettext("初审：%(no)s") % {"no": proposal.tracking_no},
            proposal=proposal,
            original=proposal,
            form=form,
            change_url=change_url,
            button=gettext("保存初审结论"),
        )

    def publish_view(self, request, object_id):
        proposal = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, proposal):
            raise PermissionDenied
        change_url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
        if request.method == "POST" and request.POST.get("unpublish"):
            proposal_set_publication(proposal=proposal, approved=False, by=request.user)
            self.message_user(request, gettext("已撤回公开。"), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        draft = proposal_public_draft(proposal)
        initial = {"published_title": draft.title, "published_content": draft.content, "published_reason": draft.reason}
        form = PublishForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                proposal_set_publication(proposal=proposal, approved=True, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                self.message_user(request, _error_text(exc), messages.ERROR)
            else:
                self.message_user(request, gettext("已公开（公开版本如上）。"), messages.SUCCESS)
            return HttpResponseRedirect(change_url)
        return self._page(
            request,
            "admin/proposals/proposal/step.html",
            title=gettext("公开：%(no)s") % {"no": proposal.tracking_no},
            proposal=proposal,
            original=proposal,
            form=form,
            change_url=change_url,
            shows_original=True,
            button=gettext("审核通过公开"),
        )


@admin.register(VoteSession)
class VoteSessionAdmin(admin.ModelAdmin):
    """District officials prepare, open and count a session; deputies see the open ones and cast
    their own ballot."""

    form = VoteSessionForm
    list_display = ["year", "body", "held_on", "places", "status", "ballot_link"]
    change_form_template = "admin/proposals/votesession/change_form.html"

    def get_queryset(self, request):
        sessions = super().get_queryset(request)
        return sessions.filter(status=SessionStatus.OPEN) if is_deputy(request.user) else sessions

    def has_module_permission(self, request):
        return is_deputy(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_deputy(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return scope_of(request.user).is_all and super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        editable = obj is None or obj.status == SessionStatus.DRAFT
        return scope_of(request.user).is_all and editable and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("投票"))
    def ballot_link(self, obj: VoteSession) -> str:
        if obj.status != SessionStatus.OPEN:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:proposals_votesession_ballot", args=[obj.pk]), _("填写选票")
        )

    def save_model(self, request, obj, form, change):
        vote_session_save(session=obj, candidates=form.cleaned_data["candidates"], by=request.user)

    def save_related(self, request, form, formsets, change):
        # The service set the candidates (after checking them); the form's m2m save would redo it.
        pass

    def _changeform_view(self, request, object_id, form_url, extra_context):
        try:
            return super()._changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as exc:
            self.message_user(request, _error_text(exc), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def get_urls(self):
        return [
            path(
                "<path:object_id>/ballot/",
                self.admin_site.admin_view(self.ballot_view),
                name="proposals_votesession_ballot",
            ),
            path(
                "<path:object_id>/step/<str:step>/",
                self.admin_site.admin_view(self.step_view),
                name="proposals_votesession_step",
            ),
            *super().get_urls(),
        ]

    def _session(self, request, object_id) -> VoteSession:
        session = self.get_queryset(request).filter(pk=unquote(object_id)).first() if str(object_id).isdigit() else None
        if session is None:
            raise Http404(gettext("对象不存在或不在您的权限范围内。"))
        return session

    def ballot_view(self, request, object_id):
        session = self._session(request, object_id)
        deputy = is_deputy(request.user)
        if not deputy and not scope_of(request.user).is_all:
            raise PermissionDenied
        candidates = session.candidates.order_by("id")
        form = BallotForm(
            request.POST if request.method == "POST" else None, candidates=candidates, for_official=not deputy
        )
        existing = selectors.ballot_for(session=session, deputy=request.user) if deputy else None
        if request.method == "POST" and form.is_valid() and existing is None:
            try:
                ballot = ballot_cast(
                    session=session,
                    marks=form.marks(),
                    by=request.user,
                    deputy_name=form.cleaned_data.get("deputy_name", ""),
                )
            except ValidationError as exc:
                _errors_into_form(form, exc)
            else:
                self.message_user(
                    request, gettext("%(name)s 代表的选票已录入。") % {"name": ballot.deputy_name}, messages.SUCCESS
                )
                return HttpResponseRedirect(reverse("admin:proposals_votesession_ballot", args=[session.pk]))
        return self._page(
            request,
            "admin/proposals/votesession/ballot.html",
            title=gettext("选票：%(session)s") % {"session": session},
            session=session,
            form=form,
            existing=existing,
            ballots=session.ballots.count(),
        )

    def step_view(self, request, object_id, step):
        if step not in ("open", "close"):
            raise Http404
        session = self._session(request, object_id)
        if not scope_of(request.user).is_all:
            raise PermissionDenied
        change_url = reverse("admin:proposals_votesession_changelist")
        form = (
            CloseForm(
                request.POST if request.method == "POST" else None,
                initial={"deputies_present": session.ballots.count()},
            )
            if step == "close"
            else None
        )
        if request.method == "POST" and (form is None or form.is_valid()):
            try:
                if step == "open":
                    vote_session_open(session=session, by=request.user)
                else:
                    vote_session_close(session=session, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                if form is not None:
                    _errors_into_form(form, exc)
                else:
                    self.message_user(request, _error_text(exc), messages.ERROR)
                    return HttpResponseRedirect(change_url)
            else:
                done = gettext("已开始投票。") if step == "open" else gettext("已计票，结果已公开。")
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(change_url)
        return self._page(
            request,
            "admin/proposals/votesession/step.html",
            title=(gettext("开始投票") if step == "open" else gettext("计票")) + f"：{session}",
            session=session,
            form=form,
            step=step,
            change_url=change_url,
            ballots=session.ballots.count(),
        )

    def _page(self, request, template: str, **context):
        return TemplateResponse(
            request, template, {**self.admin_site.each_context(request), "opts": self.opts, **context}
        )


@admin.register(EvaluationRound)
class EvaluationRoundAdmin(admin.ModelAdmin):
    """District officials open and count a 满意度测评; deputies mark the year's projects."""

    form = EvaluationRoundForm
    list_display = ["__str__", "status"]  # and the 测评 links: get_list_display

    def get_queryset(self, request):
        rounds = super().get_queryset(request)
        return rounds.filter(status=SessionStatus.OPEN) if is_deputy(request.user) else rounds

    def has_module_permission(self, request):
        return is_deputy(request.user) or (scope_of(request.user).is_all and request.user.is_staff)

    def has_view_permission(self, request, obj=None):
        return is_deputy(request.user) or (scope_of(request.user).is_all and request.user.is_staff)

    def has_add_permission(self, request):
        return scope_of(request.user).is_all and request.user.is_staff

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_list_display(self, request):
        # One ModelAdmin serves every request, in every thread of a worker: the column closes over
        # this request's reader rather than keeping it on `self`, where another official's request
        # could replace it before this list is rendered.
        may_count = not is_deputy(request.user)

        @admin.display(description=_("测评"))
        def evaluate_link(obj: EvaluationRound) -> str:
            return self.evaluate_links(obj, may_count=may_count)

        return ["__str__", "status", evaluate_link]

    def evaluate_links(self, obj: EvaluationRound, *, may_count: bool) -> str:
        if obj.status != SessionStatus.OPEN:
            return "—"
        links = [(reverse("admin:proposals_evaluationround_evaluate", args=[obj.pk]), _("填写测评"))]
        if may_count:
            links.append((reverse("admin:proposals_evaluationround_close", args=[obj.pk]), _("统计结果")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def save_model(self, request, obj, form, change):
        created = evaluation_round_open(year=obj.year, phase=obj.phase, by=request.user)
        obj.pk = created.pk

    def get_urls(self):
        return [
            path(
                "<path:object_id>/evaluate/",
                self.admin_site.admin_view(self.evaluate_view),
                name="proposals_evaluationround_evaluate",
            ),
            path(
                "<path:object_id>/close/",
                self.admin_site.admin_view(self.close_view),
                name="proposals_evaluationround_close",
            ),
            *super().get_urls(),
        ]

    def _round(self, request, object_id) -> EvaluationRound:
        found = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if found is None:
            raise Http404(gettext("对象不存在或不在您的权限范围内。"))
        return found

    def evaluate_view(self, request, object_id):
        evaluation = self._round(request, object_id)
        deputy = is_deputy(request.user)
        if not deputy and not scope_of(request.user).is_all:
            raise PermissionDenied
        done = deputy and evaluation.marks.filter(deputy=request.user).exists()
        form = EvaluationForm(
            request.POST if request.method == "POST" else None,
            projects=evaluation_projects(evaluation),
            for_official=not deputy,
        )
        if request.method == "POST" and not done and form.is_valid():
            try:
                marks = evaluation_cast(
                    evaluation=evaluation,
                    ratings=form.ratings(),
                    by=request.user,
                    deputy_name=form.cleaned_data.get("deputy_name", ""),
                )
            except ValidationError as exc:
                _errors_into_form(form, exc)
            else:
                self.message_user(
                    request,
                    gettext("%(name)s 代表的测评已录入（%(n)d 个项目）。")
                    % {"name": marks[0].deputy_name, "n": len(marks)},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(request.path)
        return TemplateResponse(
            request,
            "admin/proposals/evaluationround/evaluate.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("满意度测评：%(round)s") % {"round": evaluation},
                "evaluation": evaluation,
                "form": form,
                "done": done,
            },
        )

    def close_view(self, request, object_id):
        evaluation = self._round(request, object_id)
        if not scope_of(request.user).is_all:
            raise PermissionDenied
        if request.method == "POST":
            try:
                evaluation_round_close(evaluation=evaluation, by=request.user)
            except ValidationError as exc:
                self.message_user(request, _error_text(exc), messages.ERROR)
            else:
                self.message_user(request, gettext("测评结果已统计并在项目页面公开。"), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:proposals_evaluationround_changelist"))
        return TemplateResponse(
            request,
            "admin/proposals/evaluationround/close.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": gettext("统计结果：%(round)s") % {"round": evaluation},
                "evaluation": evaluation,
                "marks": evaluation.marks.count(),
            },
        )


class InspectionPhotoInline(admin.TabularInline):
    model = InspectionPhoto
    form = InspectionPhotoForm
    fields = ["image", "caption"]
    extra = 1
    verbose_name = _("照片")
    verbose_name_plural = _("视察照片（项目公开时随视察记录显示；上传时自动去除拍摄位置等 EXIF 信息）")

    # The inline follows the record's own rights (InspectionAdmin): a deputy's own records only.
    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return True

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return True


@admin.register(Inspection)
class InspectionAdmin(admin.ModelAdmin):
    """代表视察: a deputy sees and changes only their own records; district officials all of them."""

    list_display = ["visited_on", "project", "deputy_name", "participants"]
    list_select_related = ["project"]
    fields = ["project", "visited_on", "deputy_name", "participants", "findings"]
    search_fields = ["project__title", "deputy_name"]
    inlines = [InspectionPhotoInline]

    def get_queryset(self, request):
        records = super().get_queryset(request)
        if is_deputy(request.user):
            return records.filter(deputy=request.user)
        return records if scope_of(request.user).is_all else records.none()

    def _allowed(self, request) -> bool:
        return is_deputy(request.user) or (scope_of(request.user).is_all and request.user.is_staff)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request) and (
            obj is None or not is_deputy(request.user) or obj.deputy_id == request.user.pk
        )

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["deputy_name"] if is_deputy(request.user) else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        if is_deputy(request.user):
            initial["deputy_name"] = deputy_display_name(request.user)
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)
        user = request.user
        if "project" in form_class.base_fields:
            # A plain list (deputies have no access to the projects' autocomplete): this and last
            # year's published projects.
            recent = Project.objects.filter(is_public=True, year__gte=timezone.localdate().year - 1)
            form_class.base_fields["project"].queryset = recent.order_by("-year", "title")

        class InspectionForm(form_class):
            def _post_clean(self):
                super()._post_clean()
                if is_deputy(user):
                    self.instance.deputy_name = deputy_display_name(user)

        return InspectionForm

    def save_model(self, request, obj, form, change):
        try:
            inspection_save(inspection=obj, by=request.user)
        except ValidationError as exc:
            # Checked by the form already; a race only.
            self.message_user(request, _error_text(exc), messages.ERROR)

    def save_formset(self, request, form, formset, change):
        if formset.model is not InspectionPhoto:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for photo in formset.deleted_objects:
            inspection_photo_delete(photo=photo, by=request.user)
        for photo in formset.new_objects:
            inspection_photo_add(
                inspection=form.instance, upload=photo.image.file, caption=photo.caption, by=request.user
            )
