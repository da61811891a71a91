"""The roll look-up screen: is this person on a roll, and on which, on a given day (audited)."""

from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from aidflow.core.errors import ActionForbidden, InputErrors, NotFound
from aidflow.policy.models import Category
from aidflow.regions.models import Region, Role
from aidflow.regions.scope import role_of
from aidflow.rolls.lookups import roll_lookup
from aidflow.rolls.referrals import STAFF_ROLES, referral_record, referrals_list
from aidflow.rolls.selectors import hospitals_list

RECORDERS = (*STAFF_ROLES, Role.HOSPITAL_CLERK)


def _category_label(code: str | None) -> str | None:
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
    """Referrals on file (转诊备案): the form to record one and the referrals in scope, or a person's."""

    template_name = "rolls/referrals.html"

    def get_context_data(self, form_values=None, errors=None, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        id_number = (self.request.GET.get("id_number") or "").strip()
        context.update(
            {
                "id_number": id_number,
                "values": form_values or {"date": timezone.localdate().isoformat()},
                "errors": errors or {},
                "may_record": role_of(user) in RECORDERS,
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
        fields = ("id_number", "name", "from_hospital_code", "to_hospital_code", "date", "diagnosis")
        values = {key: (request.POST.get(key) or "").strip() for key in fields}
        data = {key: value for key, value in values.items() if value or key != "from_hospital_code"}
        try:
            referral = referral_record(user=request.user, data=data)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except InputErrors as error:
            return self.render_to_response(self.get_context_data(form_values=values, errors=error.errors), status=400)
        messages.success(request, _("Referral %(number)s recorded.") % {"number": referral.number})
        return redirect(f"{reverse('workbench:referrals')}?id_number={referral.id_number}")
