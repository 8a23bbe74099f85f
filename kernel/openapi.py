"""OpenAPI post-processing: every operation documents the errors the API really returns.

drf-spectacular documents the success response of each operation; the portal's API also answers
400 (a field or filter the user got wrong), 401/403 (not signed in, or the role may not) and 404
(outside the user's scope, a page past the end, or no such address). Clients — and the
schemathesis fuzzing test (tests/test_api_fuzzing.py) — rely on the schema listing them.
"""

ERROR_SCHEMA = {
    "type": "object",
    "description": "错误说明：`detail` 为一句话说明，或字段名 → 错误列表。",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}

ERRORS = {
    "400": "请求有误（字段或筛选条件不合法）",
    "401": "未登录或令牌无效",
    "403": "无权执行此操作",
    "404": "记录不存在或不在您的查看范围内",
}


def document_error_responses(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: add the shared error responses to every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Error"] = ERROR_SCHEMA
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result
