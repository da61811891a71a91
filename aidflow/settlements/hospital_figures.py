"""A hospital watched by the county (INTERFACES section 15, item 4): its settlements paid by the
reader's counties over the last 12 months, month by month; its refusals by code; the patients'
answers that contradicted its slips; and how it compares with the other hospitals the same counties
pay - aid per settlement, the share refused, the share flagged. A few grouped queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.db.models.functions import TruncMonth

from aidflow.regions.scope import scope_q
from aidflow.settlements.models import Settlement, SettlementStatus

ZERO = Decimal("0.00")
COUNTED = (SettlementStatus.SETTLED, SettlementStatus.CLAIMED, SettlementStatus.APPROVED, SettlementStatus.REFUSED)
REFUSED = Q(status=SettlementStatus.REFUSED) | Q(part_refused_cost__isnull=False)


def _share(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1")) if whole else None


def hospital_figures(*, user, hospital, today: datetime.date) -> dict:
    start = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    paid_here = Settlement.objects.filter(scope_q(user, "county"), status__in=COUNTED, discharge_date__gte=start)
    own = paid_here.filter(hospital=hospital)
    months = list(
        own.annotate(month=TruncMonth("discharge_date"))
        .values("month")
        .annotate(
            count=Count("pk"),
            aid=Sum("amount", filter=~Q(status=SettlementStatus.REFUSED)),
            refused=Count("pk", filter=REFUSED),
            refused_aid=Sum("amount", filter=Q(status=SettlementStatus.REFUSED)),
            part_aid=Sum("part_refused_aid"),
            flagged=Count("pk", filter=Q(flagged=True)),
        )
        .order_by("month")
    )
    refusals = list(
        own.filter(REFUSED)
        .values("refusal_code")
        .annotate(count=Count("pk"), whole=Count("pk", filter=Q(status=SettlementStatus.REFUSED)))
        .annotate(aid=Sum("amount", filter=Q(status=SettlementStatus.REFUSED)), part_aid=Sum("part_refused_aid"))
        .order_by("-count", "refusal_code")
    )
    findings = list(
        own.filter(verification__finding=True)
        .values("pk", "number", "discharge_date", "verification__pk", "verification__finding_text")
        .order_by("-discharge_date")[:50]
    )
    hospitals = list(
        paid_here.values("hospital_id", "hospital__code", "hospital__name", "hospital__level")
        .annotate(
            count=Count("pk"),
            average=Avg("amount", filter=~Q(status=SettlementStatus.REFUSED)),
            refused=Count("pk", filter=REFUSED),
            flagged=Count("pk", filter=Q(flagged=True)),
        )
        .order_by("-count", "hospital__code")
    )
    for row in hospitals:
        row["refused_share"] = _share(row["refused"], row["count"])
        row["flagged_share"] = _share(row["flagged"], row["count"])
        row["average"] = (row["average"] or ZERO).quantize(Decimal("0.01"))
        row["this"] = row["hospital_id"] == hospital.pk
    total = sum(row["count"] for row in hospitals)
    all_paid = paid_here.exclude(status=SettlementStatus.REFUSED).aggregate(average=Avg("amount"))["average"]
    return {
        "from": start,
        "months": months,
        "refusals": refusals,
        "findings": findings,
        "hospitals": hospitals,
        "county": {
            "count": total,
            "average": (all_paid or ZERO).quantize(Decimal("0.01")),
            "refused_share": _share(sum(row["refused"] for row in hospitals), total),
            "flagged_share": _share(sum(row["flagged"] for row in hospitals), total),
        },
    }
