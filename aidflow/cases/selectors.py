"""Reads of the case file, shared by the web screens and the API: what a user may see, what waits
for them, list filters, the open task, and what a person's approved applications already used."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Prefetch, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from aidflow.cases.choices import ClockOutcome, StageAction, Status
from aidflow.cases.models import Application, StageClock, StageRecord
from aidflow.core.errors import NotFound
from aidflow.core.payment import PaymentStatus
from aidflow.core.search import name_or_number
from aidflow.policy.models import WarningCode
from aidflow.policy.requests import History
from aidflow.regions.models import Role
from aidflow.regions.scope import in_scope, role_of, scope_q
from aidflow.regions.stages import Stage, stage_rule, stages_of

OPEN_TASK_STATUSES = (STATUS.NEW, STATUS.ASSIGNED, STATUS.STARTED)


def applications_visible(user) -> QuerySet[Application]:
    """Applications inside the user's scope, as an SQL prefix filter on the village code."""
    return Application.objects.filter(scope_q(user, "village__code"))


def application_get(*, user, pk) -> Application:
    """One application, or NotFound when it does not exist or lies outside the user's scope."""
    try:
        return applications_visible(user).select_related("village__parent__parent", "policy").get(pk=pk)
    except (Application.DoesNotExist, ValueError, TypeError):
        raise NotFound(_("No such application.")) from None


def inbox(user) -> QuerySet[Application]:
    """Applications waiting for this user: their current stage is one the user works on, in scope."""
    queryset = Application.objects.none()
    for stage in stages_of(role_of(user)):
        queryset = queryset | Application.objects.filter(
            scope_q(user, "village__code", [stage_rule(stage).permission]), stage=stage
        )
    return queryset


def overdue_filter(queryset: QuerySet[Application], today: datetime.date | None = None) -> QuerySet[Application]:
    """Applications whose current stage is past its due date."""
    today = today or timezone.localdate()
    return queryset.filter(stage_due_date__lt=today).exclude(stage=Stage.CLOSED)


PAYMENT_FILTERS = {
    "unpaid": (PaymentStatus.UNPAID, PaymentStatus.IN_BATCH),
    "paid": (PaymentStatus.PAID,),
    "failed": (PaymentStatus.FAILED,),
}


@dataclass(frozen=True)
class ListFilters:
    """The filters of an application list, read leniently from query parameters (unknown values are ignored)."""

    stage: str = ""
    status: str = ""
    q: str = ""
    overdue: bool = False
    # unpaid (未发放: approved, not paid yet, in a batch or not), paid, failed.
    payment: str = ""
    # A calculation warning code (INTERFACES section 11), e.g. INSURANCE_IMPLAUSIBLE.
    warning: str = ""

    @classmethod
    def from_params(cls, params) -> ListFilters:
        stage = params.get("stage") or ""
        status = params.get("status") or ""
        return cls(
            stage=stage if stage in Stage.values else "",
            status=status if status in Status.values else "",
            q=(params.get("q") or "").strip(),
            overdue=params.get("overdue") in ("true", "1", "on"),
            payment=params.get("payment") if params.get("payment") in PAYMENT_FILTERS else "",
            warning=params.get("warning") if params.get("warning") in WarningCode.values else "",
        )


APPLICATION_NUMBER = re.compile(r"[0-9]{6}-[0-9]{4}-[0-9]{5,}")
RESIDENT_ID = re.compile(r"[0-9]{17}[0-9Xx]")


def applications_search(queryset: QuerySet[Application], text: str) -> QuerySet[Application]:
    """The search box: a whole application number or resident ID is looked up exactly (unique and
    indexed); one or two Chinese characters are the beginning of the applicant's name (a surname);
    anything else matches inside names and numbers (aidflow.core.search)."""
    if APPLICATION_NUMBER.fullmatch(text):
        return queryset.filter(number=text)
    if RESIDENT_ID.fullmatch(text):
        return queryset.filter(id_number=text.upper())
    return name_or_number(queryset, text, name="applicant_name", number="number")


def applications_filter(queryset: QuerySet[Application], filters: ListFilters) -> QuerySet[Application]:
    """Apply a list's filters and its order: most urgent first (by due date, cases without a limit
    after them), newest filings first among equals."""
    if filters.stage:
        queryset = queryset.filter(stage=filters.stage)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.q:
        queryset = applications_search(queryset, filters.q)
    if filters.overdue:
        queryset = overdue_filter(queryset)
    if filters.payment:
        queryset = queryset.filter(status=Status.APPROVED, payment_status__in=PAYMENT_FILTERS[filters.payment])
    if filters.warning:
        queryset = queryset.filter(warning_codes__contains=f",{filters.warning},")
    return queryset.select_related("village").order_by(F("stage_due_date").asc(nulls_last=True), "-filed_at", "-pk")


def open_task(application: Application) -> Task | None:
    """The application's open human task, if any."""
    if application.process_id is None:
        return None
    return (
        Task.objects.filter(process_id=application.process_id, status__in=OPEN_TASK_STATUSES, flow_task_type="HUMAN")
        .order_by("-created")
        .first()
    )


def can_act(user, application: Application) -> bool:
    """Whether the user may complete the application's current task now."""
    stage = application.stage
    return (
        stage != Stage.CLOSED
        and stage in stages_of(role_of(user))
        and in_scope(user, application.village_id, [stage_rule(stage).permission])
    )


def can_withdraw(user, application: Application) -> bool:
    """The village clerk may withdraw an application until it is decided."""
    return (
        role_of(user) == Role.VILLAGE_CLERK
        and application.status == Status.IN_PROGRESS
        and application.stage != Stage.NOTICE_DELIVERY
        and in_scope(user, application.village_id, [stage_rule(Stage.VILLAGE_CHECK).permission])
    )


def tasks_waiting(user) -> QuerySet[StageClock]:
    """The open stage clocks of the applications waiting for this user, most urgent first."""
    return (
        StageClock.objects.filter(
            application__in=inbox(user).values("pk"), outcome=ClockOutcome.OPEN, task__isnull=False
        )
        .select_related("application")
        # The open clock's due date and start are the application's current-stage fields (written
        # together by clock_open): ordered by those, the read starts from the inbox's few
        # applications instead of walking every open clock of the province in due-date order.
        .order_by(F("application__stage_due_date").asc(nulls_last=True), "application__stage_received_at", "pk")
    )


def delivery_record(application: Application) -> StageRecord | None:
    """The record of the decision notice's delivery, once the township has delivered it."""
    return application.records.filter(action=StageAction.DELIVERED).order_by("-at").first()


# Other routes to the same aid (one-stop settlements) add their sums here: each source is called
# with (id_number, aid_type, year) and returns a History. Registered by their apps at start-up, so
# the cases layer counts them without importing them.
HISTORY_SOURCES: list[Callable[[str, str, int], History]] = []


def history_source_register(source: Callable[[str, str, int], History]) -> None:
    if source not in HISTORY_SOURCES:
        HISTORY_SOURCES.append(source)


def history_sums(*, id_number: str, aid_type: str, year: int, exclude_pk=None) -> History:
    """What the person already used of this aid type and medical year: approved applications and
    every other registered route (POLICY section 3; INTERFACES section 8: the cap is shared)."""
    # A revoked approval (aidflow.recoveries, by its reverse relation) no longer counts.
    queryset = Application.objects.filter(
        id_number=id_number, aid_type=aid_type, medical_year=year, status=Status.APPROVED, revocation__isnull=True
    )
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    sums = queryset.aggregate(remaining=Sum("remaining_total"), granted=Sum("amount"))
    remaining = sums["remaining"] or Decimal("0.00")
    granted = sums["granted"] or Decimal("0.00")
    for source in HISTORY_SOURCES:
        other = source(id_number, aid_type, year)
        remaining += other.remaining_before
        granted += other.granted_before
    return History(remaining_before=remaining, granted_before=granted)


def detail_queryset() -> QuerySet[Application]:
    """Applications with what a detail answer shows: the village and every stage clock with its completer."""
    clocks = StageClock.objects.select_related("completed_by").order_by("received_at", "pk")
    return Application.objects.select_related("village").prefetch_related(Prefetch("clocks", queryset=clocks))


def payment_failure(application: Application) -> dict | None:
    """The failed payment of an application whose payment failed: reason, batch, day, and whether
    the account was changed since (then it waits for the next batch)."""
    if application.payment_status != PaymentStatus.FAILED:
        return None
    # The payments app stands above the cases: its lines are read through the reverse relation.
    # A line's status uses the same word as the item's ("failed").
    line = (
        application.payment_lines.filter(status=PaymentStatus.FAILED)
        .select_related("batch")
        .order_by("-result_at", "-pk")
        .first()
    )
    if line is None:
        return None
    return {
        "reason": line.reason,
        "batch": line.batch.number,
        "amount": line.amount,
        "day": line.result_at,
        "corrected": bool(application.payee_account) and application.payee_account != line.account,
    }
