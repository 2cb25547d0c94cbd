"""REST API views: they pick a selector and a serializer, call a service, and nothing else."""

from __future__ import annotations

import django_filters
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from apps.accounts.scoping import ALL, NO_SCOPE
from apps.api import exports, selectors
from apps.api.filters import (
    AppealFilterSet,
    AreaFilterSet,
    DepartmentFilterSet,
    PrivateAppealFilterSet,
    ReplyTemplateFilterSet,
)
from apps.api.pagination import Pagination
from apps.api.permissions import CanSubmit, IsDepartmentKey, ReadsReplyTemplates, TakesWorkflowSteps, api_key_of
from apps.api.schema import errors
from apps.api.serializers import (
    AppealCreateSerializer,
    AppealPrivateDetailSerializer,
    AppealPrivateSerializer,
    AppealPublicDetailSerializer,
    AppealPublicSerializer,
    AppealReceiptSerializer,
    AreaSerializer,
    DepartmentSerializer,
    ProgrammeSerializer,
    ProgressUpdateCreateSerializer,
    ProgressUpdateSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ReplyTemplateSerializer,
    StatsQuerySerializer,
    StatsSerializer,
    TransitionSerializer,
)
from apps.apikeys.models import ApiScope
from apps.appeals.figures import figure_definitions
from apps.appeals.models import Appeal
from apps.appeals.selectors import rate_definitions, reply_template_list
from apps.appeals.services import appeal_submit_idempotent, appeal_transition
from apps.appeals.workflow import TRANSITIONS, Actor
from apps.audit.models import Action as AuditAction
from apps.audit.services import audit_record
from apps.common.cache import PROJECTS, REQUESTS, cached_api_response, lean_api_reads
from apps.common.filters import TextFilter
from apps.projects.filters import ProjectFilterSet
from apps.projects.models import Project
from apps.projects.services import project_post_update

ID_REGEX = "[0-9]{1,18}"
# What a department's key may do to its own requests: the department's part of the loop.


# The query parameters the shared answers are kept by; any other shares the plain answer.
PROJECT_LIST_PARAMS = (ProjectFilterSet, "page", "page_size")
REQUEST_LIST_PARAMS = (AppealFilterSet, "page", "page_size")
STATS_PARAMS = ("year", "start", "end")  # StatsQuerySerializer's fields


class StrictQueryMixin:
    """A query parameter given twice is a 400, unless the filter takes several values: silently
    using one of them would answer a different question than the client asked."""

    def initial(self, request: Request, *args, **kwargs) -> None:
        super().initial(request, *args, **kwargs)
        filterset_class = getattr(self, "filterset_class", None)
        filters = filterset_class.base_filters.items() if filterset_class else ()
        multiple = {name for name, spec in filters if isinstance(spec, django_filters.MultipleChoiceFilter)}
        # Text and ordering may be empty (no filter, default order); an empty number, date or choice is a mistake.
        free_text = {name for name, spec in filters if isinstance(spec, TextFilter | django_filters.OrderingFilter)}
        errors: dict[str, list[str]] = {}
        for name in request.query_params:
            values = request.query_params.getlist(name)
            if name not in multiple and len(values) > 1:
                errors[name] = [_("该参数只能出现一次。 / Give this parameter once.")]
            elif name not in free_text and "" in values:
                errors[name] = [_("该参数不能为空；不筛选时请省略它。 / Empty value; leave the parameter out instead.")]
        if errors:
            raise ValidationError(errors)


class ListFilterMixin:
    """Query-string filters apply to lists only; a detail URL is found by its id alone."""

    def filter_queryset(self, queryset):
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


@extend_schema_view(
    list=extend_schema(
        summary="六心板块 / Programmes",
        description="六个板块，按显示顺序，不分页。 / The six programmes in display order, not paginated.",
        responses={200: ProgrammeSerializer(many=True), **errors()},
    ),
    retrieve=extend_schema(
        summary="一个板块 / One programme",
        description="按代码（fumin、bianmin、lvse、yiyang、anquan、chunyu）查询。 / By code.",
        responses={200: ProgrammeSerializer, **errors(404)},
    ),
)
class ProgrammeViewSet(StrictQueryMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ProgrammeSerializer
    lookup_field = "code"
    lookup_value_regex = "[-a-zA-Z0-9_]{1,20}"
    pagination_class = None
    filter_backends: list = []

    def get_queryset(self):
        return selectors.programme_list()


@extend_schema_view(
    list=extend_schema(
        summary="区域树 / Areas",
        description="区 → 街道 → 社区 → 小区，以 `parent` 连成树，`subdistrict` 为所属街道。 / "
        "The area tree: follow `parent`; `subdistrict` is the 街道 an area lies in.",
        responses={200: AreaSerializer(many=True), **errors(400, 404)},
    ),
    retrieve=extend_schema(summary="一个区域 / One area", responses={200: AreaSerializer, **errors(404)}),
)
class AreaViewSet(StrictQueryMixin, ListFilterMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = AreaSerializer
    filterset_class = AreaFilterSet
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.area_list()


@extend_schema_view(
    list=extend_schema(
        summary="责任单位 / Departments",
        description="区直部门、街道办事处和企业。 / District bureaus, 街道 offices and companies.",
        responses={200: DepartmentSerializer(many=True), **errors(400, 404)},
    ),
    retrieve=extend_schema(
        summary="一个责任单位 / One department", responses={200: DepartmentSerializer, **errors(404)}
    ),
)
class DepartmentViewSet(StrictQueryMixin, ListFilterMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilterSet
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.department_list()


class TodayContextMixin:
    def get_serializer_context(self):
        # One "today" per request, so every row's health and 序时进度 agree.
        return {**super().get_serializer_context(), "today": timezone.localdate()}


@extend_schema_view(
    list=extend_schema(
        summary="民生项目列表 / Projects",
        description="已公开的项目（含子项目，`top_level=true` 只看顶层），可按板块、区域（含下属区域）、状态、年度、"
        "红黄绿灯、更新时间筛选和搜索。 / Published projects with filters, search and ordering.",
        responses={200: ProjectSerializer(many=True), **errors(400, 404)},
    ),
    retrieve=extend_schema(
        summary="项目详情 / Project",
        description="含节点、照片、配合单位、子项目和最近 10 条进展。 / With milestones, photos, co-departments, "
        "sub-projects and the latest 10 progress updates.",
        responses={200: ProjectDetailSerializer, **errors(404)},
    ),
)
class ProjectViewSet(StrictQueryMixin, TodayContextMixin, ListFilterMixin, viewsets.ReadOnlyModelViewSet):
    filterset_class = ProjectFilterSet
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return selectors.project_detail() if self.action == "retrieve" else selectors.project_list()

    def get_serializer_class(self):
        return ProjectDetailSerializer if self.action == "retrieve" else ProjectSerializer

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:
        # The same for every anonymous caller: rendered once and shared, rebuilt on any write.
        return cached_api_response(
            self, request, super().list, *args, depends=(PROJECTS,), params=PROJECT_LIST_PARAMS, **kwargs
        )

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        # A shared list is served before the framework runs (throttles still apply).
        if actions and actions.get("get") == "list":
            return lean_api_reads(view, depends=(PROJECTS,), params=PROJECT_LIST_PARAMS)
        return view


class ProjectUpdateListView(StrictQueryMixin, generics.ListCreateAPIView):
    """GET: a project's progress updates, newest first. POST: a department key posts an update to a
    project its department leads (apps.projects.services.project_post_update)."""

    filter_backends: list = []

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsDepartmentKey()]
        return super().get_permissions()

    def get_serializer_class(self):
        return ProgressUpdateCreateSerializer if self.request.method == "POST" else ProgressUpdateSerializer

    def _public_project(self) -> Project:
        project = selectors.public_projects().filter(pk=self.kwargs["pk"]).first()
        if project is None:
            raise NotFound()
        return project

    def get_queryset(self):
        return selectors.project_updates(self._public_project())

    @extend_schema(
        summary="项目进展 / Progress updates",
        description="一个已公开项目的全部进展，按日期倒序。 / A published project's updates, newest first.",
        responses={200: ProgressUpdateSerializer(many=True), **errors(404)},
    )
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        summary="发布项目进展 / Post a progress update",
        description="需“责任单位”范围的密钥，且该单位是项目的牵头单位。"
        "手工填报进度的项目，`progress` 同时成为项目进度。 / "
        "Needs a department key whose department leads the project.",
        request=ProgressUpdateCreateSerializer,
        responses={201: ProgressUpdateSerializer, **errors(400, 403, 404, 415)},
    )
    def post(self, request: Request, *args, **kwargs) -> Response:
        api_key = api_key_of(request)
        project = Project.objects.filter(pk=kwargs["pk"]).first()
        if project is None:
            raise NotFound()
        serializer = ProgressUpdateCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        update = project_post_update(
            project=project,
            text=data["text"],
            progress=data.get("progress"),
            on=data.get("date"),
            scope=api_key.appeal_scope,
        )
        update = selectors.project_updates(project).get(pk=update.pk)
        return Response(ProgressUpdateSerializer(update, context=self.get_serializer_context()).data, status=201)


class PublishedRequestPagination(Pagination):
    # Counts among the newest published requests: a filter's or search's cost does not grow
    # with the table (apps.common.paging).
    count_window = staticmethod(lambda: selectors.published_appeals(linked_projects=False))


@extend_schema_view(
    list=extend_schema(
        summary="群众诉求列表 / Requests",
        description="匿名调用：已公开（诉求人同意且经审核）的诉求，姓名脱敏（张*），位置只到社区/小区，无电话、联系方式和具体地址。"
        "“全区只读”或“责任单位”范围的密钥：其范围内的全部诉求（含未公开的），并返回个人信息字段。 / "
        "Anonymous: published requests, masked. Keys with read_private or department scope: every request in "
        "their scope with personal data.",
        responses={200: AppealPrivateSerializer(many=True), **errors(400, 404)},
    ),
    retrieve=extend_schema(
        summary="诉求详情 / Request",
        description="可见范围同列表；含公开办理过程，密钥在范围内时另含完整记录。 / Same visibility as the list.",
        responses={200: AppealPrivateDetailSerializer, **errors(404)},
    ),
    create=extend_schema(
        summary="提交诉求 / Submit a request",
        description="需“提交诉求”范围的密钥（如 12345 平台）。"
        "以 `external_id` 幂等：首次 201，之后同一编号返回 200 和同一诉求。 / "
        "Needs a submit key. Idempotent on `external_id`: 201 the first time, then 200 with the same request.",
        request=AppealCreateSerializer,
        responses={
            201: OpenApiResponse(AppealReceiptSerializer, description="已创建 / Created"),
            200: OpenApiResponse(AppealReceiptSerializer, description="此前已提交 / Already submitted"),
            **errors(400, 403, 415),
        },
    ),
)
class RequestViewSet(StrictQueryMixin, ListFilterMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = ID_REGEX
    pagination_class = PublishedRequestPagination

    @property
    def filterset_class(self):
        # The public searches the public version only; a key in scope searches what it reads.
        request = getattr(self, "request", None)
        return PrivateAppealFilterSet if request is not None and self._private() else AppealFilterSet

    def get_permissions(self):
        if self.action == "create":
            return [CanSubmit()]
        return super().get_permissions()

    def _scope(self):
        api_key = api_key_of(self.request)
        return api_key.appeal_scope if api_key is not None else NO_SCOPE

    def _private(self) -> bool:
        return self._scope() != NO_SCOPE

    def get_queryset(self):
        scope = self._scope()
        if self.action == "retrieve":
            return selectors.scoped_appeal_detail(scope) if scope != NO_SCOPE else selectors.published_appeal_detail()
        return selectors.scoped_appeals(scope) if scope != NO_SCOPE else selectors.published_appeals()

    def get_serializer_class(self):
        if self.action == "create":
            return AppealCreateSerializer
        if self.action == "retrieve":
            return AppealPrivateDetailSerializer if self._private() else AppealPublicDetailSerializer
        return AppealPrivateSerializer if self._private() else AppealPublicSerializer

    def list(self, request: Request, *args, **kwargs) -> HttpResponse:
        # Anonymous callers all get the same published list: rendered once and shared (a key
        # holder's list is its own and goes through the framework).
        return cached_api_response(
            self, request, super().list, *args, depends=(REQUESTS,), params=REQUEST_LIST_PARAMS, **kwargs
        )

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        if actions and actions.get("get") == "list":
            return lean_api_reads(view, depends=(REQUESTS,), params=REQUEST_LIST_PARAMS)
        return view

    def create(self, request: Request, *args, **kwargs) -> Response:
        api_key = api_key_of(request)
        serializer = AppealCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        appeal, created = appeal_submit_idempotent(
            channel=api_key.channel,
            external_id=data.pop("external_id"),
            actor_label=api_key.name,
            **data,
        )
        return Response(
            AppealReceiptSerializer(appeal).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class RequestTransitionView(StrictQueryMixin, generics.GenericAPIView):
    serializer_class = TransitionSerializer
    permission_classes = [TakesWorkflowSteps]
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        summary="办理诉求 / Move a request through the workflow",
        description="“派单”密钥（全区或一个街道）办理派单方的步骤：受理、不予受理、派单、督办、延期审批、回访、重办、"
        "解释说明后关闭、合并重复件（派单时 co_departments 可指定协办单位）；“责任单位”密钥只办理本单位承办的诉求："
        "签收、退单、申请延期、督办回复、办结，以及本单位协办的诉求的协办签收（co_sign）和协办回复（co_reply）。"
        "全区“派单”密钥代承办单位或协办单位办理时须填写 proxy_reason（代办），单独记录。与管理后台调用同一服务。"
        "密钥无权执行的步骤返回 403；当前状态不允许的步骤返回 409，并在 error.allowed_actions 中列出可执行的步骤。"
        "每个操作的完整示例见 docs/api/closed-loop.md。 / A dispatch key (district, or one 街道) takes the "
        "dispatcher's steps (assign may name co_departments); a department key takes its own department's steps, and "
        "co_sign and co_reply where it is a co-department. A district-wide dispatch key takes a unit's step only as "
        "代办, with proxy_reason. Same service as the admin. A step the key may not take is a 403; a step the state "
        "does not allow is a 409 listing error.allowed_actions. A worked call and answer of every action: "
        "docs/api/closed-loop.md.",
        request=TransitionSerializer,
        responses={200: AppealPrivateDetailSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, pk: str) -> Response:
        api_key = api_key_of(request)
        scope = api_key.appeal_scope
        appeal = Appeal.objects.filter(pk=pk).only("id", "consent_to_publish", "publish_approved").first()
        if appeal is None:
            raise NotFound()
        if not Appeal.objects.filter(scope.appeal_q(), pk=appeal.pk).exists():
            if not appeal.is_published:
                raise NotFound()
            raise PermissionDenied(_("该诉求不在此密钥的范围内。 / This request is outside this key's scope."))
        serializer = TransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if api_key.scope == ApiScope.DEPARTMENT and TRANSITIONS[data["action"]].actor == Actor.RESIDENT:
            raise PermissionDenied(_("责任单位的密钥不能代诉求人评价。 / A department key cannot rate."))
        # Who may take the step is checked by the service on the locked row: the request may be
        # returned and re-assigned between the read above and this step.
        label = api_key.department.name if api_key.department_id else api_key.name
        appeal_transition(appeal=appeal.pk, scope=scope, actor_label=label, **data)
        # Read back without the scope: after a return the request no longer belongs to the
        # department, but the caller still gets the result of its own step.
        appeal = selectors.scoped_appeal_detail(ALL).get(pk=appeal.pk)
        return Response(AppealPrivateDetailSerializer(appeal, context=self.get_serializer_context()).data)


@extend_schema_view(
    list=extend_schema(
        tags=["reply-templates"],
        summary="答复模板 / Reply templates",
        description="办理步骤的答复模板（在用的），可按步骤、问题分类（含其上级分类和不限分类的模板）和诉求类型筛选，"
        "每个步骤内最具体的在前。`fills` 是模板填入的办理字段；工作人员补充“……”处后再发送。需“派单”“责任单位”"
        "或“全区只读”范围的密钥。 / The active templates of the workflow steps, filtered by step, by the class of "
        "a request (templates of that class, of a class above it and of every class) and by request type, the most "
        "specific first within a step. `fills` names the transition field it fills; edit the “……” before sending. "
        "Needs a dispatch, department or read_private key.",
        responses={200: ReplyTemplateSerializer(many=True), **errors(403, 404)},
    ),
    retrieve=extend_schema(
        tags=["reply-templates"],
        summary="一个答复模板 / One reply template",
        responses={200: ReplyTemplateSerializer, **errors(403, 404)},
    ),
)
class ReplyTemplateViewSet(StrictQueryMixin, ListFilterMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = ReplyTemplateSerializer
    filterset_class = ReplyTemplateFilterSet
    permission_classes = [ReadsReplyTemplates]
    lookup_value_regex = ID_REGEX

    def get_queryset(self):
        return reply_template_list()  # the same reads as the admin's workflow pages


class StatsView(StrictQueryMixin, APIView):
    @extend_schema(
        summary="统计 / Statistics",
        description="首页数字（各板块项目数、状态、红黄绿灯、平均进度、投资）和期间内的诉求数及三率（按街道、按承办单位）。"
        "期间默认本年 1 月 1 日至今天。 / The dashboard's figures for `year` and requests and the three rates per "
        "街道 and per department for [start, end] (default: this year to date).",
        parameters=[StatsQuerySerializer],
        responses={200: StatsSerializer, **errors(400)},
    )
    def get(self, request: Request) -> HttpResponse:
        # 三率 over a million requests take seconds: one computation shared by all callers for 30 s.
        return cached_api_response(self, request, self._stats, depends=(), params=STATS_PARAMS)

    @classmethod
    def as_view(cls, **initkwargs):
        # The shared answer is served before the framework runs (throttles still apply).
        return lean_api_reads(super().as_view(**initkwargs), depends=(), params=STATS_PARAMS)

    def _stats(self, request: Request) -> Response:
        query = StatsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        figures = selectors.stats(year=params["year"], first_day=params["start"], last_day=params["end"])
        data = {
            "year": figures.year,
            "period": {"first_day": figures.first_day, "last_day": figures.last_day},
            "projects_total": figures.projects_total,
            "programmes": figures.programmes,
            "requests": figures.requests,
            "rate_definitions": rate_definitions(),
            "figure_definitions": figure_definitions(),
            "rates_by_subdistrict": figures.by_subdistrict,
            "rates_by_department": figures.by_department,
        }
        return Response(StatsSerializer(data).data)


class PassthroughRenderer(BaseRenderer):
    """Lets clients ask for CSV/Excel in Accept; the export views build the body themselves."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class CsvRenderer(PassthroughRenderer):
    media_type = "text/csv"
    format = "csv"


class XlsxRenderer(PassthroughRenderer):
    media_type = exports.XLSX_TYPE
    format = "xlsx"


class _ExportView(StrictQueryMixin, generics.GenericAPIView):
    fmt = "csv"
    renderer_classes = [JSONRenderer, CsvRenderer, XlsxRenderer]
    pagination_class = None

    def filename(self) -> str:
        raise NotImplementedError

    def rows(self, queryset) -> exports.Table:
        raise NotImplementedError

    def get(self, request: Request) -> HttpResponse:
        queryset = self.filter_queryset(self.get_queryset())
        exports.check_size(queryset)
        table = self.rows(queryset)
        api_key = api_key_of(request)
        if api_key is not None:
            # A key holder's export is audited; anonymous open-data downloads are not (nothing private).
            audit_record(
                action=AuditAction.EXPORT,
                request=request,
                username=f"api-key:{api_key.prefix}",
                target=self.filename().rsplit("-", 1)[0],
                rows=len(table),
                data={"via": "api", "key": api_key.name, "format": self.fmt, "filters": request.query_params.dict()},
            )
        return exports.response(table, fmt=self.fmt, filename=self.filename())


_CSV = {(200, "text/csv"): OpenApiTypes.STR}
_XLSX = {(200, exports.XLSX_TYPE): OpenApiTypes.BINARY}


class ProjectExportView(_ExportView):
    filterset_class = ProjectFilterSet

    def get_queryset(self):
        return selectors.project_list()

    def filename(self) -> str:
        return f"projects-{timezone.localdate():%Y%m%d}"

    def rows(self, queryset) -> exports.Table:
        return exports.project_table(queryset, native=self.fmt == "xlsx")


class ProjectCsvExportView(ProjectExportView):
    fmt = "csv"

    @extend_schema(
        summary="导出项目（CSV） / Export projects as CSV",
        description="与列表相同的筛选，不分页；列与管理后台导入的列一致（UTF-8 带 BOM）。 / Same filters as the list, "
        "all rows; the columns equal the admin import's columns.",
        responses={**_CSV, **errors(400)},
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class ProjectXlsxExportView(ProjectExportView):
    fmt = "xlsx"

    @extend_schema(
        summary="导出项目（Excel） / Export projects as Excel",
        description="同 CSV 导出。 / As the CSV export, as an .xlsx workbook.",
        responses={**_XLSX, **errors(400)},
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class RequestExportView(_ExportView):
    filterset_class = AppealFilterSet

    def get_queryset(self):
        # Exports are for open-data portals: always the public view, whatever key is used.
        return selectors.published_appeals()

    def filename(self) -> str:
        return f"requests-{timezone.localdate():%Y%m%d}"

    def rows(self, queryset) -> exports.Table:
        return exports.appeal_table(queryset)


class RequestCsvExportView(RequestExportView):
    fmt = "csv"

    @extend_schema(
        summary="导出已公开诉求（CSV） / Export published requests as CSV",
        description="只含已公开诉求的公开字段（姓名脱敏），与列表相同的筛选。单次最多 API_EXPORT_MAX_ROWS"
        "（默认 50000）行，超出时返回 400，请按 year 或 submitted_since / submitted_before 分段导出。 / "
        "Published requests, public columns only. At most API_EXPORT_MAX_ROWS (default 50,000) rows per "
        "export: a larger one is a 400; export by period.",
        responses={**_CSV, **errors(400)},
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class RequestXlsxExportView(RequestExportView):
    fmt = "xlsx"

    @extend_schema(
        summary="导出已公开诉求（Excel） / Export published requests as Excel",
        description="同 CSV 导出。 / As the CSV export, as an .xlsx workbook.",
        responses={**_XLSX, **errors(400)},
    )
    def get(self, request: Request) -> HttpResponse:
        return super().get(request)


class ApiRootView(StrictQueryMixin, APIView):
    @extend_schema(
        tags=["root"],
        summary="接口目录 / API root",
        description="各资源的地址。 / Links to every resource.",
        responses={200: OpenApiTypes.OBJECT, **errors()},
    )
    def get(self, request: Request) -> Response:
        names = {
            "programmes": "api:programme-list",
            "areas": "api:area-list",
            "departments": "api:department-list",
            "projects": "api:project-list",
            "requests": "api:request-list",
            "reply_templates": "api:reply-template-list",
            "stats": "api:stats",
            "proposals": "api:proposal-list",
            "vote_sessions": "api:vote-session-list",
            "evaluations": "api:evaluation-list",
            "monthly_topics": "api:monthly-topic-list",
            "projects_csv": "api:project-export-csv",
            "projects_xlsx": "api:project-export-xlsx",
            "requests_csv": "api:request-export-csv",
            "requests_xlsx": "api:request-export-xlsx",
            "schema": "api-schema",
            "docs": "api-docs",
        }
        return Response({key: reverse(name, request=request) for key, name in names.items()})
