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
from aidflow.cases.forms import DocumentFormSet, FilingForm, MemberFormSet, StayFormSet
from aidflow.cases.models import Notification
from aidflow.cases.selectors import ListFilters, applications_filter, applications_visible, inbox
from aidflow.cases.services.calculation import aid_calculate
from aidflow.cases.services.documents import UploadedDocument, document_open
from aidflow.cases.services.filing import application_file
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


def filing_data(form, stays, members) -> tuple[dict, list[int]]:
    """The filing request (INTERFACES section 4 shape) from the filing forms."""
    cleaned = form.cleaned_data
    stay_rows = []
    stay_forms = []
    for index, stay_form in enumerate(stays.forms):
        data = stay_form.cleaned_data if stay_form.is_valid() else {}
        if not data:
            continue
        stay_forms.append(index)
        stay_rows.append(
            {
                "hospital": data["hospital"],
                "hospital_level": data["hospital_level"],
                "admission_date": data["admission_date"].isoformat(),
                "discharge_date": data["discharge_date"].isoformat(),
                "total_cost": str(data["total_cost"]),
                "eligible_cost": str(data["eligible_cost"]),
                "basic_insurance": str(data["basic_insurance"]),
                "serious_illness_insurance": str(data["serious_illness_insurance"]),
                "other_insurance": str(data.get("other_insurance") or "0.00"),
                "charity": str(data.get("charity") or "0.00"),
                "diagnosis": data["diagnosis"],
                "icd10": data.get("icd10") or None,
                "referral": bool(data.get("referral")),
                "referral_number": data.get("referral_number") or None,
            }
        )
    member_rows = [
        {
            "name": member.cleaned_data["name"],
            "relation": member.cleaned_data["relation"],
            "monthly_income": str(member.cleaned_data.get("monthly_income") or "0.00"),
        }
        for member in members.forms
        if member.is_valid() and member.cleaned_data
    ]
    relationship = cleaned.get("relationship") or "self"
    applicant = {"name": cleaned["applicant_name"], "id_number": cleaned["id_number"], "phone": cleaned["phone"]}
    patient = {
        "id_number": cleaned["id_number"],
        "severely_disabled": cleaned["severely_disabled"],
        "seriously_ill": cleaned["seriously_ill"],
        "insured": cleaned["insured"] is not False,
    }
    if relationship != "self":
        # On the patient's behalf: the ID number above is the patient's, the applicant gives their own.
        applicant.update(relationship=relationship, id_number=cleaned.get("applicant_id_number") or "")
        patient["name"] = cleaned.get("patient_name") or ""
    return (
        {
            "applicant": applicant,
            "category": cleaned["category"],
            "aid_type": cleaned["aid_type"],
            "patient": patient,
            "household": {
                "size": cleaned["household_size"],
                "monthly_income": str(cleaned["household_monthly_income"]),
                "residence": cleaned["residence"],
                "members": member_rows,
            },
            "stays": stay_rows,
            **(
                {
                    "payee": {
                        "name": cleaned.get("payee_name") or None,
                        "bank": cleaned.get("payee_bank") or None,
                        "account": cleaned.get("payee_account"),
                    }
                }
                if cleaned.get("payee_account")
                else {}
            ),
        },
        stay_forms,
    )


SERVICE_FIELD_TO_FORM = {
    "applicant.name": "applicant_name",
    "applicant.phone": "phone",
    "applicant.id_number": "id_number",
    "applicant.relationship": "relationship",
    "patient.name": "patient_name",
    "filing_date": None,
    "patient.id_number": "id_number",
    "patient.severely_disabled": "severely_disabled",
    "patient.seriously_ill": "seriously_ill",
    "patient.insured": "insured",
    "household.size": "household_size",
    "household.monthly_income": "household_monthly_income",
    "household.residence": "residence",
    "category": "category",
    "aid_type": "aid_type",
}


def apply_service_errors(errors: dict, form, stays, stay_forms: list[int], documents=None) -> None:
    """Show the service's field errors next to the fields they name."""
    on_behalf = (form.cleaned_data.get("relationship") or "self") != "self"
    for path, messages_ in errors.items():
        for message in messages_:
            if path == "applicant.id_number" and on_behalf:
                form.add_error("applicant_id_number", message)
            elif path in SERVICE_FIELD_TO_FORM:
                form.add_error(SERVICE_FIELD_TO_FORM[path], message)
            elif path.startswith("stays[") and "]." in path:
                index, field = path[len("stays[") :].split("].", 1)
                target = stays.forms[stay_forms[int(index)]] if int(index) < len(stay_forms) else None
                if target is not None and field in target.fields:
                    target.add_error(field, message)
                else:
                    form.add_error(None, f"{path}: {message}")
            elif path.startswith("documents[") and documents is not None and "]." in path:
                index, field = path[len("documents[") :].split("].", 1)
                form.add_error(
                    None, _("Document %(number)s: %(message)s") % {"number": int(index) + 1, "message": message}
                )
            else:
                form.add_error(None, message if path in ("stays", "region", "body") else f"{path}: {message}")


def extra_categories_for(user) -> list[dict]:
    """The county-defined categories of the policy that applies to the clerk's village today."""
    version = policy_select(region_code=user.staff.region_id, filing_date=timezone.localdate())
    return version.extra_categories if version is not None else []


class FilingView(TemplateView):
    """The clerk's filing form: applicant, household, stays, documents, and a live calculation."""

    template_name = "cases/filing.html"

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) != Role.VILLAGE_CLERK:
            return HttpResponseForbidden(_("Only a village clerk files applications."))
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None, files=None):
        return (
            FilingForm(data, extra_categories=extra_categories_for(self.request.user)),
            StayFormSet(data, prefix="stays"),
            MemberFormSet(data, prefix="members"),
            DocumentFormSet(data, files, prefix="documents"),
        )

    def get(self, request, *args, **kwargs):
        form, stays, members, documents = self.forms()
        return self.render_to_response(
            self.get_context_data(form=form, stays=stays, members=members, documents=documents)
        )

    def post(self, request, *args, **kwargs):
        form, stays, members, documents = self.forms(request.POST, request.FILES)
        valid = all([form.is_valid(), stays.is_valid(), members.is_valid(), documents.is_valid()])
        if valid:
            data, stay_forms = filing_data(form, stays, members)
            data["region"] = request.user.staff.region_id
            uploads = [
                UploadedDocument(document.cleaned_data["kind"], document.cleaned_data["file"])
                for document in documents.forms
                if document.cleaned_data
            ]
            try:
                application = application_file(user=request.user, data=data, documents=uploads)
            except InputErrors as error:
                apply_service_errors(error.errors, form, stays, stay_forms, documents)
            except Conflict as error:
                # A stay already claimed elsewhere: one stay, one aid.
                apply_service_errors(error.errors, form, stays, stay_forms, documents)
                return self.render_to_response(
                    self.get_context_data(form=form, stays=stays, members=members, documents=documents), status=409
                )
            except ActionForbidden as error:
                return HttpResponseForbidden(str(error))
            else:
                messages.success(request, _("Application %(number)s filed.") % {"number": application.number})
                return redirect("workbench:application", pk=application.pk)
        return self.render_to_response(
            self.get_context_data(form=form, stays=stays, members=members, documents=documents), status=400
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["village"] = self.request.user.staff.region
        context["preview_url"] = reverse("workbench:filing_preview")
        return context


class FilingPreviewView(View):
    """The calculation for the filing form as it stands (JSON), with the explanation lines."""

    def post(self, request, *args, **kwargs):
        if role_of(request.user) != Role.VILLAGE_CLERK:
            return JsonResponse({"detail": _("Only a village clerk files applications.")}, status=403)
        form, stays, members = (
            FilingForm(request.POST, extra_categories=extra_categories_for(request.user)),
            StayFormSet(request.POST, prefix="stays"),
            MemberFormSet(request.POST, prefix="members"),
        )
        if not form.is_valid() or not stays.is_valid():
            errors = {key: [str(message) for message in value] for key, value in form.errors.items()}
            for index, stay_form in enumerate(stays.forms):
                for key, value in stay_form.errors.items():
                    errors[f"stays[{index}].{key}"] = [str(message) for message in value]
            return JsonResponse({"detail": _("Fill in the form to see the calculation."), "errors": errors}, status=400)
        data, _stay_forms = filing_data(form, stays, members)
        data["region"] = request.user.staff.region_id
        data["filing_date"] = None
        try:
            return JsonResponse(aid_calculate(data=data))
        except InputErrors as error:
            return JsonResponse({"detail": _("Invalid calculation request."), "errors": error.errors}, status=400)


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
