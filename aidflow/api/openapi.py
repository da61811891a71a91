"""The OpenAPI schema completed with what every operation shares, so that a generated client can rely
on it: the error answers every operation can give, and the fields every answer always carries.

A drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]). Answers that
depend on one operation (a 409 and why, a 422, a 429 of a throttled endpoint) are declared on the
view; this fills in the ones that follow from the operation's shape:

- 401 wherever a sign-in is needed (no token, an expired or revoked one);
- 403 wherever a role is needed (a signed-in user without a role is refused);
- 404 wherever the path names an object, and on every paginated list (a page past the end);
- 400 and 413 wherever there is a request body (not JSON, not an object, larger than allowed);
- 400 wherever the path or the query takes text: a control character (a NUL) in it is refused.

Every property of an answer's schema is marked required: DRF writes every field of a serializer on
every answer (absent values as null, which the schema marks nullable).
"""

from __future__ import annotations

ERROR_REF = {"$ref": "#/components/schemas/Error"}

DESCRIPTIONS = {
    "400": "Invalid input: a message per field",
    "401": "Not signed in: no token, or the token expired or was revoked",
    "403": "The role may never take this action",
    "404": "Not found, or outside the user's scope",
    "413": "The request body is larger than the server accepts",
}


def _error(code: str, description: str | None = None) -> dict:
    return {"description": description or DESCRIPTIONS[code], "content": {"application/json": {"schema": ERROR_REF}}}


def _needs_sign_in(operation: dict) -> bool:
    security = operation.get("security", [])
    return bool(security) and {} not in security


def _complete_operation(path: str, operation: dict) -> None:
    if operation.get("security") == [{}]:
        operation["security"] = []  # anonymous only: a client calls it without credentials
    responses = operation.setdefault("responses", {})
    parameters = operation.get("parameters", [])
    if _needs_sign_in(operation):
        responses.setdefault("401", _error("401"))
        responses.setdefault("403", _error("403"))
    if "{" in path:
        responses.setdefault("404", _error("404"))
    if any(parameter.get("name") == "page" and parameter.get("in") == "query" for parameter in parameters):
        responses.setdefault("404", _error("404", "Not found: the page is past the last one"))
    if "requestBody" in operation:
        responses.setdefault("400", _error("400"))
        responses.setdefault("413", _error("413"))
    if "{" in path or any(parameter.get("in") == "query" for parameter in parameters):
        responses.setdefault("400", _error("400", "Invalid input, or a control character in the path or the query"))
    for code, response in responses.items():
        if code.startswith(("4", "5")) and not response.get("content"):
            response["content"] = {"application/json": {"schema": ERROR_REF}}
    operation["responses"] = dict(sorted(responses.items()))


def _is_answer(name: str) -> bool:
    return not name.endswith("Request") and not name.startswith("Patched")


def complete_schema(result, generator, request, public):
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            _complete_operation(path, operation)
    for name, schema in result.get("components", {}).get("schemas", {}).items():
        if _is_answer(name) and schema.get("type") == "object" and schema.get("properties"):
            schema["required"] = sorted(schema["properties"])
    return result
