"""Finance screens: what is payable with totals, the batches with the bank file and the results
upload, and the month's payments report."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseForbidden
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aidflow.core.dates import month_value
from aidflow.core.downloads import attachment_bytes
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.formerrors import add_service_errors
from aidflow.core.payment import mask_account
from aidflow.payments.confirmations import (
    CARRIED_FILE,
    batch_confirmation,
    file_carried,
    file_carry,
    results_confirmation,
)
from aidflow.payments.forms import ResultsForm
from aidflow.payments.models import SENDABLE, BatchStatus
from aidflow.payments.selectors import batch_get, batches_visible, month_payments
from aidflow.payments.services.approval import batch_approve, may_approve_batch
from aidflow.payments.services.batching import batch_create, payable_preview
from aidflow.payments.services.exports import bank_file
from aidflow.payments.services.lists import payable_export, report_export
from aidflow.payments.services.reads import batch_listed, payable_listed, payments_listed
from aidflow.payments.services.results import results_check, results_import
from aidflow.payments.services.results_template import results_template_csv, results_template_xlsx
from aidflow.regions.models import Region, Role
from aidflow.regions.scope import role_of, scope_codes

LINES_PER_PAGE = 50

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _finance_only(request):
    if role_of(request.user) != Role.COUNTY_FINANCE:
        return HttpResponseForbidden(_("Only the county's finance officer pays approved aid."))
    return None


def _county_of_user(user) -> str | None:
    codes = scope_codes(user, ["regions.pay_county"])
    return codes[0] if codes else None


class PayableView(TemplateView):
    """Everything the county could pay now, with totals; one button makes the batch."""

    template_name = "payments/payable.html"

    def dispatch(self, request, *args, **kwargs):
        return _finance_only(request) or super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        county = _county_of_user(self.request.user)
        lines, skipped = payable_preview(user=self.request.user, county=county)
        for line in lines:
            line["masked"] = mask_account(line["account"])
        payable_listed(user=self.request.user, county=county, lines=lines)
        context.update(
            {
                "county": Region.objects.filter(code=county).first(),
                "county_code": county,
                "lines": lines,
                "skipped": skipped,
                "total": sum(line["amount"] for line in lines),
                "applications_total": sum(line["amount"] for line in lines if line["kind"] == "application"),
                "claims_total": sum(line["amount"] for line in lines if line["kind"] == "claim"),
            }
        )
        return context

    def post(self, request):
        """A batch of what the page shows, once its lines and total are confirmed."""
        context = self.get_context_data()
        confirmation = batch_confirmation(context["county"], context["lines"], context["skipped"])
        if context["lines"] and not confirmation.given(request.POST):
            context["confirmation"] = confirmation.carry_post(request.POST)
            return self.render_to_response(context)
        try:
            batch = batch_create(user=request.user, data={"county": context["county_code"]})
        except (InputErrors, Conflict) as error:
            context["page_errors"] = [message for values in error.errors.values() for message in values]
            return self.render_to_response(context, status=409)
        if batch.status == BatchStatus.PREPARED:
            text = _("Batch %(number)s made: another person must approve it before the bank file is exported.")
        else:
            text = _("Batch %(number)s made: export the bank file.")
        messages.success(request, text % {"number": batch.number})
        return redirect("workbench:batch", pk=batch.pk)


class BatchListView(TemplateView):
    template_name = "payments/batches.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page"] = Paginator(batches_visible(self.request.user), 50).get_page(self.request.GET.get("page"))
        return context


class BatchDetailView(TemplateView):
    """A batch: its lines (accounts masked), what was skipped, the bank file and the results upload."""

    template_name = "payments/batch.html"

    def _batch(self, pk):
        try:
            return batch_get(self.request.user, pk)
        except NotFound:
            raise Http404(_("No such payment batch.")) from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        batch = self._batch(kwargs["pk"])
        # A page of lines at a time: a county's batch may hold a hundred thousand.
        page = Paginator(batch.lines.order_by("seq"), LINES_PER_PAGE).get_page(self.request.GET.get("page"))
        for line in page.object_list:
            line.masked = mask_account(line.account)
        batch_listed(user=self.request.user, batch=batch, refs=[line.ref for line in page.object_list])
        context.update(
            {
                "batch": batch,
                "lines": page.object_list,
                "page": page,
                "is_finance": role_of(self.request.user) == Role.COUNTY_FINANCE,
                "sendable": batch.status in SENDABLE,
                "may_approve": may_approve_batch(self.request.user, batch),
                "prepared_by_me": batch.created_by_id == self.request.user.pk,
                "pending": batch.lines.filter(status="pending").count(),
                "form": kwargs.get("form") or ResultsForm(),
            }
        )
        return context

    def post(self, request, pk):
        """The bank's results file: every row checked, the counts confirmed, then recorded. On an
        error nothing is recorded and the file, which a browser never keeps, is chosen again."""
        batch = self._batch(pk)
        carried = request.POST.get(CARRIED_FILE)
        form = ResultsForm(request.POST, request.FILES, carried=bool(carried))
        form.is_valid()
        try:
            upload = file_carried(batch, carried) if carried else form.cleaned_data.get("file")
            if upload is not None:
                counts = results_check(user=request.user, batch=batch, upload=upload)
                confirmation = results_confirmation(batch, upload.name, counts)
                if not confirmation.given(request.POST):
                    confirmation.carry_post(request.POST, **{CARRIED_FILE: carried or file_carry(batch, upload)})
                    return self.render_to_response(self.get_context_data(pk=pk, confirmation=confirmation))
                upload.seek(0)
                results_import(user=request.user, batch=batch, upload=upload)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict) as error:
            add_service_errors(form, error.errors)
        else:
            if upload is not None:
                messages.success(request, _("The bank's results were recorded."))
                return redirect("workbench:batch", pk=pk)
        return self.render_to_response(self.get_context_data(pk=pk, form=form), status=400)


class BatchApproveView(BatchDetailView):
    """The second signature: another person than the preparer approves the batch for the bank. A
    refusal (the preparer, no permission, no longer waiting) stays on the batch page with its reason."""

    def get(self, request, pk):
        return redirect("workbench:batch", pk=pk)

    def post(self, request, pk):
        batch = self._batch(pk)
        try:
            batch = batch_approve(user=request.user, batch=batch)
        except ActionForbidden as error:
            return self._refused(pk, [str(error)], status=403)
        except Conflict as error:
            return self._refused(pk, [message for values in error.errors.values() for message in values], status=409)
        text = _("Batch %(number)s approved: the bank file may be exported.")
        messages.success(request, text % {"number": batch.number})
        return redirect("workbench:batch", pk=pk)

    def _refused(self, pk, errors: list[str], *, status: int):
        context = self.get_context_data(pk=pk)
        context["page_errors"] = errors
        return self.render_to_response(context, status=status)


class ResultsTemplateView(View):
    """The results form of a batch, pre-filled with its lines awaiting a result (XLSX or CSV)."""

    def get(self, request, pk, fmt):
        try:
            batch = batch_get(request.user, pk)
            if fmt == "csv":
                data, content_type = results_template_csv(user=request.user, batch=batch), "text/csv; charset=utf-8"
            else:
                data, content_type = results_template_xlsx(user=request.user, batch=batch), XLSX
        except NotFound:
            raise Http404(_("No such payment batch.")) from None
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        return attachment_bytes(data, filename=f"{batch.number}-结果.{fmt}", content_type=content_type)


class PayableExportView(View):
    def get(self, request):
        forbidden = _finance_only(request)
        if forbidden:
            return forbidden
        data = payable_export(user=request.user, county=_county_of_user(request.user))
        name = f"待发放-{timezone.localdate().isoformat()}.xlsx"
        return attachment_bytes(data, filename=name, content_type=XLSX)


class BatchExportView(View):
    def get(self, request, pk):
        try:
            batch = batch_get(request.user, pk)
            data = bank_file(user=request.user, batch=batch)
        except NotFound:
            raise Http404(_("No such payment batch.")) from None
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except Conflict as error:
            messages.error(request, " ".join(message for values in error.errors.values() for message in values))
            return redirect("workbench:batch", pk=pk)
        return attachment_bytes(data, filename=f"{batch.number}.xlsx", content_type=XLSX)


class PaymentReportView(TemplateView):
    """A month's payments: what was paid and what failed, by kind, with every line."""

    template_name = "payments/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        day, context["error"] = report_month(self.request)
        report = month_payments(self.request.user, year=day.year, month=day.month)
        payments_listed(user=self.request.user, month=day.strftime("%Y-%m"), lines=report["lines"])
        paid = [row for row in report["rows"] if row["status"] == "paid"]
        context.update(
            {
                "month": day.strftime("%Y-%m"),
                "rows": report["rows"],
                "lines": report["lines"],
                "paid_total": sum(row["total"] for row in paid),
                "paid_count": sum(row["count"] for row in paid),
            }
        )
        return context


def report_month(request) -> tuple[datetime.date, str]:
    """The report's month (the first day) from `?month=YYYY-MM`, this month by default; and an error."""
    raw = request.GET.get("month") or timezone.localdate().strftime("%Y-%m")
    parsed = month_value(raw)
    if parsed is None:
        return timezone.localdate().replace(day=1), _("A month is written YYYY-MM, e.g. 2026-03.")
    return datetime.date(parsed[0], parsed[1], 1), ""


class PaymentReportExportView(View):
    def get(self, request):
        day, error = report_month(request)
        if error:
            raise Http404(error)
        data = report_export(user=request.user, year=day.year, month=day.month)
        return attachment_bytes(data, filename=f"发放月报-{day.strftime('%Y-%m')}.xlsx", content_type=XLSX)
