"""The error answers every operation can give, added to the OpenAPI schema in one place.

drf-spectacular documents what a view declares; the refusals that come from the framework around it
(a body over the size limit, an unknown field, a page past the end, a staff-only path) would be
missing, and a client reading the schema would not expect them.
"""

ERROR = {
    "type": "object",
    "description": '{"detail": message} or {field: [messages]}.',
    "additionalProperties": True,
}
WORKFLOW_ACTIONS = ("/reopen/", "/rating/", "/transition/", "/reassign/")


def _errors(path: str, method: str, operation: dict) -> dict[str, str]:
    errors = {}
    if operation.get("parameters") or method in ("post", "put", "patch"):
        errors["400"] = "Bad input: the message says which field and why."
    if "{" in path or any(p.get("name") == "page" for p in operation.get("parameters", [])):
        errors["404"] = "No such object (or page), or not one this user may see."
    if "/staff/" in path:
        errors["401"] = "Not signed in."
        errors["403"] = "Signed in, but not PEKA staff (or the role may not do this)."
    if method == "post":
        errors["413"] = "The request body is larger than the site accepts."
        errors["415"] = "Send JSON (or a multipart form where the operation takes a file)."
    if any(action in path for action in WORKFLOW_ACTIONS):
        errors["409"] = "The complaint's status or version does not allow this now: reload it."
    return errors


def document_errors(result, generator, request, public):
    """POSTPROCESSING_HOOKS entry: add the error answers to each operation that lacks them."""
    for path, methods in result.get("paths", {}).items():
        for method, operation in methods.items():
            responses = operation.setdefault("responses", {})
            for status, description in _errors(path, method, operation).items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": ERROR}}}
                )
    return result
