"""Concurrent use on PostgreSQL: one transition per task, gap-free numbers. Real threads, real row locks."""

import datetime

import pytest
from viewflow.workflow.models import Task

from aidflow.audit.models import AuditEvent
from aidflow.audit.services import audit_verify
from aidflow.cases.models import Application, StageRecord
from aidflow.cases.selectors import open_task
from aidflow.cases.services.filing import application_file
from aidflow.cases.services.tasks import task_complete
from aidflow.core.errors import TaskNotOpen
from tests.concurrency import run_in_threads
from tests.factories import BEIJIE, LAOLI, ApplicationFactory, FilingFactory, advance, make_staff, person

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_people_completing_the_same_task_make_one_transition(policy, clerk):
    second_clerk = make_staff("clerk-b", "village_clerk", BEIJIE, "李二")
    application = ApplicationFactory(user=clerk)
    task = open_task(application)

    results = run_in_threads(
        [
            lambda: task_complete(user=clerk, task_id=task.pk, payload={"decision": "forward", "findings": "甲"}),
            lambda: task_complete(
                user=second_clerk, task_id=task.pk, payload={"decision": "forward", "findings": "乙"}
            ),
        ]
    )
    successes = [result for result in results if isinstance(result, Application)]
    refusals = [result for result in results if isinstance(result, TaskNotOpen)]
    assert len(successes) == 1 and len(refusals) == 1, results
    winner = StageRecord.objects.get(application=application, action="forwarded").actor
    # "Already handled by X at T", in the thread's language: it names whoever won.
    assert winner.get_full_name() in str(refusals[0])
    assert Task.objects.filter(process_id=application.process_id, flow_task_type="HUMAN").count() == 2
    application.refresh_from_db()
    assert application.stage == "township_review"


def test_concurrent_filings_get_gap_free_unique_numbers(policy, clerk):
    other = make_staff("clerk-laoli", "village_clerk", LAOLI, "王建国")
    people = [person(f"{index:03d}", birth=datetime.date(1950, 1, 1 + index)) for index in range(8)]

    def file(user, region, id_number):
        data = FilingFactory(region=region, person=id_number)
        return lambda: application_file(user=user, data=data)

    results = run_in_threads(
        [
            file(clerk if index % 2 else other, BEIJIE if index % 2 else LAOLI, id_number)
            for index, id_number in enumerate(people)
        ]
    )
    assert all(isinstance(result, Application) for result in results), results
    numbers = sorted(Application.objects.values_list("number", flat=True))
    year = numbers[0].split("-")[1]
    assert numbers == [f"371403-{year}-{sequence:05d}" for sequence in range(1, 9)]
    # The audit events of those parallel filings form one linear chain.
    report = audit_verify()
    assert report.ok, report
    assert AuditEvent.objects.filter(action="filed").count() == 8
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


def test_concurrent_approvals_get_gap_free_notice_numbers(policy, clerk, reviewer, approver):
    from django.utils import timezone

    from aidflow.notices.models import Notice

    people = [person(f"{index:03d}", birth=datetime.date(1950, 2, 1 + index)) for index in range(6)]
    applications = [
        advance(ApplicationFactory(user=clerk, data__person=someone), to="county_approval") for someone in people
    ]

    def approve(application):
        return lambda: task_complete(user=approver, task_id=open_task(application).pk, payload={"decision": "approve"})

    results = run_in_threads([approve(application) for application in applications])
    assert all(isinstance(result, Application) for result in results), results
    year = timezone.localdate().year
    numbers = sorted(Notice.objects.filter(kind="approval").values_list("number", flat=True), key=len)
    assert sorted(numbers) == sorted(f"陵城民救〔{year}〕{index}号" for index in range(1, 7))
    assert Notice.objects.exclude(sha256="").count() == 6  # rendered after each commit
