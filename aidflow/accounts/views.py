"""The second step of signing in: enrol an authenticator (QR code, first code, recovery codes) or
enter a code."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from aidflow.accounts.twofactor import enrol_confirm, enrolled, enrolment_device, qr_data_uri, secret_of, verify_session


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/workbench/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/workbench/"


class TwoFactorView(View):
    def get(self, request):
        if request.user.is_verified():
            return redirect(_next(request))
        if not enrolled(request.user):
            device = enrolment_device(request.user)
            context = {"enrol": True, "qr": qr_data_uri(device), "secret": secret_of(device)}
        else:
            context = {"enrol": False}
        return render(request, "registration/two_factor.html", {**context, "next": _next(request)})

    def post(self, request):
        code = request.POST.get("code", "")
        if not enrolled(request.user):
            codes = enrol_confirm(request, code)
            if codes is None:
                device = enrolment_device(request.user)
                context = {"enrol": True, "qr": qr_data_uri(device), "secret": secret_of(device), "wrong": True}
                return render(request, "registration/two_factor.html", {**context, "next": _next(request)}, status=400)
            return render(request, "registration/two_factor.html", {"codes": codes, "next": _next(request)})
        if not verify_session(request, code):
            return render(
                request,
                "registration/two_factor.html",
                {"enrol": False, "wrong": True, "next": _next(request)},
                status=400,
            )
        return redirect(_next(request))
