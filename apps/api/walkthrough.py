"""One request walked through the whole 12345 loop over the REST API, and the document it writes.

`walk()` creates the places, departments and API keys it needs (the keys through the
`create_api_key` command, as an operator would), then sends every step as real HTTP requests
through Django's test client, so each response in `docs/api/closed-loop.md` is one the API
actually gave. `render()` writes that document; `manage.py api_walkthrough` does both, and
`tests/api/test_walkthrough.py` runs the walk again and checks every step still answers as the
document says.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.utils import timezone

from apps.appeals.models import Appeal
from apps.common.workdays import add_working_days
from apps.places.models import Area, AreaLevel, Department, DepartmentKind
from apps.places.services import area_create

DOC_PATH = "docs/api/closed-loop.md"
# Responses are shown whole up to this many top-level fields; longer ones keep the fields the
# step is about and mark the rest as left out.
ALWAYS_SHOWN = ("id", "tracking_no", "status", "status_label", "department")
SHOWN_WHOLE = 12
HOST = "localhost"


@dataclass
class Key:
    name: str  # who holds it, as the placeholder in the document names it
    raw: str


@dataclass
class Step:
    title: str  # 签收 / sign
    sentence: str  # one Chinese and one English sentence
    method: str
    path: str  # with the real ids
    path_template: str  # with {A}, {B} for the requests: what the test compares
    key: Key | None
    body: dict | None
    status: int
    response: Any
    shown: tuple[str, ...] = ()  # the response fields this step is about
    last_events: int = 1  # how many of the timeline's last events to show

    @property
    def action(self) -> str:
        return (self.body or {}).get("action", "")

    @property
    def summary(self) -> str:
        """The line the test compares: method, path, action, status."""
        action = f" {self.action}" if self.action else ""
        return f"{self.method} {self.path_template}{action} → {self.status}"


@dataclass
class Walk:
    client: Client
    keys: dict[str, Key] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    ids: dict[int, str] = field(default_factory=dict)  # request id → its name in paths ({A})

    def call(
        self,
        title: str,
        sentence: str,
        method: str,
        path: str,
        *,
        key: str | None,
        body: dict | None = None,
        query: dict | None = None,
        shown: tuple[str, ...] = (),
        last_events: int = 1,
    ) -> Any:
        api_key = self.keys[key] if key else None
        headers = {"HTTP_AUTHORIZATION": f"Api-Key {api_key.raw}"} if api_key else {}
        if method == "GET":
            response = self.client.get(path, query or {}, secure=True, HTTP_HOST=HOST, **headers)
            path = f"{path}?{urlencode(query)}" if query else path
        else:
            response = self.client.post(
                path, json.dumps(body), content_type="application/json", secure=True, HTTP_HOST=HOST, **headers
            )
        data = response.json()
        template = re.sub(r"/requests/(\d+)/", lambda m: f"/requests/{{{self.ids.get(int(m[1]), 'id')}}}/", path)
        self.steps.append(
            Step(title, sentence, method, path, template, api_key, body, response.status_code, data, shown, last_events)
        )
        return data

    def step(self, appeal_id: int, title: str, sentence: str, *, key: str, shown: tuple[str, ...] = (), **body):
        return self.call(
            title,
            sentence,
            "POST",
            f"/api/v1/requests/{appeal_id}/transitions/",
            key=key,
            body=body,
            shown=shown,
        )


# --- the places, departments and keys the walk needs -------------------------------------------


def _area(name: str, level: int, code: str, parent: Area | None) -> Area:
    found = Area.objects.filter(Q(code=code) | Q(name=name, level=level)).first()
    return found or area_create(name=name, level=level, code=code, parent=parent)


def _department(code: str, name: str, kind: str) -> Department:
    found = Department.objects.filter(Q(code=code) | Q(name=name)).first()
    return found or Department.objects.create(code=code, name=name, kind=kind)


def _key(name: str, *args: str) -> Key:
    """A key made as an operator makes one: `manage.py create_api_key NAME --scope ...`."""
    out = io.StringIO()
    call_command("create_api_key", name, *args, stdout=out)
    return Key(name=name, raw=out.getvalue().strip().split()[-1])


def _setup(walk: Walk) -> dict[str, Any]:
    district = _area("泉山区", AreaLevel.DISTRICT, "320311000000", None)
    kuishan = _area("奎山街道", AreaLevel.SUBDISTRICT, "320311004000", district)
    community = _area("奎园社区", AreaLevel.COMMUNITY, "320311004001", kuishan)
    gas = _department("huarun-gas", "华润燃气", DepartmentKind.COMPANY)
    housing = _department("zhujian", "区住房和城乡建设局", DepartmentKind.BUREAU)
    walk.keys = {
        "hotline": _key("12345 热线平台", "--scope", "submit", "--channel", "hotline"),
        "kuishan": _key("奎山街道派单", "--scope", "dispatch", "--area", kuishan.code),
        "district": _key("区12345办派单", "--scope", "dispatch"),
        "gas": _key("华润燃气工单系统", "--scope", "department", "--department", gas.code),
        "housing": _key("住建局工单系统", "--scope", "department", "--department", housing.code),
    }
    return {"community": community, "gas": gas, "housing": housing}


def _date(moment: str, working_days: int) -> str:
    """A date `working_days` after an API time (the deadlines a step asks for are dates)."""
    when = timezone.localtime(datetime.fromisoformat(moment))
    return timezone.localtime(add_working_days(when, working_days)).date().isoformat()


# --- the walk ----------------------------------------------------------------------------------


def walk(client: Client | None = None) -> list[Step]:
    """Send every step of the loop; return them in order with the API's answers."""
    w = Walk(client or Client())
    places = _setup(w)
    submission = {
        "external_id": f"12345-{timezone.now():%Y%m%d%H%M%S%f}",
        "type": "help",
        "area": places["community"].pk,
        "title": "楼道里有燃气味",
        "content": "奎园社区3号楼2单元楼道里燃气味很重，已经两天了，担心有危险。",
        "location_text": "奎园社区3号楼2单元",
        "submitter_name": "王秀英",
        "submitter_phone": "13812345678",
        "consent_to_publish": True,
    }
    a = w.call(
        "提交诉求 / submit",
        "12345 平台用“提交”密钥推送一件诉求；正文提到燃气，系统建议“紧急”。 / The hotline pushes a request with "
        "its submit key; the text names gas, so 紧急 is suggested.",
        "POST",
        "/api/v1/requests/",
        key="hotline",
        body=submission,
    )
    w.ids[a["id"]] = "A"
    a_id, a_no = a["id"], a["tracking_no"]
    dup = w.call(
        "再次提交 / a second request",
        "同一楼道的邻居又打了一次 12345，成为另一件诉求。 / A neighbour calls about the same stairwell: a second "
        "request.",
        "POST",
        "/api/v1/requests/",
        key="hotline",
        body={
            **submission,
            "external_id": submission["external_id"] + "-2",
            "submitter_name": "李建国",
            "submitter_phone": "13912345678",
            "title": "3号楼燃气味",
        },
    )
    w.ids[dup["id"]] = "B"
    w.step(
        a_id,
        "受理 / accept (urgency, category)",
        "奎山街道的派单密钥受理，确认“紧急”（时限按紧急件重算）并归类为 燃气安全 › 燃气泄漏。 / 奎山街道's dispatch "
        "key accepts, confirms 紧急 (the deadlines become an urgent request's) and classes it as a gas leak.",
        key="kuishan",
        action="accept",
        urgency="urgent",
        category="090201",
        note="电话核实，楼道内燃气味明显",
        shown=("urgency", "category", "response_due", "resolve_due"),
    )
    w.step(
        a_id,
        "派单 / assign (lead and co-departments)",
        "派给华润燃气主办，区住建局协办；协办单位各有自己的回复时限。 / Assigned to 华润燃气 as lead with the "
        "housing bureau as co-department; each co-department gets its own deadline.",
        key="kuishan",
        action="assign",
        department=places["gas"].code,
        co_departments=[places["housing"].code],
        note="燃气管道由华润燃气负责，楼道改造由住建局配合",
        shown=("co_assignments",),
    )
    w.step(
        dup["id"],
        "合并重复件 / merge",
        "第二件并入第一件（以受理编号指明），以关闭的重复件结束；其诉求人跟随主诉求的进展。 / The second request "
        "is merged into the first by tracking number; it closes as a duplicate and its resident follows the main one.",
        key="kuishan",
        action="merge",
        into=a_no,
        note="同一楼道同一问题",
        shown=("merged_into", "public_reply", "closed_at"),
    )
    w.step(
        a_id,
        "拒绝：非承办单位 / refused: not the lead unit (403)",
        "协办单位的密钥不能签收主办单位的诉求。 / A co-department's key may not sign for the lead's request.",
        key="housing",
        action="sign",
    )
    w.step(
        a_id,
        "拒绝：超出密钥范围 / refused: not the key's scope (403)",
        "责任单位的密钥不能办理派单方的步骤，例如督办。 / A department key cannot take a dispatcher's step such as "
        "督办.",
        key="gas",
        action="supervise",
        level="general",
        answer_by=(timezone.localdate() + timedelta(days=2)).isoformat(),
    )
    w.step(
        a_id,
        "签收 / sign",
        "华润燃气用本单位的密钥签收。 / 华润燃气 signs with its own key.",
        key="gas",
        action="sign",
        note="已派抢修人员",
    )
    w.step(
        a_id,
        "拒绝：状态不允许 / refused: wrong state (409)",
        "已签收的诉求不能再签收；409 的 `allowed_actions` 列出当前可执行的操作。 / A signed request cannot be signed "
        "again; the 409 lists the actions the state allows.",
        key="gas",
        action="sign",
    )
    w.step(
        a_id,
        "协办签收 / co_sign",
        "住建局作为协办单位签收本单位的协办任务。 / The housing bureau signs for its part as co-department.",
        key="housing",
        action="co_sign",
        note="已安排改造项目组配合",
        shown=("co_assignments",),
    )
    w.step(
        a_id,
        "协办回复 / co_reply",
        "住建局作为协办单位回复协办意见。 / The housing bureau, as co-department, records its contribution.",
        key="housing",
        action="co_reply",
        note="该楼属老旧小区改造范围，将配合更换楼道内燃气立管",
        shown=("co_assignments",),
    )
    answer_by = (timezone.localdate() + timedelta(days=2)).isoformat()
    w.step(
        a_id,
        "督办 / supervise",
        "街道对这件紧急件重点督办，要求两天内答复。 / The 街道 puts the urgent request under key supervision and "
        "asks for an answer within two days.",
        key="kuishan",
        action="supervise",
        level="key",
        note="涉及燃气安全，请加快处置",
        answer_by=answer_by,
        shown=("supervision", "supervision_due", "supervision_answered_at"),
    )
    w.step(
        a_id,
        "督办回复 / answer_supervision",
        "承办单位回复督办。 / The unit answers the supervision.",
        key="gas",
        action="answer_supervision",
        note="已关闭楼栋阀门，正在更换老化管段",
        shown=("supervision", "supervision_due", "supervision_answered_at"),
    )
    resolve_due = w.steps[-1].response["resolve_due"]
    w.step(
        a_id,
        "申请延期 / request_extension",
        "承办单位申请延期，写明日期和原因。 / The unit asks for a later deadline, with a date and a reason.",
        key="gas",
        action="request_extension",
        until=_date(resolve_due, 5),
        reason="需入户检测并更换立管，须与住建局改造施工衔接",
        shown=("resolve_due", "extension_until", "extension_reason", "extensions"),
    )
    w.step(
        a_id,
        "不批准延期 / refuse_extension",
        "派单方不批准，并说明理由。 / The dispatcher refuses, saying why.",
        key="kuishan",
        action="refuse_extension",
        note="燃气隐患须尽快消除，请缩短工期",
        shown=("resolve_due", "extension_until", "extension_reason", "extensions"),
    )
    w.step(
        a_id,
        "再次申请延期 / request_extension again",
        "承办单位以更短的日期再次申请。 / The unit asks again for a shorter delay.",
        key="gas",
        action="request_extension",
        until=_date(resolve_due, 2),
        reason="立管更换需停气施工，已与住户约定时间",
        shown=("resolve_due", "extension_until", "extension_reason", "extensions"),
    )
    w.step(
        a_id,
        "批准延期 / approve_extension",
        "派单方批准，办结时限移到申请的日期。 / The dispatcher approves: the resolve deadline moves to the date "
        "asked for.",
        key="kuishan",
        action="approve_extension",
        note="同意",
        shown=("resolve_due", "extension_until", "extension_reason", "extensions"),
    )
    w.step(
        a_id,
        "办结 / resolve",
        "承办单位办结，并写公开答复。 / The unit resolves the request with a public reply.",
        key="gas",
        action="resolve",
        reply="已更换3号楼2单元老化燃气立管并检测合格，楼道内已无燃气味。",
        shown=("public_reply", "resolved_at"),
    )
    w.step(
        a_id,
        "回访 / revisit",
        "派单方电话回访，记录诉求人的两个回答：未解决、不满意；诉求转回派单方研判。 / The dispatcher records a phone "
        "callback — not solved, unsatisfied — and the request comes back to it for review.",
        key="kuishan",
        action="revisit",
        solved="no",
        rating="unsatisfied",
        comment="楼道里还是有味道",
        shown=("solved", "rating", "rating_comment", "closure"),
    )
    w.step(
        a_id,
        "重办 / reopen",
        "派单方决定重办：退回承办单位，重新计算时限，并告知诉求人。 / The dispatcher reopens it: back to the unit "
        "with a new deadline, and the resident is told.",
        key="kuishan",
        action="reopen",
        note="回访反映仍有异味，请复查",
        reply="您反映的问题已要求承办单位重新办理。",
        shown=("reopen_count", "resolve_due", "public_reply"),
    )
    w.step(
        a_id,
        "代办签收 / sign as 代办 (proxy_reason)",
        "华润燃气的系统故障，区级派单密钥代为签收，须写代办原因；办理记录单独记下代办。 / 华润燃气's system is down: "
        "the district-wide dispatch key signs for it as 代办, with a reason, recorded apart.",
        key="district",
        action="sign",
        proxy_reason="华润燃气工单系统故障，电话确认后代为签收",
    )
    w.step(
        a_id,
        "重办后办结 / resolve (reopened)",
        "承办单位复查后再次办结。 / The unit checks again and resolves.",
        key="gas",
        action="resolve",
        reply="经复查，异味来自相邻住户自行改装的灶具软管，已上门告知并协助更换。",
        shown=("public_reply", "resolved_at"),
    )
    w.step(
        a_id,
        "再次回访 / revisit again",
        "诉求人认为部分解决，仍不满意。 / The resident finds it partly solved and is still unsatisfied.",
        key="kuishan",
        action="revisit",
        solved="partly",
        rating="unsatisfied",
        comment="希望整栋楼都检查一遍",
        shown=("solved", "rating", "closure"),
    )
    w.step(
        a_id,
        "解释说明后关闭 / close_explained",
        "派单方以解释说明关闭，理由和说明公开。 / The dispatcher closes it with a public explanation and its reason.",
        key="kuishan",
        action="close_explained",
        reason="beyond",
        reply="整栋楼入户安检属华润燃气年度安检计划，已列入本季度安排，届时将逐户通知。",
        shown=("closure", "closed_at", "public_reply"),
    )
    w.call(
        "私密详情 / private detail",
        "派单密钥读取诉求详情：完整办理记录，每一步的全部字段（含内部备注、原因、期限、代办原因、分类）。 / The "
        "dispatch key reads the request: every event with every field (notes, reasons, deadlines, 代办, class).",
        "GET",
        f"/api/v1/requests/{a_id}/",
        key="kuishan",
        shown=("urgency", "category", "reopen_count", "extensions", "closure", "co_assignments"),
        last_events=3,
    )
    category = Appeal.objects.filter(pk=a_id).values_list("category__code", flat=True).first()
    w.call(
        "答复模板 / reply templates",
        "办结前，承办单位可取适用于本诉求分类和类型的答复模板，补充“……”处后作为 reply 发送。 / Before resolving, the "
        "unit can fetch the reply templates for the request's class and type and fill in the “……” before sending.",
        "GET",
        "/api/v1/reply-templates/",
        key="gas",
        query={"step": "resolve", "category": category, "type": submission["type"]},
    )
    return w.steps


# --- the document ------------------------------------------------------------------------------

INTRO = """# 12345 闭环办理：每个操作一次调用 / The 12345 closed loop, one API call per action

本文由 `python manage.py api_walkthrough` 在新数据库上生成：一件诉求经由真实的 HTTP 请求走完整个办理闭环，
下面每一步的请求和响应都是接口实际的返回（较长的响应只保留与该步有关的字段，省略处以 “…” 标出）。
`tests/api/test_walkthrough.py` 重新走一遍，并核对每一步的状态码与本文一致。 /
Generated by `python manage.py api_walkthrough` on a fresh database: one request walked through the whole
loop with real HTTP requests; every response below is the API's own (long ones keep the fields the step is
about, and mark what is left out with “…”). `tests/api/test_walkthrough.py` walks it again and checks each
step still answers with the status shown here.

所有办理操作都是 `POST /api/v1/requests/<id>/transitions/`，请求体的 `action` 指明操作；成功时返回诉求的私密详情。
密钥以 `create_api_key` 创建 / Every step is `POST /api/v1/requests/<id>/transitions/` with the `action` in the
body; on success the answer is the request's private detail. The keys were made with `create_api_key`:

```sh
python manage.py create_api_key "12345 热线平台" --scope submit --channel hotline
python manage.py create_api_key 奎山街道派单 --scope dispatch --area 320311004000   # one 街道's dispatcher
python manage.py create_api_key 区12345办派单 --scope dispatch                       # the whole district
python manage.py create_api_key 华润燃气工单系统 --scope department --department huarun-gas
python manage.py create_api_key 住建局工单系统 --scope department --department zhujian
```

`Authorization: Api-Key <…>` names which of these keys made the call.

The request is {A} below, the duplicate {B}; the real ids and tracking numbers are in the calls.
"""


def _trim(step: Step) -> Any:
    data = step.response
    if not isinstance(data, dict) or "error" in data or "results" in data or len(data) <= SHOWN_WHOLE:
        return data
    keep = [*ALWAYS_SHOWN, *step.shown]
    shown: dict[str, Any] = {k: data[k] for k in keep if k in data}
    if "events" in data:
        events = data["events"]
        left = len(events) - step.last_events
        shown["events"] = [f"… 前 {left} 条从略 / {left} earlier left out", *events[left:]] if left > 0 else events
    if len(shown) < len(data):
        shown["…"] = f"其余 {len(data) - len(shown)} 个字段从略 / {len(data) - len(shown)} more fields left out"
    return shown


def render(steps: list[Step]) -> str:
    lines = [INTRO, "## Steps", ""]
    lines += [f"{n}. `{s.summary}` — {s.title}" for n, s in enumerate(steps, 1)]
    for n, s in enumerate(steps, 1):
        lines += ["", f"## {n}. {s.title}", "", s.sentence, "", "```http", f"{s.method} {s.path}"]
        if s.key is not None:
            lines.append(f"Authorization: Api-Key <{s.key.name}>")
        if s.body is not None:
            lines += ["Content-Type: application/json", "", json.dumps(s.body, ensure_ascii=False, indent=2)]
        lines += ["```", "", f"→ **{s.status}**", "", "```json"]
        lines += [json.dumps(_trim(s), ensure_ascii=False, indent=2), "```"]
    return "\n".join(lines) + "\n"


SUMMARY_LINE = re.compile(r"^\d+\. `(?P<summary>[^`]+)` — ", re.MULTILINE)
RESPONSE = re.compile(r"^→ \*\*\d+\*\*\n\n```json\n(?P<json>.*?)\n```$", re.MULTILINE | re.DOTALL)


def documented_steps(document: str) -> list[str]:
    """The steps a rendered document lists, as `Step.summary` lines."""
    return SUMMARY_LINE.findall(document)


def documented_responses(document: str) -> list[Any]:
    """The responses a rendered document shows, in order, as trimmed."""
    return [json.loads(match) for match in RESPONSE.findall(document)]


def shown_response(step: Step) -> Any:
    """A step's response as the document shows it."""
    return _trim(step)
