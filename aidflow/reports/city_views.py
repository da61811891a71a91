"""The city reviewer's screen: the counties' months of the city with their state, the accept or
return form for each month waiting, and the city's sum of the accepted ones."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.http import HttpResponseForbidden
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NotFound
from aidflow.regions.models import Region, Role
from aidflow.regions.scope import role_of, scope_codes
from aidflow.reports.city_review import REVIEW_PERMISSION, city_month, month_review


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return f"{first - datetime.timedelta(days=1):%Y-%m}"


class CityMonthView(TemplateView):
    template_name = "reports/city.html"

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) not in (Role.CITY_REVIEWER, Role.AUDITOR):
            return HttpResponseForbidden(_("The city's reviewer accepts the counties' months."))
        return super().dispatch(request, *args, **kwargs)

    def _city(self) -> str | None:
        codes = scope_codes(self.request.user, REVIEW_PERMISSION) or scope_codes(self.request.user)
        return next((code[:4] for code in codes if len(code) >= 4), None)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        month = self.request.GET.get("month") or self.request.POST.get("month") or _last_month()
        if len(month) != 7 or month[4] != "-" or not (month[:4] + month[5:]).isdigit():
            month = _last_month()
        city = self._city()
        context.update({"month": month, "city": Region.objects.filter(code=city).first(), "page_errors": []})
        if city:
            try:
                context["result"] = city_month(user=self.request.user, city=city, month=month)
            except NotFound:
                context["result"] = None
        context["may_review"] = role_of(self.request.user) == Role.CITY_REVIEWER
        return context

    def post(self, request, *args, **kwargs):
        data = {key: request.POST.get(key, "") for key in ("region", "month", "decision", "reasons")}
        try:
            month_review(user=request.user, data=data)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict, NotFound) as error:
            context = self.get_context_data()
            errors = error.errors.values() if hasattr(error, "errors") else [[str(error)]]
            context["page_errors"] = [message for values in errors for message in values]
            context["error_county"] = data["region"]
            return self.render_to_response(context, status=400 if isinstance(error, InputErrors) else 409)
        accepted = data["decision"] == "accept"
        done = (
            _("The county's month was accepted.")
            if accepted
            else _("The county's month was returned with your reasons.")
        )
        messages.success(request, done)
        return redirect(f"{reverse('workbench:city_months')}?month={data['month']}")
