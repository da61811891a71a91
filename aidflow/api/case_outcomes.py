"""What happened to a case after its decision, as the application's detail shows it (INTERFACES
section 13): the approval's revocation and the reconsiderations and lawsuits against the decision."""

from __future__ import annotations

from rest_framework import serializers

from aidflow.api.calculation_serializers import MoneyField
from aidflow.appeals.selectors import appeals_of
from aidflow.recoveries.selectors import recovery_of, revocation_of


class RevocationInfoSerializer(serializers.Serializer):
    """An approval the county revoked: its notice and what is owed back."""

    notice = serializers.CharField(help_text="the revocation notice's number")
    revoked_at = serializers.DateTimeField()
    reasons = serializers.CharField()
    amount = MoneyField(help_text="the aid revoked")
    paid = MoneyField(help_text="what had been paid out when it was revoked")
    recovery = serializers.CharField(allow_null=True, help_text="the recovery's number, when money is owed back")
    outstanding = MoneyField(allow_null=True, help_text="what is still owed back")


class AppealInfoSerializer(serializers.Serializer):
    """A reconsideration or lawsuit against the decision, and its outcome once recorded."""

    id = serializers.IntegerField()
    kind = serializers.CharField(help_text="reconsideration or lawsuit")
    notice = serializers.CharField(allow_null=True, help_text="the decision notice appealed")
    received_on = serializers.DateField()
    period_ends = serializers.DateField()
    late = serializers.BooleanField()
    body = serializers.CharField()
    case_number = serializers.CharField()
    outcome = serializers.CharField(help_text="upheld, revoked, changed or withdrawn; empty while pending")
    decided_on = serializers.DateField(allow_null=True)
    reopened = serializers.BooleanField(help_text="the outcome sent the case back to the county")


def revocation_info(application) -> dict | None:
    revocation = revocation_of(application=application)
    if revocation is None:
        return None
    recovery = recovery_of(revocation)
    info = {
        "notice": revocation.notice.number,
        "revoked_at": revocation.revoked_at,
        "reasons": revocation.reasons,
        "amount": revocation.amount,
        "paid": revocation.paid,
        "recovery": recovery.number if recovery else None,
        "outstanding": recovery.outstanding if recovery else None,
    }
    return RevocationInfoSerializer(info).data


def appeals_info(application) -> list[dict]:
    appeals = sorted(appeals_of(application), key=lambda appeal: (appeal.received_on, appeal.pk))
    return [
        AppealInfoSerializer(
            {
                "id": appeal.pk,
                "kind": appeal.kind,
                "notice": appeal.notice.number if appeal.notice else None,
                "received_on": appeal.received_on,
                "period_ends": appeal.period_ends,
                "late": appeal.late,
                "body": appeal.body,
                "case_number": appeal.case_number,
                "outcome": appeal.outcome,
                "decided_on": appeal.decided_on,
                "reopened": appeal.reopened_at is not None,
            }
        ).data
        for appeal in appeals
    ]
