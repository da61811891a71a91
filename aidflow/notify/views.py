"""The public status page (/status/): no login, a fixed per-address limit, nothing personal."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View

from aidflow.core.clients import client_ip, window_count
from aidflow.notify.status import status_lookup


@method_decorator(login_not_required, name="dispatch")
class StatusView(View):
    """A form for the number and the status code; with both, the case's stage, due date and outcome.
    An unknown number and a wrong code get the same page with the same status (404)."""

    def get(self, request):
        number = (request.GET.get("number") or "").strip()[:40]
        code = (request.GET.get("code") or "").strip()[:40]
        # The answer never echoes what was typed: a wrong code and an unknown number read the same.
        context = {"asked": bool(number or code)}
        if not context["asked"]:
            return render(request, "notify/status.html", context)
        # Only look-ups count against the address's limit, the empty form does not.
        if window_count("status", client_ip(request), 60) > settings.STATUS_LOOKUPS_PER_MINUTE:
            response = render(request, "notify/status.html", {**context, "throttled": True}, status=429)
            response["Retry-After"] = "60"
            return response
        if not number or not code:
            context["incomplete"] = True
            return render(request, "notify/status.html", context, status=400)
        context["result"] = status_lookup(number=number, code=code)
        return render(request, "notify/status.html", context, status=200 if context["result"] else 404)
