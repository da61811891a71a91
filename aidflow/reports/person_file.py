"""The person file: everything AidFlow holds on one person, as far as the reader's region reaches -
roll periods, every application with its payments and notices, every one-stop settlement, the
revocations and the recoveries they made, and each
medical year's use per aid type (what counts toward the cap and the deductible, read through the
cases' history selector, which sums every route). Opening it is a recorded read, like a case file."""

from __future__ import annotations

from django.utils.translation import gettext as _

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_read
from aidflow.cases.selectors import applications_visible, history_sums
from aidflow.core.errors import NotFound
from aidflow.core.identity import mask_resident_id, parse_resident_id
from aidflow.notices.models import Notice
from aidflow.payments.models import PaymentLine
from aidflow.policy.models import AidType
from aidflow.recoveries.selectors import person_revocations
from aidflow.regions.scope import scope_q
from aidflow.rolls.models import RollChange, RollConflict, RollPeriod
from aidflow.settlements.selectors import settlements_visible
from aidflow.subsidies.models import PremiumEntry

PERSON_FILE_READ = AuditAction.PERSON_FILE_READ


def _number(id_number: str) -> str:
    try:
        return parse_resident_id(str(id_number or "").strip().upper()).number
    except Exception:
        raise NotFound(_("No person with this ID number in your region.")) from None


def person_file(*, user, id_number: str) -> dict:
    """The person's file within the user's scope; NotFound when nothing of theirs lies in it (the same
    for a person who exists elsewhere and one who does not exist)."""
    number = _number(id_number)
    applications = list(
        applications_visible(user).filter(id_number=number).select_related("village").order_by("filed_at", "pk")
    )
    settlements = list(settlements_visible(user).filter(id_number=number).order_by("discharge_date", "pk"))
    rolls = list(RollPeriod.objects.filter(id_number=number).filter(scope_q(user, "region")).order_by("valid_from"))
    # The roll's change history and the rows held between counties, in the reader's region.
    roll_changes = list(
        RollChange.objects.filter(id_number=number).filter(scope_q(user, "region")).select_related("actor")[:200]
    )
    premiums = list(
        PremiumEntry.objects.filter(id_number=number)
        .filter(scope_q(user, "county"))
        .select_related("roster")
        .order_by("-year")
    )
    conflicts = list(
        RollConflict.objects.filter(id_number=number).filter(scope_q(user, "region") | scope_q(user, "other_county"))
    )
    if not (applications or settlements or rolls or roll_changes):
        raise NotFound(_("No person with this ID number in your region."))
    payments = list(
        PaymentLine.objects.filter(application__in=applications)
        .select_related("batch", "application")
        .order_by("batch__created_at", "pk")
    )
    revocations, recoveries = person_revocations(user=user, id_number=number)
    notices = list(
        (Notice.objects.filter(application__in=applications) | Notice.objects.filter(settlement__in=settlements))
        .select_related("application", "settlement")
        .order_by("issued_at")
    )
    years = sorted(
        {(item.medical_year, item.aid_type) for item in [*applications, *settlements]},
        key=lambda pair: (-pair[0], pair[1]),
    )
    history = []
    for year, aid_type in years:
        used = history_sums(id_number=number, aid_type=aid_type, year=year)
        history.append(
            {
                "year": year,
                "aid_type": aid_type,
                "aid_type_label": str(AidType(aid_type).label) if aid_type in AidType.values else aid_type,
                # What the year's approved claims and live settlements left after insurance: it counts
                # toward the deductible; what they granted counts against the annual cap.
                "remaining_counted": used.remaining_before,
                "aid_granted": used.granted_before,
            }
        )
    names = [item.patient_full_name for item in applications] + [item.name for item in [*settlements, *rolls]]
    audit_read(
        actor=user,
        action=PERSON_FILE_READ,
        details={
            "id_number": mask_resident_id(number),
            "applications": len(applications),
            "settlements": len(settlements),
            "roll_periods": len(rolls),
            "revocations": len(revocations),
        },
    )
    return {
        "id_number": number,
        "name": names[0] if names else "",
        "roll_periods": rolls,
        "roll_changes": roll_changes,
        "roll_conflicts": conflicts,
        "premium_subsidies": premiums,
        "applications": applications,
        "settlements": settlements,
        "payments": payments,
        "notices": notices,
        "history": history,
        "revocations": revocations,
        "recoveries": recoveries,
    }
