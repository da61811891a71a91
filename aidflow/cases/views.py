"""Case screens outside the stages: inbox, application list, filing form with a live calculation,
document downloads and notifications. The case page with its forms (stage, payee, withdrawal) is in
workflows.views."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aidflow.cases.choices import Status
from aidflow.cases.exports import applications_export
from aidflow.cases.filing_form import FilingForms, filing_data, filing_errors, preview_errors, rows_of
from aidflow.cases.forms import MAX_DOCUMENT_ROWS, MAX_MEMBERS, MAX_STAYS, FilingForm, MemberFormSet, StayFormSet
from aidflow.cases.models import Notification
from aidflow.cases.selectors import ListFilters, applications_filter, applications_visible, inbox
from aidflow.cases.services.claims import normalised, registered_names
from aidflow.cases.services.documents import document_open
from aidflow.cases.services.filing import application_file
from aidflow.cases.services.preview import filing_preview, hospital_detail
from aidflow.core.downloads import attachment, attachment_bytes
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.paging import EstimatedCountPaginator
from aidflow.core.sheets import XLSX_TYPE
from aidflow.policy.models import WarningCode
from aidflow.policy.services import policy_select
from aidflow.regions.models import Role
from aidflow.regions.scope import role_of
from aidflow.regions.stages import Stage, stages_of
from aidflow.reports.desks import desk_sections
from aidflow.rolls.selectors import hospitals_search

PAGE_SIZE = 50
# The calculation's warnings a list filters on (INTERFACES section 11): the township and the county
# find the cases whose figures they must check.
WARNING_FILTERS = [(WarningCode.INSURANCE_IMPLAUSIBLE, gettext_lazy("Basic insurance implausibly low"))]


def export_link(request, name: str) -> str:
    """The export of the list on screen, with its filters (not its page)."""
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    return reverse(name) + (f"?{query}" if query else "")


def _list_context(request, queryset):
    filters = ListFilters.from_params(request.GET)
    page = EstimatedCountPaginator(applications_filter(queryset, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "page": page,
        "applications": page.object_list,
        "stage": filters.stage,
        "status": filters.status,
        "q": filters.q,
        "overdue": filters.overdue,
        "payment": filters.payment,
        "warning": filters.warning,
        "warnings": WARNING_FILTERS,
        "today": timezone.localdate(),
        "stages": Stage.choices,
        "statuses": Status.choices,
    }


class InboxView(TemplateView):
    """Applications waiting for this user's action."""

    template_name = "cases/inbox.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(_list_context(self.request, inbox(user)))
        context["title"] = _("My tasks")
        # Claims, months and payments wait here too, each in its own section above the applications.
        context["desk"] = desk_sections(user)
        context["desk_waiting"] = [section for section in context["desk"] if section.count]
        context["works_an_inbox"] = bool(stages_of(role_of(user)))
        context["export_url"] = export_link(self.request, "workbench:inbox_export")
        return context


class ListExportView(View):
    """The inbox or the application list as XLSX, with the filters of the screen it was opened from."""

    list_name = "applications"

    def get(self, request):
        content, _count = applications_export(
            user=request.user, list_name=self.list_name, filters=ListFilters.from_params(request.GET)
        )
        stamp = timezone.localdate().isoformat()
        return attachment_bytes(content, filename=f"{self.list_name}-{stamp}.xlsx", content_type=XLSX_TYPE)


class ApplicationListView(TemplateView):
    """Every application in the user's scope, with filters."""

    template_name = "cases/application_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(_list_context(self.request, applications_visible(self.request.user)))
        context["title"] = _("Applications")
        context["export_url"] = export_link(self.request, "workbench:applications_export")
        return context


def extra_categories_for(user) -> list[dict]:
    """The county-defined categories of the policy that applies to the clerk's village today."""
    version = policy_select(region_code=user.staff.region_id, filing_date=timezone.localdate())
    return version.extra_categories if version is not None else []


class FilingView(TemplateView):
    """The clerk's filing form: applicant, stays, members and documents (rows added and removed on
    the page), a hospital picker, and a live calculation. An error shows the form again with
    everything typed and every chosen file kept."""

    template_name = "cases/filing.html"

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) != Role.VILLAGE_CLERK:
            return HttpResponseForbidden(_("Only a village clerk files applications."))
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        forms = FilingForms(user=request.user, extra_categories=extra_categories_for(request.user))
        return self.render_to_response(self.get_context_data(forms=forms))

    def post(self, request, *args, **kwargs):
        forms = FilingForms(
            request.POST, request.FILES, user=request.user, extra_categories=extra_categories_for(request.user)
        )
        status = 400
        if forms.is_valid():
            data, rows = filing_data(forms.form, forms.stays, forms.members, forms.documents)
            data["region"] = request.user.staff.region_id
            try:
                application = application_file(user=request.user, data=data, documents=forms.uploads(rows))
            except (InputErrors, Conflict) as error:
                # A stay already claimed elsewhere (one stay, one aid) is a conflict; the rest bad input.
                status = 409 if isinstance(error, Conflict) else 400
                filing_errors(error.errors, rows=rows, **forms.by_name())
            except ActionForbidden as error:
                return HttpResponseForbidden(str(error))
            else:
                forms.discard_kept()
                messages.success(request, _("Application %(number)s filed.") % {"number": application.number})
                return redirect(reverse("workbench:application", args=[application.pk]) + "?filed=1")
        forms.keep_files()
        return self.render_to_response(self.get_context_data(forms=forms), status=status)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        forms = context["forms"]
        context.update(forms.by_name())
        context["error_forms"] = [forms.form, forms.stays, forms.members, forms.documents]
        context["files_note"] = forms.files_note()
        for row in forms.documents.forms:
            row.kept_file = forms.kept_file(row)
        # A hospital typed by hand that the register does not know is flagged beside it at once.
        names = registered_names() if forms.stays.is_bound else {}
        for row in forms.stays.forms if forms.stays.is_bound else ():
            name, code = row["hospital"].value() or "", row["hospital_code"].value() or ""
            row.hospital_unregistered = bool(name.strip()) and not code and normalised(name) not in names
        context["village"] = self.request.user.staff.region
        context["preview_url"] = reverse("workbench:filing_preview")
        context["hospitals_url"] = reverse("workbench:filing_hospitals")
        context["referrals_url"] = reverse("workbench:referrals")
        context["limits"] = {"stays": MAX_STAYS, "members": MAX_MEMBERS, "documents": MAX_DOCUMENT_ROWS}
        return context


class FilingPreviewView(View):
    """The calculation for the filing form as it stands (JSON), with the explanation lines and, beside
    each stay, what the register and the referrals say of it; 409 for a stay already claimed, as the
    filing would answer."""

    def post(self, request, *args, **kwargs):
        if role_of(request.user) != Role.VILLAGE_CLERK:
            return JsonResponse({"detail": _("Only a village clerk files applications.")}, status=403)
        form, stays, members = (
            FilingForm(request.POST, extra_categories=extra_categories_for(request.user)),
            StayFormSet(request.POST, prefix="stays"),
            MemberFormSet(request.POST, prefix="members"),
        )
        if not form.is_valid() or not stays.is_valid():
            return JsonResponse(
                {"detail": _("Fill in the form to see the calculation."), "entries": preview_errors(form, stays)},
                status=400,
            )
        data, rows = filing_data(form, stays, members)
        data["region"] = request.user.staff.region_id
        data["filing_date"] = None
        try:
            answer = filing_preview(data=data)
        except Conflict as error:
            return JsonResponse(
                {
                    "detail": _("A stay is already claimed: it cannot be applied for again."),
                    **rows_of(error, form, rows),
                },
                status=409,
            )
        except InputErrors as error:
            return JsonResponse({"detail": _("Invalid calculation request."), **rows_of(error, form, rows)}, status=400)
        # Each stay of the answer names the form row it came from.
        for checked in answer["stays_checked"]:
            checked["row"] = rows.stays[checked["index"]]
        return JsonResponse(answer)


def home_county(user) -> str:
    """The county whose hospitals come first for this user: of the staff's region (a city's first
    four digits for a city's staff), or of a hospital clerk's hospital."""
    staff = getattr(user, "staff", None)
    if staff is None:
        return ""
    if staff.region_id:
        return staff.region_id[:6]
    return staff.hospital.county_id if getattr(staff, "hospital_id", None) else ""


class HospitalSearchView(View):
    """Designated hospitals for the filing form's hospital picker (JSON): name, county and level,
    the clerk's county first."""

    def get(self, request, *args, **kwargs):
        if role_of(request.user) is None:
            return JsonResponse({"detail": _("Only staff may search the register.")}, status=403)
        county = home_county(request.user)
        found, more = hospitals_search(text=(request.GET.get("q") or "")[:100], county=county)
        today = timezone.localdate()
        return JsonResponse(
            {
                "results": [
                    {
                        "code": hospital.code,
                        "name": hospital.name,
                        "level": hospital.level,
                        "county": hospital.county.name,
                        "designated": hospital.designated_on(today),
                        "in_county": hospital.county_id == county,
                        # As the picker shows it: "陵城区 · 二级", and what to beware of.
                        "detail": hospital_detail(hospital.county.name, hospital.level),
                        "note": "" if hospital.designated_on(today) else _("no longer designated"),
                    }
                    for hospital in found
                ],
                "more": more,
            }
        )


class DocumentDownloadView(View):
    """A document, only through this permission-checked view, always as an attachment."""

    def get(self, request, pk, document_pk):
        try:
            application, document = document_open(user=request.user, application_id=pk, document_id=document_pk)
        except NotFound:
            raise Http404(_("No such document.")) from None
        extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[document.content_type]
        return attachment(
            document.file,
            filename=f"{application.number}-{document.kind}-{document.pk}.{extension}",
            content_type=document.content_type,
        )


class NotificationsView(TemplateView):
    """The user's notifications, newest first; POST marks them all read."""

    template_name = "cases/notifications.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["notifications"] = Notification.objects.filter(recipient=self.request.user)[:200]
        return context

    def post(self, request, *args, **kwargs):
        Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(read_at=timezone.now())
        return redirect("workbench:notifications")
