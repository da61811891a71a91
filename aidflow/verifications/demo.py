"""Demo data: the county approver asks the patient's township about the latest live settlement."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from aidflow.settlements.models import LIVE_STATUSES, Settlement
from aidflow.verifications.models import Verification
from aidflow.verifications.services import verification_request


def seed_demo_verifications(stdout, *, approver: str, county: str) -> None:
    user = get_user_model().objects.get(username=approver)
    settlement = (
        Settlement.objects.filter(county=county, status__in=LIVE_STATUSES, verification__isnull=True)
        .order_by("-settled_at", "-pk")
        .first()
    )
    if settlement is None or Verification.objects.filter(county=county).exists():
        return
    verification = verification_request(user=user, settlement_id=settlement.pk)
    stdout.write(f"Patient to be asked about settlement {settlement.number} (due {verification.due_date}).")
