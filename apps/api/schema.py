"""OpenAPI pieces shared by the views: the error responses every operation documents."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, OpenApiResponse

from apps.api.serializers import ErrorSerializer

ERROR_TEXT = {
    400: "请求参数或请求体有误，`fields` 指出具体字段 / Bad input; `fields` names the parameters",
    401: "接口密钥无效、已吊销或缺失 / Missing, invalid or revoked API key",
    403: "密钥的权限范围不允许该操作 / The key's scope does not allow this",
    404: "不存在或无权查看（含超出范围的页码） / Not found, not visible to you, or page out of range",
    409: "当前状态不允许该操作（如已办结的诉求不能再签收） / Not allowed in the current workflow status",
    415: "请求体须为 JSON / The body must be JSON",
    429: "请求过于频繁，请按 Retry-After 稍后再试 / Rate limit hit; retry after Retry-After seconds",
}

EXAMPLE = {
    400: {"code": "invalid", "message": "status: “x” 不是合法选项。", "fields": {"status": ["“x” 不是合法选项。"]}},
    401: {"code": "authentication_failed", "message": "接口密钥无效或已吊销。", "fields": {}},
    403: {"code": "permission_denied", "message": "此接口密钥的权限范围不能执行该操作。", "fields": {}},
    404: {"code": "not_found", "message": "未找到。", "fields": {}},
    409: {
        "code": "conflict",
        "message": "诉求 QS-2026-000123 当前状态为“已办结”，不能执行“签收”（可执行：评价、回访）。",
        "fields": {},
        "allowed_actions": ["rate", "revisit"],
    },
    415: {"code": "unsupported_media_type", "message": "不支持请求中的媒体类型 “text/plain”。", "fields": {}},
    429: {"code": "throttled", "message": "请求超过了限速。", "fields": {}},
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """Error responses for an operation; 400 (a repeated query parameter), 401 (a bad key) and 429
    (the rate limit) apply everywhere."""
    all_codes = sorted({400, 401, 429, *codes})
    return {
        code: OpenApiResponse(
            ErrorSerializer,
            description=ERROR_TEXT[code],
            examples=[OpenApiExample(f"error{code}", value={"error": EXAMPLE[code]}, response_only=True)],
        )
        for code in all_codes
    }


DESCRIPTION = """
泉山区“六心工程”民生项目与群众诉求开放接口。 / Open API of Quanshan District's livelihood projects
and residents' requests.

**认证 / Authentication.** 公开数据无需密钥。写操作和工作人员视图需要接口密钥：
`Authorization: Api-Key <key>`（或 `X-API-Key: <key>`）。密钥由区级工作人员在管理后台（开放接口 → 接口密钥）
或用 `python manage.py create_api_key NAME --scope SCOPE [--department CODE] [--area CODE]` 创建，只在创建时显示
一次。权限范围：`read_private`（全区只读，含个人信息）、`submit`（提交诉求，如 12345 平台）、`dispatch`（派单：
全区或一个街道的受理、派单、督办、延期审批、回访、重办、解释说明、合并）、`department`（责任单位：查看并办理本单位
承办或协办的诉求，发布本单位牵头项目的进展）。 / Public data needs no key. Writes and the officials' view need
an API key, created in the admin or with `create_api_key`, shown once. Scopes: `read_private` (read everything
district-wide, personal data included), `submit` (create requests), `dispatch` (the dispatcher's steps, district-wide
or in one 街道 with `--area`), `department` (read and handle its own requests and those it co-handles, post updates
to projects it leads). A wrong or revoked key is a 401. 完整的办理示例 / A worked example of every workflow step:
`docs/api/closed-loop.md`.

**个人信息 / Personal data.** 匿名调用只能看到已公开诉求的脱敏信息（姓名如 张*，位置到社区/小区），
不含电话、联系方式、具体地址和坐标；导出同样如此。 / Anonymous callers get published requests only, masked;
exports likewise.

**分页 / Pagination.** `page`（从 1 开始）和 `page_size`（默认 20，最大 200，更大按 200 处理）。
页码只能翻到列表前 10000 条（LIST_MAX_ROWS）以内，任何一页都与第一页一样快；超过时 `count` 为数据库的估计数，
`count_exact` 为 false，更早的数据请用 `submitted_before`、`year` 或 `updated_since` 缩小范围。 /
`page` from 1 and `page_size` (default 20, at most 200; larger values are capped). Pages reach the first
10,000 rows of a list (LIST_MAX_ROWS), so every page is as fast as the first; beyond, `count` is the database's
estimate and `count_exact` is false: reach older rows with `submitted_before`, `year` or `updated_since`.

**限速 / Rate limits.** 有密钥按密钥计，无密钥按 IP 计；超出返回 429 和 `Retry-After`。 / Per key for
authenticated clients, per IP otherwise; over the limit: 429 with `Retry-After`.

**错误 / Errors.** 所有错误同一格式 / Every error has one shape:
`{"error": {"code": "...", "message": "...", "fields": {"param": ["..."]}}}` — 400 参数或请求体有误（同一参数
重复或为空也是 400）, 401 密钥无效, 403 范围不允许, 404 不存在, 405 方法不支持, 409 当前状态不允许该办理操作
（`allowed_actions` 列出可执行的操作 / lists the actions the state allows）, 415 请求体不是 JSON, 429 限速。

**时间 / Times.** ISO 8601，带时区（默认 +08:00）；日期为 `YYYY-MM-DD`。金额单位为万元。 / ISO 8601 with
zone; dates `YYYY-MM-DD`; money in 10,000 CNY.
"""

TAGS = [
    {"name": "root", "description": "接口目录 / Links to every resource"},
    {"name": "programmes", "description": "六心板块，以代码标识 / The six programmes, identified by code"},
    {"name": "areas", "description": "区域树：区、街道、社区、小区 / The area tree"},
    {"name": "departments", "description": "责任单位 / Departments"},
    {"name": "projects", "description": "民生项目、进展与导出 / Projects, progress updates and exports"},
    {"name": "requests", "description": "群众诉求：公开列表、提交、办理与导出 / Residents' requests"},
    {
        "name": "reply-templates",
        "description": "办理步骤的答复模板，按步骤、问题分类和诉求类型 / Reply templates per step, class and type",
    },
    {"name": "stats", "description": "首页数字与三率 / Dashboard figures and the three rates"},
    {"name": "proposals", "description": "民生实事征集与人大代表票决 / Proposals and the deputies' vote"},
    {"name": "monthly-topics", "description": "每月一题及选题前后每月诉求件数 / Monthly topics and their counts"},
    {
        "name": "webhooks",
        "description": "Webhook 订阅与推送记录（Standard Webhooks 签名） / Webhook subscriptions, signed per "
        "Standard Webhooks, and their delivery log",
    },
]


def document_retry_after(result: dict, generator, request, public) -> dict:
    """Spectacular post-processing hook: every 429 carries the Retry-After header."""
    header = {
        "Retry-After": {
            "description": "可重试前的秒数 / Seconds to wait before retrying",
            "schema": {"type": "integer"},
        }
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            throttled = operation.get("responses", {}).get("429") if isinstance(operation, dict) else None
            if throttled is not None:
                throttled["headers"] = header
    return result
