"""Notice screens: the public verification page and the permission-checked PDF download."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from aidflow.cases.choices import NoticeKind
from aidflow.core.clients import client_ip, window_count
from aidflow.core.downloads import attachment
from aidflow.core.errors import NotFound
from aidflow.notices.services import notice_filename, notice_open, notice_verification

VERIFY_LIMIT_PER_MINUTE = 30


def rate_limited(request, scope: str, limit: int) -> bool:
    """A fixed one-minute window per client address; True when over the limit."""
    return window_count(scope, client_ip(request), 60) > limit


@method_decorator(login_not_required, name="dispatch")
class VerifyView(View):
    """Anyone holding a notice can check it here: the page shows the masked facts and the PDF's hash."""

    def get(self, request, code):
        if rate_limited(request, "verify", VERIFY_LIMIT_PER_MINUTE):
            return render(request, "notices/verify.html", {"throttled": True}, status=429)
        result = notice_verification(code)
        context = {"result": result, "code": code}
        if result:
            context["kind_label"] = NoticeKind(result["kind"]).label
        return render(request, "notices/verify.html", context, status=200 if result else 404)


class NoticePdfView(View):
    """The stored PDF, byte-identical every time, for staff in scope."""

    def get(self, request, pk):
        try:
            notice = notice_open(user=request.user, notice_id=pk)
        except NotFound:
            raise Http404(_("No such notice.")) from None
        return attachment(notice.pdf, filename=notice_filename(notice), content_type="application/pdf")
