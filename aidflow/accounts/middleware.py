"""Until the second step is done, a user whose role requires it reaches only that step."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from aidflow.accounts.twofactor import two_factor_required

OPEN_PREFIXES = ("/accounts/two-factor/", "/accounts/logout/", "/accounts/login/", "/static/", "/jsi18n/", "/i18n/")


class TwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
            and two_factor_required(user)
            and not user.is_verified()
        ):
            # Only session sign-ins reach here: API tokens are issued after the second step.
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Complete the two-factor sign-in first."), "errors": {}}, status=403)
            return redirect(f"/accounts/two-factor/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def lockout_response(request, original_response=None, credentials=None):
    """axes' answer to a locked username: JSON on the API, the lockout page elsewhere."""
    from django.conf import settings
    from django.shortcuts import render

    status = 429
    if request.path.startswith("/api/"):
        message = _("Too many failed sign-ins for this username: it is locked for %(hours)d hour(s).") % {
            "hours": settings.AXES_COOLOFF_TIME
        }
        return JsonResponse({"detail": message, "errors": {}}, status=status)
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, {"cooloff_time": settings.AXES_COOLOFF_TIME}, status=status)
