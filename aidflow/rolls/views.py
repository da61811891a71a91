"""The roll look-up screen (is this person on a roll, and on which, on a given day; audited) and the
referrals screen (转诊备案: record one, read those in scope)."""

from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from aidflow.cases.selectors import application_get
from aidflow.cases.services.gates import hospitals_of
from aidflow.core import labels
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.core.formerrors import add_service_errors, named
from aidflow.policy.models import POVERTY_REGISTERED, Category
from aidflow.regions.models import Region, Role
from aidflow.regions.scope import role_of, scope_codes
from aidflow.rolls.forms import ReferralForm
from aidflow.rolls.lookups import roll_lookup
from aidflow.rolls.referrals import STAFF_ROLES, referral_record, referrals_list
from aidflow.rolls.selectors import hospitals_list, hospitals_with_suspension
from aidflow.rolls.suspensions import APPROVE, hospital_lift, hospital_suspend

RECORDERS = (*STAFF_ROLES, Role.HOSPITAL_CLERK)


def _category_label(code: str | None) -> str | None:
    if code == POVERTY_REGISTERED:
        return str(labels.label("category", code))
    return str(Category(code).label) if code in Category.values else code


class RecipientLookupView(TemplateView):
    """A form (ID number, day) and, once asked, what the rolls say; each look-up is recorded."""

    template_name = "rolls/lookup.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        id_number = (self.request.GET.get("id_number") or "").strip()
        on = (self.request.GET.get("on") or "").strip()
        context.update({"id_number": id_number, "on": on or timezone.localdate().isoformat()})
        if id_number:
            try:
                result = roll_lookup(user=self.request.user, id_number=id_number, on=on or None)
                context["result"] = {
                    **result,
                    "category": _category_label(result["category"]),
                    "region": Region.objects.filter(code=result["region"]).first() or result["region"],
                    "periods": [
                        {**period, "category": _category_label(period["category"])} for period in result["periods"]
                    ],
                }
            except InputErrors as error:
                context["errors"] = error.errors
            except NotFound as error:
                context["not_found"] = str(error)
        return context


class ReferralsView(TemplateView):
    """Referrals on file (转诊备案): the form to record one and the referrals in scope, or a person's.
    Opened from a case's stay left out for want of a referral (?application=&stay=), the form comes
    filled in from that stay and, once the referral is recorded, the screen goes back to the case."""

    template_name = "rolls/referrals.html"

    def get_context_data(self, form=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        id_number = (self.request.GET.get("id_number") or "").strip()
        may_record = role_of(user) in RECORDERS
        case = None
        if form is None:
            case = referral_case(user, self.request.GET) if may_record else None
            # Opened for a person (from the roll look-up): the form is for that person too.
            initial = case["initial"] if case else {"id_number": id_number, "date": timezone.localdate().isoformat()}
            form = ReferralForm(initial=initial)
        elif form.data.get("application"):
            case = referral_case(user, form.data)
        context.update(
            {
                "id_number": id_number,
                "form": form,
                "case": case,
                "may_record": may_record,
                "hospitals": hospitals_list(),
                "own_hospital": user.staff.hospital if role_of(user) == Role.HOSPITAL_CLERK else None,
            }
        )
        try:
            context["referrals"] = referrals_list(user=user, id_number=id_number or None)
        except InputErrors as error:
            context["search_errors"] = error.errors
            context["referrals"] = []
        except ActionForbidden:
            context["referrals"] = []
        return context

    def post(self, request, *args, **kwargs):
        form = ReferralForm(request.POST)
        form.is_valid()
        try:
            referral = referral_record(user=request.user, data=form.service_data())
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except InputErrors as error:
            add_service_errors(form, error.errors)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("Referral %(number)s recorded.") % {"number": referral.number})
        case = referral_case(request.user, request.POST) if request.POST.get("application") else None
        if case is not None:
            return redirect("workbench:application", pk=case["application"].pk)
        return redirect(f"{reverse('workbench:referrals')}?id_number={referral.id_number}")


def referral_case(user, params) -> dict | None:
    """The case and stay a referral is recorded for, read in the user's scope: the form's values
    from the stay (the patient, the hospital on the register, the diagnosis; the date is the
    referral's own, typed from its paper) and the admission it must precede. None when there is
    no such case or stay for this user."""
    try:
        pk, index = int(params.get("application") or 0), int(params.get("stay") or 0)
        application = application_get(user=user, pk=pk)
    except (TypeError, ValueError, NotFound):
        return None
    stay = application.stays.filter(index=index).first()
    if stay is None:
        return None
    hospital = hospitals_of([stay])[0]
    return {
        "application": application,
        "stay": stay,
        "number": index + 1,
        "initial": {
            "id_number": application.id_number,
            "name": application.patient_full_name,
            "to_hospital_code": hospital.code if hospital else "",
            "diagnosis": stay.diagnosis,
            "date": "",
            "application": application.pk,
            "stay": index,
        },
    }


class HospitalsView(TemplateView):
    """The county approver's designated hospitals (定点医疗机构): each one's designation and the
    county's suspension, with the forms to suspend one from a day, with the reason, and to lift it."""

    template_name = "rolls/hospitals.html"

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) != Role.COUNTY_APPROVER:
            return HttpResponseForbidden(_("Only the county approver suspends a hospital's designation."))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        codes = scope_codes(self.request.user, APPROVE)
        county = codes[0] if codes else None
        context.update(
            {
                "county": Region.objects.filter(code=county).first(),
                "hospitals": hospitals_with_suspension(county) if county else [],
                "today": timezone.localdate(),
                "posted": self.request.POST if self.request.method == "POST" else {},
            }
        )
        return context

    def post(self, request, *args, **kwargs):
        code = request.POST.get("hospital", "")
        lift = request.POST.get("action") == "lift"
        data = {"reason": request.POST.get("reason", "")}
        if not lift:
            data["from"] = request.POST.get("from", "")
        try:
            if lift:
                hospital_lift(user=request.user, code=code, data=data)
            else:
                hospital_suspend(user=request.user, code=code, data=data)
        except NotFound as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict) as error:
            context = self.get_context_data()
            context["page_errors"] = [
                named(path, message) for path, values in error.errors.items() for message in values
            ]
            context["error_hospital"] = code
            return self.render_to_response(context, status=400 if isinstance(error, InputErrors) else 409)
        text = _("The suspension of %(code)s was lifted.") if lift else _("%(code)s is suspended.")
        messages.success(request, text % {"code": code})
        return redirect("workbench:hospitals")
