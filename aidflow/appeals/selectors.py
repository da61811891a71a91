"""Reads of the appeals: a case's appeals and the periods open against its decision, and the
month's counts for the statistics."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.db.models.functions import Substr

from aidflow.appeals.models import Appeal, AppealKind, AppealOutcome
from aidflow.calendars.services import remedy_deadlines
from aidflow.cases.choices import NoticeKind
from aidflow.cases.models import Application
from aidflow.cases.selectors import delivery_record
from aidflow.regions.models import Region, Role
from aidflow.regions.scope import in_scope, role_of
from aidflow.regions.stages import Stage, stage_rule

DECISION_NOTICES = (NoticeKind.APPROVAL, NoticeKind.REJECTION)


@dataclass(frozen=True)
class Periods:
    """The delivered decision notice an appeal is against, and the last days of its two periods."""

    notice: object
    delivered_on: datetime.date
    reconsideration: datetime.date
    lawsuit: datetime.date

    def ends(self, kind: str) -> datetime.date:
        return self.reconsideration if kind == AppealKind.RECONSIDERATION else self.lawsuit


def appeal_periods(application: Application) -> Periods | None:
    """The periods open against the case's decision, counted from the delivery of its decision
    notice (决定书); None before delivery, while the case is open again, or with no decision."""
    if application.stage != Stage.CLOSED or application.decision is None:
        return None
    delivery = delivery_record(application)
    notice = application.notices.filter(kind__in=DECISION_NOTICES).order_by("-issued_at", "-pk").first()
    if delivery is None or delivery.delivered_on is None or notice is None:
        return None
    return Periods(notice=notice, delivered_on=delivery.delivered_on, **remedy_deadlines(delivery.delivered_on))


def may_record_appeals(user, application: Application) -> bool:
    """The county approver of the case's county records appeals and their outcomes."""
    return role_of(user) == Role.COUNTY_APPROVER and in_scope(
        user, application.village_id, [stage_rule(Stage.COUNTY_APPROVAL).permission]
    )


def appeals_of(application: Application) -> list[Appeal]:
    return list(application.appeals.select_related("recorded_by", "outcome_by", "decision_document", "notice"))


def _counts(queryset, date_field: str, first, last, region: str, group: str) -> dict:
    rows = (
        queryset.filter(**{f"{date_field}__gte": first, f"{date_field}__lte": last})
        .filter(application__village__code__startswith=region)
        .annotate(county=Substr("application__village_id", 1, 6))
        .values("county", *group.split(","))
        .annotate(count=Count("pk"))
        .order_by()
    )
    return rows


def appeal_counts(*, region: str, first: datetime.date, last: datetime.date) -> dict:
    """Appeals received and outcomes recorded in [first, last] within `region`: per kind, per kind
    and outcome, and the same per county - the statistics' `appeals` block."""

    def empty() -> dict:
        return {
            "received": {kind: 0 for kind in AppealKind.values},
            "decided": {kind: {outcome: 0 for outcome in AppealOutcome.values} for kind in AppealKind.values},
        }

    totals, by_county = empty(), {}
    for row in _counts(Appeal.objects.all(), "received_on", first, last, region, "kind"):
        totals["received"][row["kind"]] += row["count"]
        by_county.setdefault(row["county"], empty())["received"][row["kind"]] += row["count"]
    decided = Appeal.objects.exclude(outcome="")
    for row in _counts(decided, "decided_on", first, last, region, "kind,outcome"):
        totals["decided"][row["kind"]][row["outcome"]] += row["count"]
        by_county.setdefault(row["county"], empty())["decided"][row["kind"]][row["outcome"]] += row["count"]
    names = dict(Region.objects.filter(code__in=by_county).values_list("code", "name"))
    for code, block in by_county.items():
        block["name"] = names.get(code, "")
    return {**totals, "by_county": dict(sorted(by_county.items()))}
