"""Settlement screens: the hospital's window with its live calculation, the settlement list and page
with the slip, and the monthly claims with the paying county's review."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aidflow.core.downloads import attachment_bytes
from aidflow.core.errors import ActionForbidden, Conflict, InputErrors, NoAidDue, NotFound
from aidflow.core.formerrors import add_service_errors
from aidflow.core.paging import EstimatedCountPaginator
from aidflow.policy.requests import AID_TYPE_NAMES, CATEGORY_NAMES
from aidflow.recoveries.forms import revocation_context
from aidflow.regions.codes import code_at
from aidflow.regions.models import Level, Region, Role
from aidflow.regions.scope import role_of
from aidflow.rolls.lookups import roll_lookup
from aidflow.settlements.confirmations import reversal_confirmation, review_confirmation
from aidflow.settlements.forms import (
    ClaimForm,
    ClaimReviewForm,
    ReverseForm,
    WindowForm,
    correction_values,
    list_filters,
    window_body,
)
from aidflow.settlements.models import LIVE_STATUSES, ClaimStatus, RefusalCode, SettlementStatus
from aidflow.settlements.selectors import (
    claim_get,
    claim_other_payers,
    claims_visible,
    refused_at,
    settlement_get,
    settlement_resettled,
    settlements_filter,
    settlements_visible,
    with_resettlement,
)
from aidflow.settlements.services.claiming import claim_review, claim_review_check, claim_submit
from aidflow.settlements.services.reads import (
    claim_view,
    claims_listed,
    settlement_read,
    settlement_view,
    settlements_listed,
)
from aidflow.settlements.services.reversal import settlement_reverse
from aidflow.settlements.services.slip import slip_pdf
from aidflow.settlements.services.window import settlement_quote, settlement_record


def _labels(value: dict) -> dict:
    return {
        **value,
        "category_name": CATEGORY_NAMES.get(value.get("category"), value.get("category")),
        "aid_type_name": AID_TYPE_NAMES.get(value.get("aid_type"), value.get("aid_type")),
    }


class SettlementWindowView(View):
    """The window: look a patient up on the rolls, enter the stay, see the aid, confirm."""

    template_name = "settlements/window.html"

    def dispatch(self, request, *args, **kwargs):
        if role_of(request.user) != Role.HOSPITAL_CLERK or request.user.staff.hospital_id is None:
            return HttpResponseForbidden(_("Only a designated hospital's settlement clerk settles at the window."))
        return super().dispatch(request, *args, **kwargs)

    def _context(self, request, **extra) -> dict:
        hospital = request.user.staff.hospital
        return {"hospital": hospital, "today": timezone.localdate().isoformat(), "aid_types": AID_TYPE_NAMES, **extra}

    def get(self, request):
        context = self._context(request, form={"insured": "on", "aid_type": "hospitalization"})
        id_number = (request.GET.get("id_number") or "").strip()
        correcting = self._correcting(request)
        if correcting is not None:
            context.update(form=correction_values(correcting), correcting=correcting)
            id_number = correcting.id_number
        if id_number:
            context["form"]["id_number"] = id_number
            context["refused"] = refused_at(context["hospital"], id_number)
            try:
                result = roll_lookup(user=request.user, id_number=id_number)
                region = Region.objects.filter(code=result["region"]).first()
                context["roll"] = {
                    **_labels(result),
                    "region_name": region.full_name if region else result["region"],
                    "periods": [
                        {**period, "category": CATEGORY_NAMES.get(period["category"], period["category"])}
                        for period in result["periods"]
                    ],
                }
            except InputErrors as error:
                context["roll_error"] = error.text()
            except NotFound as error:
                context["roll_error"] = str(error)
        return render(request, self.template_name, context)

    @staticmethod
    def _correcting(request):
        """The settlement of this hospital the county sent back for correction (?correct=), if any."""
        try:
            settlement = settlement_get(request.user, int(request.GET.get("correct") or 0))
        except (NotFound, ValueError):
            return None
        if settlement.refusal_code != RefusalCode.CORRECTION_NEEDED:
            return None
        settlement_read(user=request.user, settlement=settlement)  # the form shows its patient and stay
        return settlement

    def post(self, request):
        body = window_body(request.POST)
        quote_context = {}
        if request.POST.get("action") == "confirm":
            try:
                settlement = settlement_record(user=request.user, data=body)
            except (InputErrors, NoAidDue, Conflict) as error:
                quote_context = self._failure(error, request.POST)
            else:
                messages.success(
                    request,
                    _("Settlement %(number)s recorded; print the slip for the patient to sign.")
                    % {"number": settlement.number},
                )
                return redirect("workbench:settlement", pk=settlement.pk)
        else:
            try:
                quote = settlement_quote(user=request.user, data=body)
                quote_context = {"quote": _labels({**quote.as_json(), "aid_type": quote.aid_type})}
                region = Region.objects.filter(code=quote.period.region).first()
                quote_context["quote"]["region_name"] = region.full_name if region else quote.period.region
            except (InputErrors, NoAidDue, Conflict) as error:
                quote_context = self._failure(error, request.POST)
        if request.headers.get("X-Requested-With") == "fetch":
            return HttpResponse(render_to_string("settlements/_quote.html", quote_context, request=request))
        context = self._context(request, form=request.POST, **quote_context)
        status = 200 if "quote" in quote_context else 400
        return render(request, self.template_name, context, status=status)

    @staticmethod
    def _failure(error, post) -> dict:
        if isinstance(error, NoAidDue):
            return {"no_aid": {"detail": error.detail, "reasons": error.reasons, "calculation": error.result}}
        if isinstance(error, Conflict):
            return {"conflict": [message for messages_ in error.errors.values() for message in messages_]}
        # Each error beside the field it concerns, named as the screen names it.
        form = WindowForm(post)
        form.is_valid()
        add_service_errors(form, error.errors, WindowForm.SERVICE_FIELDS)
        return {"errors": error.errors, "window_form": form}


class SettlementListView(TemplateView):
    """Settlements by discharge month and status: the clerk's hospital's, or those a county pays."""

    template_name = "settlements/list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        params = self.request.GET
        month, state, q, context["errors"] = list_filters(params)
        queryset = with_resettlement(
            settlements_filter(settlements_visible(self.request.user), month=month, status=state, q=q)
        )
        page = EstimatedCountPaginator(queryset, 50).get_page(params.get("page"))
        export = {key: value for key, value in {"month": month, "status": state, "q": q}.items() if value}
        settlements_listed(user=self.request.user, settlements=page.object_list, filters=export)
        context.update(
            {
                "export_query": urlencode(export),
                "page": page,
                "month": month,
                "status": state,
                "q": q,
                "statuses": SettlementStatus.choices,
                "categories": CATEGORY_NAMES,
            }
        )
        return context


class SettlementDetailView(TemplateView):
    """A settlement: the patient, the stay and its calculation; opening it is a recorded read."""

    template_name = "settlements/detail.html"

    def get(self, request, *args, **kwargs):
        try:
            settlement = settlement_view(user=request.user, pk=kwargs["pk"])
        except NotFound:
            raise Http404(_("No such settlement.")) from None
        return self.render_to_response(self.get_context_data(settlement=settlement, **kwargs))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        settlement = kwargs.get("settlement")
        try:
            settlement = settlement or settlement_get(self.request.user, kwargs["pk"])
        except NotFound:
            raise Http404(_("No such settlement.")) from None
        region = Region.objects.filter(code=settlement.region).first()
        user = self.request.user
        own = role_of(user) == Role.HOSPITAL_CLERK and user.staff.hospital_id == settlement.hospital_id
        resettled = settlement_resettled(settlement)
        context.update(
            {
                "settlement": settlement,
                "region_name": region.full_name if region else settlement.region,
                "category_name": CATEGORY_NAMES.get(settlement.category, settlement.category),
                "aid_type_name": AID_TYPE_NAMES.get(settlement.aid_type, settlement.aid_type),
                "may_reverse": own and settlement.status == SettlementStatus.SETTLED,
                # Sent back for correction: the hospital settles the stay again, corrected.
                "resettled": resettled,
                "may_resettle": own and resettled is None and settlement.refusal_code == RefusalCode.CORRECTION_NEEDED,
                "reverse_form": kwargs.get("reverse_form") or ReverseForm(),
                **revocation_context(user, settlement=settlement, form=kwargs.get("revoke_form")),
                # Patients asked (aidflow.verifications, by its reverse relation).
                "verification": getattr(settlement, "verification", None),
                "may_ask": role_of(user) == Role.COUNTY_APPROVER and settlement.status in LIVE_STATUSES,
            }
        )
        return context


class SettlementSlipView(View):
    def get(self, request, pk):
        try:
            settlement = settlement_get(request.user, pk)
        except NotFound:
            raise Http404(_("No such settlement.")) from None
        data = slip_pdf(user=request.user, settlement=settlement)
        return attachment_bytes(data, filename=f"{settlement.number}.pdf", content_type="application/pdf", inline=True)


class SettlementReverseView(SettlementDetailView):
    """The hospital reverses a settlement made in error, with a reason, once confirmed; on an error
    the settlement's page is shown again with the reason typed (status 400)."""

    def post(self, request, pk):
        form = ReverseForm(request.POST)
        try:
            settlement = settlement_get(request.user, pk)
            if form.is_valid():
                confirmation = reversal_confirmation(settlement, form.cleaned_data["reason"])
                # Only the settling hospital is asked; anyone else hears the service's refusal.
                may_reverse = self.get_context_data(pk=pk)["may_reverse"]
                if may_reverse and not confirmation.given(request.POST):
                    confirmation.carry_post(request.POST)
                    return self.render_to_response(
                        self.get_context_data(pk=pk, reverse_form=form, confirmation=confirmation)
                    )
                settlement_reverse(user=request.user, settlement=settlement, reason=form.cleaned_data["reason"])
                messages.success(request, _("The settlement was reversed."))
                return redirect("workbench:settlement", pk=pk)
        except NotFound:
            raise Http404(_("No such settlement.")) from None
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict) as error:
            add_service_errors(form, error.errors)
        return self.render_to_response(self.get_context_data(pk=pk, reverse_form=form), status=400)


class ClaimListView(TemplateView):
    """Monthly claims; the hospital clerk submits one for a paying county and month here."""

    template_name = "settlements/claims.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        page = Paginator(claims_visible(user), 50).get_page(self.request.GET.get("page"))
        claims_listed(user=user, claims=page.object_list)
        form = kwargs.get("form") or ClaimForm(initial={"month": timezone.localdate().strftime("%Y-%m")})
        context.update({"page": page, "month": timezone.localdate().strftime("%Y-%m"), "form": form})
        if role_of(user) == Role.HOSPITAL_CLERK and user.staff.hospital_id:
            hospital = user.staff.hospital
            city = code_at(hospital.county_id, Level.CITY)
            context["hospital"] = hospital
            context["counties"] = Region.objects.filter(level=Level.COUNTY, code__startswith=city).order_by("code")
            context["waiting"] = (
                settlements_visible(user).filter(status=SettlementStatus.SETTLED, claim__isnull=True).count()
            )
        return context

    def post(self, request):
        form = ClaimForm(request.POST)
        try:
            if not form.is_valid():
                return self.render_to_response(self.get_context_data(form=form), status=400)
            data = {"month": form.cleaned_data["month"], "county": form.cleaned_data["county"] or None}
            claim = claim_submit(user=request.user, data=data)
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict) as error:
            add_service_errors(form, error.errors)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        messages.success(request, _("Claim %(number)s submitted.") % {"number": claim.number})
        return redirect("workbench:claim", pk=claim.pk)


SETTLEMENTS_PER_PAGE = 25


class ClaimDetailView(TemplateView):
    """A claim with each settlement and its calculation; the paying county's approver reviews here."""

    template_name = "settlements/claim.html"

    def _claim(self, pk, *, read: bool = False):
        """The claim, its read recorded when it is shown (`read`)."""
        try:
            return claim_view(user=self.request.user, pk=pk) if read else claim_get(self.request.user, pk)
        except NotFound:
            raise Http404(_("No such claim.")) from None

    def get(self, request, *args, **kwargs):
        return self.render_to_response(self.get_context_data(claim=self._claim(kwargs["pk"], read=True), **kwargs))

    @staticmethod
    def _page(claim, number):
        """A page of the claim's settlements: a month's claim may hold tens of thousands."""
        # Flagged and drawn settlements first (INTERFACES section 15): the review starts where the risk is.
        settlements = claim.settlements.order_by("-flagged", "discharge_date", "pk")
        return Paginator(settlements, SETTLEMENTS_PER_PAGE).get_page(number)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        claim = kwargs.get("claim") or self._claim(kwargs["pk"])
        county = Region.objects.filter(code=claim.county).first()
        page = kwargs.get("page") or self._page(claim, self.request.GET.get("page"))
        settlements = list(page.object_list)
        may_review = role_of(self.request.user) == Role.COUNTY_APPROVER and claim.status == ClaimStatus.SUBMITTED
        context.update(
            {
                "claim": claim,
                "county_name": county.full_name if county else claim.county,
                "other_payers": claim_other_payers(claim),
                "settlements": settlements,
                "categories": CATEGORY_NAMES,
                "may_review": may_review,
                "page": page,
            }
        )
        form = kwargs.get("form") or ClaimReviewForm(settlements=settlements if may_review else ())
        # Each settlement with its review fields, where the county reviews it now.
        rows = form.rows() if may_review else [(settlement, None, None, None) for settlement in settlements]
        context.update({"form": form, "rows": rows, "reviewed": self.request.POST.getlist("reviewed")})
        return context

    def post(self, request, pk):
        """The review, once what is paid and what refused (and as what) is confirmed; on an error
        the claim is shown again with each settlement's choice and reason as they were (400)."""
        claim = self._claim(pk)
        # The refusals are those of the page the approver reviewed on.
        page = self._page(claim, request.POST.get("page"))
        form = ClaimReviewForm(request.POST, settlements=list(page.object_list))
        valid = form.is_valid()
        refusals = form.refusals()
        data = {
            "decision": request.POST.get("decision"),
            "rejected_settlements": refusals,
            "reviewed_settlements": [int(pk) for pk in request.POST.getlist("reviewed") if pk.isdigit()],
            "reasons": (form.cleaned_data.get("reasons") or "").strip(),
        }
        again = {"claim": claim, "form": form, "page": page}
        try:
            counts = claim_review_check(user=request.user, claim=claim, data=data)
            if not valid:
                return self.render_to_response(self.get_context_data(pk=pk, **again), status=400)
            confirmation = review_confirmation(claim, counts, data["reasons"])
            if not confirmation.given(request.POST):
                confirmation.carry_post(request.POST)
                return self.render_to_response(self.get_context_data(pk=pk, confirmation=confirmation, **again))
            claim = claim_review(user=request.user, claim=claim, data=data)
        except NotFound:
            raise Http404(_("No such claim.")) from None
        except ActionForbidden as error:
            return HttpResponseForbidden(str(error))
        except (InputErrors, Conflict) as error:
            # The form's own errors name the rows; the service's add what the form cannot know.
            if valid or isinstance(error, Conflict):
                add_service_errors(form, error.errors, form.service_fields(refusals))
            status = 409 if isinstance(error, Conflict) else 400
            return self.render_to_response(self.get_context_data(pk=pk, **again), status=status)
        messages.success(request, _("Claim %(number)s reviewed.") % {"number": claim.number})
        return redirect("workbench:claim", pk=pk)
