"""OpenAPI schema additions that hold for every operation (a drf-spectacular post-processing hook).

Every operation answers 401 without a valid token and 403 for a role that may not call it; a
list answers 400 for a bad filter or page size and 404 for a page beyond the last; an operation
with a path parameter or a request body answers 404 / 400, a body of another content type 415
(docs/interfaces.md §5). Documenting them once
here keeps the schema true for every endpoint, including new ones, so that schemathesis'
status-code conformance holds."""

ERROR_COMPONENT = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "codes": {"type": "array", "items": {"type": "string"}},
    },
    "additionalProperties": True,
    "description": "`detail` for a refusal; for bad input each field with its list of errors.",
}
DESCRIPTIONS = {
    "400": "Bad input: each field (or query parameter) with its errors.",
    "401": "No valid token.",
    "403": "The caller's role may not do this.",
    "404": "Not found, or outside the caller's scope (never 403, so that scope does not leak existence).",
    "415": "The body's content type is not one this operation reads.",
}
METHODS = ("get", "post", "put", "patch", "delete")


def add_error_responses(result: dict, generator, request, public) -> dict:
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault(ERROR_COMPONENT, ERROR_SCHEMA)
    reference = {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_COMPONENT}"}}}
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            names = {parameter.get("name") for parameter in operation.get("parameters", [])}
            wanted = {"401", "403"}
            if "page" in names or "{" in path:
                wanted.add("404")
            if "requestBody" in operation:
                wanted |= {"400", "415"}
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                wanted.add("400")
            if "{" in path and any(
                p.get("in") == "path" and "pattern" in p.get("schema", {}) for p in operation.get("parameters", [])
            ):
                wanted.add("400")
            responses = operation.setdefault("responses", {})
            for status in sorted(wanted):
                responses.setdefault(status, {"description": DESCRIPTIONS[status], "content": reference})
    return result
