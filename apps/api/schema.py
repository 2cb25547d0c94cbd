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
    400: {"code": "invalid", "message": "请求参数有误，请检查各字段。", "fields": {"status": ["“x” 不是合法选项。"]}},
    401: {"code": "authentication_failed", "message": "接口密钥无效或已吊销。", "fields": {}},
    403: {"code": "permission_denied", "message": "此接口密钥的权限范围不能执行该操作。", "fields": {}},
    404: {"code": "not_found", "message": "未找到。", "fields": {}},
    409: {"code": "conflict", "message": "诉求 QS-2026-000123 当前状态为“已办结”，不能执行“签收”。", "fields": {}},
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
