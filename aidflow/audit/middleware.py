"""Make the client's address available to audit events written while serving a request."""

from aidflow.audit.services import client_address
from aidflow.core.clients import LOGIN_WINDOW, client_ip, window_peek


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = client_address.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)


# Where people sign in: a POST here from an address with too many recent failures is refused.
LOGIN_PATHS = ("/accounts/login/", "/admin/login/", "/api/v1/auth/token/")


class LoginAddressLimitMiddleware:
    """Per-address limit on failed sign-ins, beside axes' per-username lockout: one address trying
    many usernames (password spraying) is stopped too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path in LOGIN_PATHS:
            from django.conf import settings

            if window_peek("login-failed", client_ip(request), LOGIN_WINDOW) >= settings.LOGIN_ADDRESS_LIMIT:
                return login_refused(request)
        return self.get_response(request)


def login_refused(request):
    from django.http import HttpResponse, JsonResponse
    from django.utils.translation import gettext as _

    message = _("Too many failed sign-ins from this address: wait 15 minutes.")
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message, "errors": {}}, status=429)
    else:
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(LOGIN_WINDOW)
    return response
