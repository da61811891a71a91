"""One decide function per stage: what the decision records and what it changes on the case.

Each takes the locked application, the stage record being written and the clean payload, and
returns its Outcome: the route the flow is to take and any documents stored. Routing itself is
the flow's: see workflows/medical_aid.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from aidflow.cases.choices import Decision, StageAction, Status
from aidflow.cases.models import Application, Document, StageRecord
from aidflow.cases.services.calculation import application_recalculate, calculation_store
from aidflow.cases.services.claims import claims_release
from aidflow.cases.services.corrections import corrections_apply
from aidflow.cases.services.documents import documents_store
from aidflow.cases.services.ledger import ledger_record
from aidflow.core.errors import Conflict, InputErrors
from aidflow.core.fields import money_text
from aidflow.core.locks import person_lock
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


def village_check_decide(application, record, clean, **_context) -> Outcome:
    """The village committee checks the materials: forward to the township, or return."""
    record.action = ACTION_OF_ROUTE[clean["decision"]]
    record.findings, record.missing = clean["findings"], clean["missing"]
    return Outcome(Route(clean["decision"]))


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


def approved_amount(application: Application, clean: dict):
    """The amount to award: the computed one unless the approver gives less, with a reason."""
    result = application_recalculate(application)
    if not result.eligible:
        raise InputErrors({"decision": [_("The calculation finds the applicant not eligible; reject or return.")]})
    computed = result.amount
    amount = clean["amount"] if clean["amount"] is not None else computed
    if amount > computed:
        raise InputErrors(
            {"amount": [_("The amount may not exceed the computed %(amount)s.") % {"amount": money_text(computed)}]}
        )
    if amount < computed and not clean["override_reason"]:
        raise InputErrors({"override_reason": [_("Give the reason for awarding less than the computed amount.")]})
    if amount <= 0:
        raise InputErrors({"amount": [_("An approval needs an amount above zero.")]})
    return result, amount


def county_approval_decide(application, record, clean, **_context) -> Outcome:
    """The county decides: approve (at most the computed amount), refuse with reasons, or return."""
    route = Route(clean["decision"])
    record.reasons, record.missing = clean["reasons"], clean["missing"]
    if route == Route.APPROVE:
        # The person's history is read and then added to: one route at a time per person.
        person_lock(application.id_number)
        result, amount = approved_amount(application, clean)
        calculation_store(application, result)
        application.status, application.decision, application.amount = Status.APPROVED, Decision.APPROVED, amount
        record.action, record.amount = StageAction.APPROVED, amount
        record.override_reason = clean["override_reason"] if amount < result.amount else ""
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
    """The township records how and to whom the decision notice was delivered - once its PDF exists."""
    if application.notices.filter(sha256="").exists():
        raise Conflict(
            {"notice": [_("The decision notice's PDF is still being rendered: deliver it once it can be printed.")]}
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
