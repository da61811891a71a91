"""Notice screens: the public verification page and the permission-checked PDF download."""

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from aidflow.audit.services import audit_record
from aidflow.cases import services as case_services
from aidflow.downloads import attachment
from aidflow.notices.models import Notice
from aidflow.notices.services import notice_verification

VERIFY_LIMIT_PER_MINUTE = 30


def rate_limited(request, scope: str, limit: int) -> bool:
    """A fixed one-minute window per client address; True when over the limit."""
    key = f"ratelimit:{scope}:{request.META.get('REMOTE_ADDR', '')}"
    if cache.add(key, 1, timeout=60):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60)
        return False


@method_decorator(login_not_required, name="dispatch")
class VerifyView(View):
    """Anyone holding a notice can check it here: the page shows the masked facts and the PDF's hash."""

    def get(self, request, code):
        if rate_limited(request, "verify", VERIFY_LIMIT_PER_MINUTE):
            return render(request, "notices/verify.html", {"throttled": True}, status=429)
        result = notice_verification(code)
        return render(request, "notices/verify.html", {"result": result, "code": code}, status=200 if result else 404)


class NoticePdfView(View):
    """The stored PDF, byte-identical every time, for staff in scope."""

    def get(self, request, pk):
        notice = Notice.objects.select_related("application").filter(pk=pk).first()
        if notice is None or not notice.sha256:
            raise Http404(_("No such notice."))
        try:
            case_services.application_get(user=request.user, pk=notice.application_id)
        except case_services.NotFound:
            raise Http404(_("No such notice.")) from None
        audit_record(
            actor=request.user,
            action="notice_downloaded",
            application=notice.application,
            details={"notice": notice.pk, "number": notice.number, "sha256": notice.sha256},
        )
        return attachment(
            notice.pdf, filename=f"{notice.application.number}-{notice.kind}.pdf", content_type="application/pdf"
        )
