"""One decide function per stage: what the decision records and what it changes on the case.

Each takes the locked application, the stage record being written and the clean payload, and
returns its Outcome: the route the flow is to take and any documents stored. Routing itself is
the flow's: see workflows/medical_aid.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.cases.choices import Decision, DocumentKind, StageAction, Status
from aidflow.cases.models import Application, Document, StageRecord
from aidflow.cases.services.calculation import application_recalculate, calculation_store
from aidflow.cases.services.claims import claims_release
from aidflow.cases.services.corrections import corrections_apply
from aidflow.cases.services.documents import documents_store
from aidflow.cases.services.ledger import ledger_record
from aidflow.core.errors import Conflict, InputErrors
from aidflow.core.fields import money_text
from aidflow.core.locks import person_lock
from aidflow.policy.models import Category, ReasonCode
from aidflow.regions.stages import Stage
from workflows.models import Route


@dataclass
class Outcome:
    """What a decision asks of the flow (None: the one way on) and the documents it stored."""

    route: Route | None = None
    documents: list[Document] = field(default_factory=list)


ACTION_OF_ROUTE = {Route.FORWARD: StageAction.FORWARDED, Route.RETURN: StageAction.RETURNED}


def _refuse(application: Application, record: StageRecord) -> None:
    """A refusal ends the claim: the stays may be claimed again, e.g. with new facts."""
    application.status, application.decision, application.amount = Status.REJECTED, Decision.REJECTED, None
    record.action = StageAction.REJECTED
    claims_release(application)


def certificate_required(application: Application) -> bool:
    """No roll, no word (INTERFACES section 11): where the county keeps no roll to check a key
    recipient's category against, a certificate of it must be on the case."""
    return application.category != Category.LOW_INCOME and not application.roll_checked


def village_check_decide(application, record, clean, *, user, documents, **_context) -> Outcome:
    """The village committee checks the materials: forward to the township, or return."""
    record.action = ACTION_OF_ROUTE[clean["decision"]]
    record.findings, record.missing = clean["findings"], clean["missing"]
    stored = (
        documents_store(application=application, documents=documents, user=user, stage=Stage.VILLAGE_CHECK)
        if documents
        else []
    )
    if (
        clean["decision"] == Route.FORWARD
        and certificate_required(application)
        and not application.documents.filter(kind=DocumentKind.CATEGORY_CERTIFICATE).exists()
    ):
        raise InputErrors(
            {
                "documents": [
                    _(
                        "The county keeps no roll to check the category %(category)s against: add the certificate "
                        "of the category (document kind: category certificate) before forwarding."
                    )
                    % {"category": application.category_name}
                ]
            }
        )
    return Outcome(Route(clean["decision"]), documents=stored)


def township_review_decide(application, record, clean, **_context) -> Outcome:
    """The township visits the home: forward to the county, refuse with reasons, or return."""
    route = Route(clean["decision"])
    record.visit_date, record.visitors = clean["visit_date"], clean["visitors"]
    record.findings, record.reasons, record.missing = clean["findings"], clean["reasons"], clean["missing"]
    if route == Route.REJECT:
        _refuse(application, record)
    else:
        record.action = ACTION_OF_ROUTE[route]
    return Outcome(route)


def excluded_costs_clean(application: Application, raw: list[dict]) -> list[dict]:
    """The county's findings of non-compliant costs checked against the stays: each amount above
    zero and, per stay, together at most that stay's compliant cost."""
    if not raw:
        return []
    stays = {stay.index: stay for stay in application.stays.all()}
    errors: dict[str, list[str]] = {}
    totals: dict[int, Decimal] = {}
    for position, item in enumerate(raw):
        stay = stays.get(item["stay"])
        if stay is None:
            errors[f"excluded_costs[{position}].stay"] = [
                _("The application has no stay %(index)s (stays are counted from 0).") % {"index": item["stay"]}
            ]
            continue
        totals[item["stay"]] = totals.get(item["stay"], Decimal("0.00")) + item["amount"]
        if totals[item["stay"]] > stay.eligible_cost:
            errors[f"excluded_costs[{position}].amount"] = [
                _("The costs excluded from stay %(index)s exceed its compliant cost %(cost)s.")
                % {"index": item["stay"], "cost": money_text(stay.eligible_cost)}
            ]
    if errors:
        raise InputErrors(errors)
    return [{"stay": item["stay"], "amount": money_text(item["amount"]), "reason": item["reason"]} for item in raw]


def approved_amount(application: Application, clean: dict):
    """The award is what the rules compute on the facts found ("不低于70%" is a floor, seed 002 line
    ~1784): never a lower figure. Costs the county finds non-compliant come off the compliant cost and
    the calculation reruns; a claim below the deductible is approved at 0.00 so its costs count."""
    application.excluded_costs = excluded_costs_clean(application, clean["excluded_costs"])
    result = application_recalculate(application)
    if not result.eligible:
        raise InputErrors({"decision": [_("The calculation finds the applicant not eligible; reject or return.")]})
    computed = result.amount
    if clean["amount"] is not None and clean["amount"] != computed:
        raise InputErrors(
            {
                "amount": [
                    _(
                        "The award is the computed amount %(amount)s. Record costs found non-compliant as "
                        "excluded costs instead; the amount is then computed again."
                    )
                    % {"amount": money_text(computed)}
                ]
            }
        )
    if computed <= 0 and ReasonCode.BELOW_DEDUCTIBLE not in result.reason_codes:
        raise InputErrors({"decision": [_("Nothing is due on this claim; refuse it with reasons.")]})
    return result, computed


def county_approval_decide(application, record, clean, **_context) -> Outcome:
    """The county decides: approve at the computed amount, refuse with reasons, or return."""
    route = Route(clean["decision"])
    record.reasons, record.missing = clean["reasons"], clean["missing"]
    if route == Route.APPROVE:
        # The person's history is read and then added to: one route at a time per person.
        person_lock(application.id_number)
        result, amount = approved_amount(application, clean)
        calculation_store(application, result)
        application.status, application.decision, application.amount = Status.APPROVED, Decision.APPROVED, amount
        record.action, record.amount = StageAction.APPROVED, amount
        ledger_record(application, application.calculation)
    elif route == Route.REJECT:
        _refuse(application, record)
        application.decided_on = timezone.localdate()
    else:
        record.action = StageAction.RETURNED
    return Outcome(route)


def supplement_decide(application, record, clean, *, user, documents, **_context) -> Outcome:
    """The clerk resubmits with the missing materials, and any corrections of household or stays."""
    record.action = StageAction.RESUBMITTED
    record.findings = clean["note"]
    corrected = clean.pop("corrected_input", None)
    if corrected is not None:
        clean["corrections"] = corrections_apply(application, corrected)
    return Outcome(
        documents=documents_store(application=application, documents=documents, user=user, stage=Stage.SUPPLEMENT)
    )


def notice_delivery_decide(application, record, clean, **_context) -> Outcome:
    """The township records how and to whom the decision notice was delivered - once its PDF exists,
    and never on a day before it was issued (the remedy periods run from delivery)."""
    notices = list(application.notices.values_list("sha256", "issued_at"))
    if any(not sha256 for sha256, _issued in notices):
        raise Conflict(
            {"notice": [_("The decision notice's PDF is still being rendered: deliver it once it can be printed.")]}
        )
    latest = max((issued for _sha256, issued in notices), default=None)
    if latest is not None and clean["delivered_on"] < timezone.localtime(latest).date():
        raise InputErrors(
            {
                "delivered_on": [
                    _("The notice was issued on %(issued)s: it cannot have been delivered before that.")
                    % {"issued": timezone.localtime(latest).date().isoformat()}
                ]
            }
        )
    record.action = StageAction.DELIVERED
    record.delivered_on, record.delivery_method = clean["delivered_on"], clean["method"]
    record.recipient = clean["recipient"]
    return Outcome()


DECIDE = {
    Stage.VILLAGE_CHECK: village_check_decide,
    Stage.TOWNSHIP_REVIEW: township_review_decide,
    Stage.COUNTY_APPROVAL: county_approval_decide,
    Stage.SUPPLEMENT: supplement_decide,
    Stage.NOTICE_DELIVERY: notice_delivery_decide,
}
