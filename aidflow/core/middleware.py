"""Responses carrying personal data are never stored by a browser or a shared cache; control
characters never reach a view."""

from django.http import HttpResponseBadRequest, JsonResponse
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
