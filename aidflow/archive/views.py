"""Archive screens: a case's dossier PDF, and a county's month of dossiers as a ZIP (with its picker)."""

from __future__ import annotations

import datetime

from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aidflow.archive.background import archive_open, archives_listed
from aidflow.archive.dossier import dossier_filename, dossier_pdf
from aidflow.archive.monthly import (
    archive_counties,
    archive_filename,
    archive_month_check,
    archive_month_write,
    archive_spool,
)
from aidflow.archive.tasks import archive_request
from aidflow.core.downloads import attachment, attachment_bytes
from aidflow.core.errors import InputErrors, NotFound


class DossierPdfView(View):
    """The dossier (案卷) of a case the user may see, opened in the browser to print; a recorded read."""

    def get(self, request, pk):
        try:
            application, data = dossier_pdf(user=request.user, pk=pk)
        except NotFound:
            raise Http404(_("No such application.")) from None
        return attachment_bytes(
            data, filename=dossier_filename(application), content_type="application/pdf", inline=True
        )


class ArchiveMonthView(TemplateView):
    """The month picker of the archive export: a county the user's scope covers, and a month."""

    template_name = "archive/month.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counties = archive_counties(self.request.user)
        if not counties:
            raise Http404(_("No county is in your scope."))
        # The month just ended by default: a month is archived once it is over.
        last_month = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
        context.update(
            {
                "counties": counties,
                "errors": {},
                "county": "",
                "month": last_month.strftime("%Y-%m"),
                "archives": archives_listed(self.request.user),
            }
        )
        return context

    def post(self, request):
        """Build the archive in the background; the list below the picker shows it when ready."""
        county, month = request.POST.get("county", ""), request.POST.get("month", "")
        try:
            archive_request(user=request.user, county=county, month=month)
        except InputErrors as error:
            response = self.get(request)
            response.context_data.update({"errors": error.errors, "county": county, "month": month})
            response.status_code = 400
            return response
        return redirect("workbench:archive_month")


class ArchiveMonthExportView(View):
    """The month's dossiers of a county as a ZIP, written to a temporary file and streamed from it."""

    def get(self, request):
        county, month = request.GET.get("county", ""), request.GET.get("month", "")
        try:
            region, year, number = archive_month_check(user=request.user, county=county, month=month)
        except InputErrors as error:
            view = ArchiveMonthView.as_view()
            response = view(request)
            response.context_data.update({"errors": error.errors, "county": county, "month": month})
            response.status_code = 400
            return response
        spool = archive_spool()
        archive_month_write(user=request.user, county=region, year=year, month=number, out=spool)
        spool.seek(0)
        response = FileResponse(
            spool, as_attachment=True, filename=archive_filename(region, year, number), content_type="application/zip"
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


class ArchiveDownloadView(View):
    """A monthly archive built in the background, for users whose scope covers its county; a recorded read."""

    def get(self, request, pk):
        try:
            archive = archive_open(user=request.user, pk=pk)
        except NotFound:
            raise Http404(_("No such archive.")) from None
        return attachment(
            archive.file, filename=f"{archive.county}-{archive.month_text}-案卷.zip", content_type="application/zip"
        )
