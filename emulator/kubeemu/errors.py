"""API errors rendered as `Status` objects, with the messages kube-apiserver uses."""


class ApiError(Exception):
    """An error the handler turns into an HTTP response with a `Status` body."""

    def __init__(self, code, reason, message, details=None, headers=None):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
        self.headers = headers or {}

    def status(self):
        return status_body(self.code, self.reason, self.message, self.details)


def status_body(code, reason, message, details=None):
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
    }
    # kube-apiserver omits `details` when it has nothing to say (e.g. 401).
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


def _details(rd, name):
    details = {"name": name}
    if rd.group:
        details["group"] = rd.group
    details["kind"] = rd.plural  # the API server puts the resource here, not the kind
    return details


def not_found(rd, name):
    return ApiError(404, "NotFound", f'{rd.qualified} "{name}" not found', _details(rd, name))


def already_exists(rd, name):
    return ApiError(409, "AlreadyExists", f'{rd.qualified} "{name}" already exists',
                    _details(rd, name))


def conflict(rd, name, why="the object has been modified; please apply your changes "
                          "to the latest version and try again"):
    return ApiError(409, "Conflict", f'Operation cannot be fulfilled on {rd.qualified} "{name}": {why}',
                    _details(rd, name))


def invalid(rd, name, causes):
    """`causes` is a list of (field, reason, message) as in field.ErrorList."""
    parts = [f"{field}: {message}" if field else message for field, _, message in causes]
    summary = parts[0] if len(parts) == 1 else "[" + ", ".join(parts) + "]"
    kind = rd.kind + (f".{rd.group}" if rd.group else "")
    details = {"name": name}
    if rd.group:
        details["group"] = rd.group
    details["kind"] = rd.kind
    details["causes"] = [{"reason": reason, "message": message, "field": field}
                         for field, reason, message in causes]
    return ApiError(422, "Invalid", f'{kind} "{name}" is invalid: {summary}', details)


def bad_request(message):
    return ApiError(400, "BadRequest", message)


def method_not_allowed():
    return ApiError(405, "MethodNotAllowed",
                    "the server does not allow this method on the requested resource", {})


def resource_not_found():
    return ApiError(404, "NotFound", "the server could not find the requested resource", {})


def unsupported_media_type(accepted):
    return ApiError(415, "UnsupportedMediaType",
                    "the body of the request was in an unknown format - accepted media types "
                    "include: " + ", ".join(accepted))


def unauthorized():
    return ApiError(401, "Unauthorized", "Unauthorized")


def gone(message):
    return ApiError(410, "Expired", message)


# Reasons kube-apiserver uses for a bare HTTP status (fault injection picks from these).
REASONS = {
    400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
    405: "MethodNotAllowed", 409: "Conflict", 410: "Expired", 415: "UnsupportedMediaType",
    422: "Invalid", 429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable",
    504: "Timeout",
}
