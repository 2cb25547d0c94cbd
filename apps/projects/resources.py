"""Projects (with their milestones) to and from Excel (XLSX) and CSV, via django-import-export.

One row per project, Chinese column headers (`project_columns()`), milestones in one
column ("节点"), one line per milestone: `标题|计划完成日期|实际完成日期|权重`.

- An export re-imports unchanged: every row is reported "跳过" (skipped).
- Rows with an ID update that project (it must be within the official's scope); rows with an
  empty ID create a project. Saving goes through `project_save` / `milestone_save`, so derived
  progress and schedule health stay right.
- The import is one transaction: if any row is bad, nothing changes, and each bad row is
  named with its column (`import_errors(result)` gives readable Chinese lines).

The REST API's CSV/Excel export reuses `ProjectResource().export(queryset)` so its columns
equal the import's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import ModelInstanceLoader
from import_export.widgets import ManyToManyWidget, Widget

from apps.accounts.scoping import ALL, Scope, scope_of
from apps.places.models import Area, AreaLevel, Department
from apps.programmes.models import Programme
from apps.projects.models import Milestone, ProgressSource, Project, ProjectStatus
from apps.projects.services import (
    REFERENCES,
    milestone_delete,
    milestone_save,
    milestones_add,
    project_refresh_progress,
    project_save,
)

# (attribute, column header): the one list of columns for import and every export.
PROJECT_COLUMNS: list[tuple[str, str]] = [
    ("id", "ID"),
    ("title", "项目名称"),
    ("programme", "六心板块"),
    ("year", "年度"),
    ("parent", "上级项目ID"),
    ("weight", "子项目权重"),
    ("summary", "摘要"),
    ("description", "项目内容"),
    ("areas", "涉及区域"),
    ("lead_department", "牵头单位"),
    ("co_departments", "配合单位"),
    ("official_name", "责任人"),
    ("official_title", "责任人职务"),
    ("planned_investment", "计划投资（万元）"),
    ("invested", "已完成投资（万元）"),
    ("planned_start", "计划开工"),
    ("planned_finish", "计划完工"),
    ("actual_start", "实际开工"),
    ("actual_finish", "实际完工"),
    ("status", "状态"),
    ("progress", "进度（%）"),
    ("progress_source", "进度来源"),
    ("latitude", "纬度"),
    ("longitude", "经度"),
    ("is_public", "已公开"),
    ("milestones", "节点"),
]
COLUMN_OF = dict(PROJECT_COLUMNS)
LIST_SEPARATORS = re.compile(r"[;；、,，\n]+")
MILESTONE_FORMAT = "标题|计划完成日期|实际完成日期|权重"
SHEET_TITLE = "民生项目"


def project_columns() -> list[str]:
    """The column headers of the project import and of every project export, in order."""
    return [header for _attribute, header in PROJECT_COLUMNS]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --- widgets: Chinese values in, Chinese messages out ----------------------------------------


class TextWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class IntegerCNWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation as exc:
            raise ValueError(f"“{value}”不是整数。") from exc
        if number != number.to_integral_value():
            raise ValueError(f"“{value}”不是整数。")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value  # a number cell in Excel
        return "" if value is None else str(value)


class DecimalCNWidget(Widget):
    def __init__(self, places: int | None = None):
        super().__init__()
        self.places = places

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        text = str(value).strip().replace(",", "").replace("，", "").rstrip("%")
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise ValueError(f"“{value}”不是有效数字。") from exc
        # Excel hands 430.40 back as 430.4: written with the column's places it is no change.
        if self.places is not None and number.is_finite():
            exact = number.quantize(Decimal(1).scaleb(-self.places))
            if exact == number:
                number = exact
        return number

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value  # a number cell: 计划投资 sums in Excel
        return "" if value is None else str(value)


class DateCNWidget(Widget):
    FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日")

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        for fmt in self.FORMATS:
            try:
                return datetime.strptime(text, fmt).date()
            except ValueError:
                continue
        raise ValueError(f"“{text}”不是有效日期，请写成 2026-03-31 的格式。")

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value  # a date cell
        return value.isoformat() if value else ""


class YesNoWidget(Widget):
    TRUE = {"是", "1", "true", "yes", "y", "公开", "已公开"}
    FALSE = {"否", "0", "false", "no", "n", "不公开", "未公开", ""}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(f"“{value}”无法识别，请填写“是”或“否”。")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class StatusWidget(Widget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        for choice in ProjectStatus:
            if text in (choice.value, str(choice.label)):
                return choice.value
        labels = "、".join(str(choice.label) for choice in ProjectStatus)
        raise ValueError(f"“{text}”不是有效状态，请填写：{labels}。")

    def render(self, value, obj=None, **kwargs):
        return str(ProjectStatus(value).label) if value else ""


class ProgrammeWidget(Widget):
    def __init__(self, resource: ProjectResource):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        programmes = self.resource.programmes
        for programme in programmes:
            if text in (programme.name, programme.code):
                return programme
        names = "、".join(programme.name for programme in programmes)
        raise ValueError(f"找不到六心板块“{text}”，请填写：{names}。")

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class DepartmentIndex:
    """All departments by name, short name and code: one query per import."""

    def __init__(self):
        self.by_key: dict[str, Department] = {}
        for department in Department.objects.all():
            for key in (department.code, department.short_name, department.name):
                if key:
                    self.by_key[key] = department

    def get(self, name: str) -> Department:
        try:
            return self.by_key[name]
        except KeyError:
            raise ValueError(f"找不到责任单位“{name}”。") from None


class DepartmentWidget(Widget):
    def __init__(self, resource: ProjectResource):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        return self.resource.departments.get(text) if text else None

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class DepartmentsWidget(ManyToManyWidget):
    def __init__(self, resource: ProjectResource):
        super().__init__(Department)
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return []
        names = [name.strip() for name in LIST_SEPARATORS.split(str(value)) if name.strip()]
        return list({d.pk: d for d in (self.resource.departments.get(name) for name in names)}.values())

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return "；".join(department.name for department in value.all())


class AreaIndex:
    """All areas by path ("奎山街道/奎园社区") and by name when unique: one query per import."""

    def __init__(self):
        areas = {
            area.pk: area
            for area in Area.objects.only("id", "name", "parent_id", "level", "order", "subdistrict_id").order_by(
                "level"
            )
        }
        self.areas = areas
        self.by_path: dict[str, Area] = {}
        names: dict[str, list[Area]] = defaultdict(list)
        for area in areas.values():
            self.by_path[self.path(area)] = area
            names[area.name].append(area)
        self.unique_names = {name: found[0] for name, found in names.items() if len(found) == 1}

    def path(self, area: Area) -> str:
        if area.level <= AreaLevel.SUBDISTRICT or area.parent_id not in self.areas:
            return area.name
        return f"{self.path(self.areas[area.parent_id])}/{area.name}"

    def get(self, text: str) -> Area:
        text = "/".join(part.strip() for part in text.replace("／", "/").split("/"))
        if text in self.by_path:
            return self.by_path[text]
        if text in self.unique_names:
            return self.unique_names[text]
        if "/" not in text and any(a.name == text for a in self.areas.values()):
            raise ValueError(f"区域“{text}”有重名，请写成“街道/社区”的形式。")
        raise ValueError(f"找不到区域“{text}”，请写成“街道/社区”的形式，例如“奎山街道/奎园社区”。")


class AreasWidget(ManyToManyWidget):
    def __init__(self, resource: ProjectResource):
        super().__init__(Area)
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        if _blank(value):
            return []
        names = [name.strip() for name in re.split(r"[;；、,，\n]+", str(value)) if name.strip()]
        return list({a.pk: a for a in (self.resource.area_index.get(name) for name in names)}.values())

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        index = self.resource.area_index
        return "；".join(index.path(index.areas.get(area.pk, area)) for area in value.all())


class ProjectRefWidget(Widget):
    """The parent project, by ID, within the importing official's scope."""

    def __init__(self, resource: ProjectResource):
        super().__init__()
        self.resource = resource

    def clean(self, value, row=None, **kwargs):
        pk = IntegerCNWidget().clean(value)
        if pk is None:
            return None
        parent = self.resource.get_queryset().filter(pk=pk).first()
        if parent is None:
            raise ValueError(f"上级项目 ID {pk} 不存在或不在您的权限范围内。")
        return parent

    def render(self, value, obj=None, **kwargs):
        return str(value.pk) if value else ""


@dataclass(frozen=True)
class MilestoneRow:
    title: str
    planned_date: date
    completed_on: date | None
    weight: int

    @classmethod
    def of(cls, milestone: Milestone) -> MilestoneRow:
        return cls(milestone.title, milestone.planned_date, milestone.completed_on, milestone.weight)

    def render(self) -> str:
        completed = self.completed_on.isoformat() if self.completed_on else ""
        return f"{self.title}|{self.planned_date.isoformat()}|{completed}|{self.weight}"


def parse_milestones(text) -> list[MilestoneRow]:
    """Parse the "节点" cell; raises ValueError naming the bad line in Chinese."""
    if _blank(text):
        return []
    rows: list[MilestoneRow] = []
    dates = DateCNWidget()
    for number, line in enumerate(str(text).replace("\r\n", "\n").split("\n"), 1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.replace("｜", "|").split("|")]
        where = f"第 {number} 个节点“{line.strip()}”"
        if not 2 <= len(parts) <= 4 or not parts[0]:
            raise ValueError(f"{where}格式不对，每行一个节点：{MILESTONE_FORMAT}。")
        parts += [""] * (4 - len(parts))
        title, planned, completed, weight = parts
        try:
            planned_date = dates.clean(planned)
            completed_on = dates.clean(completed)
            weight_value = IntegerCNWidget().clean(weight)
        except ValueError as exc:
            raise ValueError(f"{where}：{exc}") from exc
        if planned_date is None:
            raise ValueError(f"{where}缺少计划完成日期。")
        milestone = Milestone(
            title=title,
            planned_date=planned_date,
            completed_on=completed_on,
            weight=1 if weight_value is None else weight_value,
        )
        try:
            milestone.full_clean(exclude=["project"])
        except ValidationError as exc:
            raise ValueError(f"{where}：{'；'.join(exc.messages)}") from exc
        rows.append(MilestoneRow(milestone.title, milestone.planned_date, milestone.completed_on, milestone.weight))
    return rows


def render_milestones(milestones) -> str:
    return "\n".join(MilestoneRow.of(m).render() for m in milestones)


def sync_milestones(*, project: Project, wanted: list[MilestoneRow]) -> None:
    """Make the project's milestones equal `wanted`, keeping those whose title stays. New ones
    are added in one go; the caller refreshes the project's progress once afterwards."""
    existing = [] if getattr(project, "_import_is_new", False) else list(project.milestones.all())
    by_title: dict[str, list[Milestone]] = defaultdict(list)
    for milestone in existing:
        by_title[milestone.title].append(milestone)
    kept: set[int] = set()
    added: list[Milestone] = []
    for order, row in enumerate(wanted):
        candidates = by_title.get(row.title)
        milestone = candidates.pop(0) if candidates else Milestone(project=project)
        if milestone.pk is None or MilestoneRow.of(milestone) != row or milestone.order != order:
            milestone.title, milestone.planned_date = row.title, row.planned_date
            milestone.completed_on, milestone.weight, milestone.order = row.completed_on, row.weight, order
            if milestone.pk is None:
                added.append(milestone)  # validated by parse_milestones
            else:
                milestone_save(milestone=milestone, refresh=False)
        kept.add(milestone.pk)
    for milestone in existing:
        if milestone.pk not in kept:
            milestone_delete(milestone=milestone, refresh=False)
    milestones_add(project=project, milestones=added)


def _row_id(value) -> int | None:
    try:
        return IntegerCNWidget().clean(value)
    except ValueError:
        return None  # get_or_init_instance reports it against its row


class ProjectLoader(ModelInstanceLoader):
    """The projects named in the file's ID column, read in one query with their programme, lead
    department and parent (the import compares them with each row), within the scope."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        column = COLUMN_OF["id"]
        ids = set()
        if column in (self.dataset.headers or []):
            ids = {pk for pk in map(_row_id, self.dataset[column]) if pk is not None}
        queryset = self.get_queryset().select_related("programme", "lead_department", "parent")
        self.projects = {project.pk: project for project in queryset.filter(pk__in=ids)} if ids else {}

    def get_instance(self, row):
        return self.projects.get(_row_id(row.get(COLUMN_OF["id"])))


def _cache_related(instance: Project, name: str, values: list, key) -> None:
    """Remember the rows just written to a many-to-many field, in its model's order, so reading it
    back (the preview's diff) costs no query."""
    queryset = getattr(instance, name).all()
    queryset._result_cache = sorted(values, key=key)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


M2M_ORDER = {
    "areas": lambda area: (area.level, area.order, area.pk),
    "co_departments": lambda department: (department.order, department.pk),
}


class ProjectResource(resources.ModelResource):
    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.scope: Scope = scope_of(user) if user is not None else ALL
        self._departments: DepartmentIndex | None = None
        self._area_index: AreaIndex | None = None
        self._programmes: list[Programme] | None = None
        columns = dict(PROJECT_COLUMNS)
        self.fields = {
            "id": Field("id", columns["id"], IntegerCNWidget()),
            "title": Field("title", columns["title"], TextWidget()),
            "programme": Field("programme", columns["programme"], ProgrammeWidget(self)),
            "year": Field("year", columns["year"], IntegerCNWidget()),
            "parent": Field("parent", columns["parent"], ProjectRefWidget(self)),
            "weight": Field("weight", columns["weight"], IntegerCNWidget(), default=1),
            "summary": Field("summary", columns["summary"], TextWidget()),
            "description": Field("description", columns["description"], TextWidget()),
            "areas": Field("areas", columns["areas"], AreasWidget(self)),
            "lead_department": Field("lead_department", columns["lead_department"], DepartmentWidget(self)),
            "co_departments": Field("co_departments", columns["co_departments"], DepartmentsWidget(self)),
            "official_name": Field("official_name", columns["official_name"], TextWidget()),
            "official_title": Field("official_title", columns["official_title"], TextWidget()),
            "planned_investment": Field(
                "planned_investment", columns["planned_investment"], DecimalCNWidget(2), default=Decimal("0")
            ),
            "invested": Field("invested", columns["invested"], DecimalCNWidget(2), default=Decimal("0")),
            "planned_start": Field("planned_start", columns["planned_start"], DateCNWidget()),
            "planned_finish": Field("planned_finish", columns["planned_finish"], DateCNWidget()),
            "actual_start": Field("actual_start", columns["actual_start"], DateCNWidget()),
            "actual_finish": Field("actual_finish", columns["actual_finish"], DateCNWidget()),
            "status": Field("status", columns["status"], StatusWidget()),
            # Blank keeps the current progress; derived progress is checked in import_instance.
            "progress": Field("progress", columns["progress"], DecimalCNWidget(1), saves_null_values=False),
            "progress_source": Field("progress_source", columns["progress_source"], readonly=True),
            "latitude": Field("latitude", columns["latitude"], DecimalCNWidget(6)),
            "longitude": Field("longitude", columns["longitude"], DecimalCNWidget(6)),
            "is_public": Field("is_public", columns["is_public"], YesNoWidget()),
            "milestones": Field(None, columns["milestones"]),
        }

    class Meta:
        model = Project
        fields = [attribute for attribute, _header in PROJECT_COLUMNS]
        export_order = fields
        import_id_fields = ["id"]
        instance_loader_class = ProjectLoader
        skip_unchanged = True
        report_skipped = True
        use_transactions = True
        clean_model_instances = True
        chunk_size = 200
        name = "民生项目（含节点）"

    # --- lookups, shared per import / export ---------------------------------------------------

    @property
    def departments(self) -> DepartmentIndex:
        if self._departments is None:
            self._departments = DepartmentIndex()
        return self._departments

    @property
    def programmes(self) -> list[Programme]:
        if self._programmes is None:
            self._programmes = list(Programme.objects.all())
        return self._programmes

    @property
    def area_index(self) -> AreaIndex:
        if self._area_index is None:
            self._area_index = AreaIndex()
        return self._area_index

    def get_queryset(self) -> QuerySet[Project]:
        return self.scope.filter_projects(Project.objects.all())

    # --- export --------------------------------------------------------------------------------

    def export(self, queryset=None, **kwargs):
        """The projects as a dataset whose sheet (in XLSX) is named 民生项目. With
        `force_native_type` (the admin passes it for XLSX) numbers and dates stay numbers and
        dates, so Excel can sum 计划投资; CSV gets the same values as text."""
        dataset = super().export(queryset=queryset, **kwargs)
        dataset.title = SHEET_TITLE
        return dataset

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("programme", "lead_department", "parent").prefetch_related(
            "areas", "co_departments", "milestones"
        )

    def dehydrate_progress_source(self, project: Project) -> str:
        return str(ProgressSource(project.progress_source).label)

    def dehydrate_milestones(self, project: Project) -> str:
        return render_milestones(project.milestones.all()) if project.pk else ""

    # --- import --------------------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        # One bad row rolls the whole import back, whoever calls us.
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs)

    def before_import(self, dataset, **kwargs):
        user = kwargs.get("user")
        if user is not None and self.user is None:
            self.user, self.scope = user, scope_of(user)
        headers = list(dataset.headers or [])
        if COLUMN_OF["id"] not in headers:
            raise ValidationError(
                f"文件缺少“{COLUMN_OF['id']}”列（新增项目的 ID 留空即可）。请以导出的表格为模板填写。"
            )
        if COLUMN_OF["title"] not in headers:
            raise ValidationError(f"文件缺少“{COLUMN_OF['title']}”列。请以导出的表格为模板填写。")

    def get_or_init_instance(self, instance_loader, row):
        try:
            pk = IntegerCNWidget().clean(row.get(COLUMN_OF["id"]))
        except ValueError as exc:
            raise ValidationError({"id": str(exc)}) from exc
        instance, new = super().get_or_init_instance(instance_loader, row)
        if new and pk is not None:
            raise ValidationError({"id": f"ID 为 {pk} 的项目不存在或不在您的权限范围内；新增项目请将 ID 留空。"})
        instance._import_original_progress = instance.progress
        instance._import_m2m = {}
        instance._import_milestones = None
        return instance, new

    def import_instance(self, instance, row, **kwargs):
        errors: dict = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # Many-to-many values are only written after the save; check them now so a bad
        # value is reported against its row and column like any other.
        for name in ("areas", "co_departments"):
            field = self.fields[name]
            if field.column_name in row:
                try:
                    instance._import_m2m[name] = field.clean(row)
                except ValueError as exc:
                    errors[name] = [str(exc)]
        if COLUMN_OF["milestones"] in row:
            try:
                instance._import_milestones = parse_milestones(row[COLUMN_OF["milestones"]])
            except ValueError as exc:
                errors["milestones"] = [str(exc)]
        if "progress" not in errors:
            self._check_derived_progress(instance, errors)
        self._check_scope(instance, errors)
        if errors:
            raise ValidationError(errors)

    def _check_derived_progress(self, instance: Project, errors: dict) -> None:
        if instance.progress == instance._import_original_progress:
            return
        if instance._import_milestones is not None:
            has_milestones = bool(instance._import_milestones)
        else:
            has_milestones = bool(instance.pk) and Milestone.objects.filter(project_id=instance.pk).exists()
        if has_milestones:
            errors["progress"] = ["该项目有节点，进度按节点加权计算，不能直接修改；请修改节点的完成日期。"]
        elif instance.pk and Project.objects.filter(parent_id=instance.pk).exists():
            errors["progress"] = ["该项目有子项目，进度按子项目加权计算，不能直接修改。"]

    def _check_scope(self, instance: Project, errors: dict) -> None:
        areas = instance._import_m2m.get("areas")
        if areas is None:
            areas = list(instance.areas.all()) if instance.pk else []
        co = instance._import_m2m.get("co_departments")
        if co is None:
            co = list(instance.co_departments.all()) if instance.pk else []
        found = self.scope.project_errors(
            areas=areas,
            lead_department_id=instance.lead_department_id,
            co_department_ids=[d.pk for d in co],
            parent=None,  # ProjectRefWidget already refuses a parent outside the scope
        )
        for field, message in found.items():
            errors.setdefault(field, [message])

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        wanted = instance._import_milestones
        if wanted is None:
            return True
        existing = [MilestoneRow.of(m) for m in original.milestones.all()] if original.pk else []
        return existing == wanted

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # The programme, departments and parent were read from the database by this import (the
        # widgets' lookups): full_clean need not query each again. Blank ones are still checked.
        errors = dict(import_validation_errors or {})
        exclude = set(errors) | {name for name in REFERENCES if getattr(instance, f"{name}_id") is not None}
        try:
            instance.full_clean(exclude=exclude, validate_unique=validate_unique)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def do_instance_save(self, instance, is_create):
        instance._import_is_new = is_create
        project_save(project=instance, refresh=False, references_checked=True)

    def save_m2m(self, instance, row, **kwargs):
        # The values import_instance cleaned and checked, written once each and kept for the diff.
        for name, values in instance._import_m2m.items():
            getattr(instance, name).set(values)
            _cache_related(instance, name, values, M2M_ORDER[name])
        if instance._import_milestones is not None:
            sync_milestones(project=instance, wanted=instance._import_milestones)
        project_refresh_progress(project=instance)

    def import_row(self, row, instance_loader, **kwargs):
        row_result = super().import_row(row, instance_loader, **kwargs)
        if row_result.validation_error is not None:
            row_result.validation_error = self._by_column(row_result.validation_error)
        return row_result

    def _by_column(self, error: ValidationError) -> ValidationError:
        """Name errors by their Chinese column header instead of the model field."""
        if not hasattr(error, "error_dict"):
            return error
        named: dict[str, list] = {}
        for key, messages in error.message_dict.items():
            if key == NON_FIELD_ERRORS:
                column = NON_FIELD_ERRORS
            elif key in COLUMN_OF:
                column = COLUMN_OF[key]
            else:
                try:
                    column = str(Project._meta.get_field(key).verbose_name)
                except Exception:
                    column = key
            named.setdefault(column, []).extend(messages)
        return ValidationError(named)


def excel_row(number: int) -> int:
    """The spreadsheet row of the `number`-th data row (the header is row 1)."""
    return number + 1


def import_errors(result, offset: int = 0) -> list[str]:
    """Readable Chinese lines naming each bad row by its Excel row number and its project's
    title, and the column at fault, of an import result (of rows after the first `offset`)."""
    lines: list[str] = [f"文件错误：{error.error}" for error in result.base_errors]
    headers = list(getattr(result, "diff_headers", []) or [])
    title_at = headers.index(COLUMN_OF["title"]) if COLUMN_OF["title"] in headers else None
    for invalid in result.invalid_rows:
        title = ""
        if title_at is not None and title_at < len(invalid.values):
            value = invalid.values[title_at]
            title = "" if value in (None, "", "---") else str(value).strip()
        row = f"第 {excel_row(invalid.number + offset)} 行" + (f"（{title}）" if title else "")
        for column, messages in invalid.error_dict.items():
            where = row + ("" if column == NON_FIELD_ERRORS else f"“{column}”列")
            lines.append(f"{where}：{'；'.join(messages)}")
    for number, errors in result.row_errors():
        for error in errors:
            lines.append(f"第 {excel_row(number + offset)} 行：{error.error}")
    return lines


@dataclass(frozen=True)
class PreviewRow:
    """One row the import would change, as the preview shows it: its Excel row, its project's
    title and only the columns that change (as import-export's HTML diff)."""

    excel_row: int
    import_type: str
    title: str
    changes: list[tuple[str, str]]


def import_preview(result) -> tuple[list[PreviewRow], int]:
    """The rows an import would add or change, and how many it leaves as they are: a preview
    that fits the screen instead of 26 columns for every row of the sheet."""
    headers = list(result.diff_headers or [])
    changed: list[PreviewRow] = []
    unchanged = 0
    for index, row in enumerate(result.rows):
        if row.import_type == "skip":
            unchanged += 1
            continue
        if row.import_type not in ("new", "update", "delete"):
            continue
        diff = row.diff or []
        changes = [
            (header, html) for header, html in zip(headers, diff, strict=False) if "<ins" in html or "<del" in html
        ]
        title = str(row.row_values.get(COLUMN_OF["title"]) or row.object_repr or "")
        changed.append(PreviewRow(excel_row(index + 1), row.import_type, title, changes))
    return changed, unchanged
