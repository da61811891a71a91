"""Responses carrying personal data are never stored by a browser or a shared cache; control
characters never reach a view; an over-long address or oversized headers answer 414 or 431."""

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

from aidflow.core.fields import CONTROL


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every answer to a signed-in user and on every API answer
    (static files and the public pages are left to their own headers)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


def control_field(request) -> str | None:
    """The first place of a request holding a control character: `path`, a query parameter's
    name, or a form field's name; None when there is none."""
    if CONTROL.search(request.path):
        return "path"
    for key, values in request.GET.lists():
        if CONTROL.search(key) or any(CONTROL.search(value) for value in values):
            return CONTROL.sub("?", key)
    if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
        for key, values in request.POST.lists():
            if CONTROL.search(key) or any(CONTROL.search(value) for value in values):
                return CONTROL.sub("?", key)
    return None


class ControlCharacterMiddleware:
    """400 naming the field for a control character in the path, a query parameter or a form field,
    before any view or query sees it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = control_field(request)
        if field is None:
            return self.get_response(request)
        message = _("Control characters are not allowed here.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": {field: [message]}}, status=400)
        return HttpResponseBadRequest(f"{field}: {message}", content_type="text/plain; charset=utf-8")


# What a request's line and headers may hold. gunicorn (aidflow/gunicorn.py) lets through up to
# twice as much, so a request over these limits reaches this check and answers 414 or 431 itself
# (in JSON on the API) rather than gunicorn's plain "Bad Request".
REQUEST_LINE_LIMIT = 4094
HEADER_FIELD_LIMIT = 8190
HEADERS_TOTAL_LIMIT = 32 * 1024


def request_line_length(request) -> int:
    """`GET /path?query HTTP/1.1` as it came, percent-encoded (gunicorn hands it on as RAW_URI)."""
    uri = request.META.get("RAW_URI") or request.get_full_path()
    return len(request.method or "") + 1 + len(uri) + len(" HTTP/1.1")


def oversized_header(request) -> str | None:
    total = 0
    for key, value in request.META.items():
        if not key.startswith("HTTP_"):
            continue
        size = len(key) + len(str(value))
        total += size
        if size > HEADER_FIELD_LIMIT or total > HEADERS_TOTAL_LIMIT:
            return key[5:].replace("_", "-").title()
    return None


class RequestSizeMiddleware:
    """414 for a request line longer than REQUEST_LINE_LIMIT, 431 for a header field longer than
    HEADER_FIELD_LIMIT or headers over HEADERS_TOTAL_LIMIT: JSON on the API, plain text elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_line_length(request) > REQUEST_LINE_LIMIT:
            status, field = 414, "path"
            message = _("The address is too long: at most %(count)d characters.") % {"count": REQUEST_LINE_LIMIT}
        elif (header := oversized_header(request)) is not None:
            status, field = 431, header
            message = _("The request's headers are too large.")
        else:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": message, "errors": {field: [message]}}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
