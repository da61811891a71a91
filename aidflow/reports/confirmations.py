"""What the month's sign-off asks the county approver to confirm: the month's totals, frozen once
signed (aidflow/core/confirmation.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aidflow.core.confirmation import Confirmation


def signoff_confirmation(region_name: str, month: str, figures: dict) -> Confirmation:
    totals = figures["totals"]
    failed = [check for check in figures.get("checks", []) if not check["ok"]]
    facts = [
        (_("Region"), region_name),
        (_("Month"), month),
        (_("Persons"), str(totals["persons"])),
        (_("Person-times"), str(totals["person_times"])),
        (_("Medical aid"), _("%(amount)s yuan") % {"amount": totals["aid"]}),
        (
            _("Logic checks"),
            _("%(count)d failed") % {"count": len(failed)} if failed else _("all passed"),
        ),
    ]
    return Confirmation(
        title=_("Sign off and submit this month?"),
        lead=_(
            "The figures are frozen with your name, the time and their SHA-256 and cannot be withdrawn; "
            "a later change to a case shows as a late correction."
        ),
        facts=facts,
        action=_("Sign off and submit"),
        back="signoff",
        opener="month-submit",
    )
