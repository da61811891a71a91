"""What the case page asks a user to confirm before a decision that cannot be undone: the county's
approval or refusal, the township's refusal, and a withdrawal (aidflow/core/confirmation.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aidflow.cases.models import Application
from aidflow.cases.services.tasks import TaskCheck
from aidflow.core.confirmation import Confirmation
from aidflow.core.fields import money_text
from aidflow.regions.stages import Stage
from workflows.models import Route

# The decisions that end a case or award money; the others (forward, return, delivery) lead on to
# another person's check.
CONFIRMED_DECISIONS = {
    (Stage.COUNTY_APPROVAL, Route.APPROVE),
    (Stage.COUNTY_APPROVAL, Route.REJECT),
    (Stage.TOWNSHIP_REVIEW, Route.REJECT),
}


def needs_confirmation(stage: str, payload: dict) -> bool:
    return (stage, payload.get("decision")) in CONFIRMED_DECISIONS


def yuan(amount) -> str:
    return _("%(amount)s yuan") % {"amount": money_text(amount)}


def _case_facts(application: Application) -> list[tuple[str, str]]:
    return [(_("Application number"), application.number), (_("Applicant"), application.applicant_name)]


def decision_confirmation(check: TaskCheck) -> Confirmation:
    """The summary of a decision about to be taken: who, how much or why, and what follows."""
    application, clean = check.application, check.clean
    facts = _case_facts(application)
    common = {"back": "task-form", "opener": "task-submit"}
    if check.stage == Stage.COUNTY_APPROVAL and clean["decision"] == Route.APPROVE:
        facts.append((_("Aid awarded"), yuan(check.amount)))
        for item in clean.get("excluded_costs") or []:
            facts.append(
                (
                    _("Excluded from stay %(number)d") % {"number": item["stay"] + 1},
                    f"{yuan(item['amount'])} - {item['reason']}",
                )
            )
        if check.amount is not None and check.amount == 0:
            facts.append((_("Why 0.00"), _("below the annual deductible: the costs count toward it")))
        return Confirmation(
            title=_("Approve this application?"),
            lead=_(
                "The approval notice is issued at once and the amount becomes payable; "
                "an approval cannot be taken back."
            ),
            facts=facts,
            action=_("Approve %(amount)s") % {"amount": yuan(check.amount)},
            **common,
        )
    facts.append((_("Reasons"), clean["reasons"]))
    if check.stage == Stage.COUNTY_APPROVAL:
        return Confirmation(
            title=_("Refuse this application?"),
            lead=_(
                "The refusal notice is issued at once with these reasons, the case closes after "
                "its delivery, and its hospital stays are freed."
            ),
            facts=facts,
            action=_("Refuse the application"),
            danger=True,
            **common,
        )
    return Confirmation(
        title=_("Find the applicant not eligible?"),
        lead=_(
            "A written notice (告知书) tells the applicant these reasons; the case does not go on to "
            "the county and closes after the notice's delivery."
        ),
        facts=facts,
        action=_("Find not eligible"),
        danger=True,
        **common,
    )


def withdraw_confirmation(application: Application, reason: str) -> Confirmation:
    return Confirmation(
        title=_("Withdraw this application?"),
        lead=_(
            "The case closes now and cannot be reopened; its hospital stays are freed, so a new "
            "application may claim them."
        ),
        facts=[
            *_case_facts(application),
            (_("Stage"), application.get_stage_display()),
            (_("Reason for withdrawing"), reason.strip()),
        ],
        action=_("Withdraw the application"),
        back="withdraw",
        opener="withdraw-submit",
        danger=True,
    )
