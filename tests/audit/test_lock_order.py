"""Appending to the audit chain never deadlocks with a task completion (PostgreSQL, real threads).

A completion holds its application FOR UPDATE and then takes the chain's lock. Whatever else appends
to the chain (sealing waiting reads, a download recorded straight into the chain) must therefore
never wait for an application's row while holding the chain's lock. It once did: a foreign key's
check at commit locked the event's application FOR KEY SHARE. Each round forces the interleaving
that deadlocked: the appender queues for the chain's lock first, the completion locks its case and
queues behind it, then the lock is released.
"""

import datetime
import threading
import time

import pytest
from django.db import connection, transaction

from aidflow.audit.models import AuditAction, AuditEvent, PendingRead
from aidflow.audit.services import ADVISORY_LOCK_KEY, audit_read, audit_record, audit_seal_reads, audit_verify
from aidflow.cases.models import Application
from aidflow.cases.selectors import open_task
from aidflow.cases.services.tasks import task_complete
from tests.factories import ApplicationFactory, advance, person, today

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ROUNDS = 100


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return row is not None and row[0] == "Lock"


def _until_waiting(pid: dict, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "pid" in pid and _waiting_on_a_lock(pid["pid"]):
            return
        time.sleep(0.005)
    raise AssertionError("the thread never queued for a lock")


def _thread(function, result: dict):
    """Run function on its own connection; note its backend's pid, then its result or error."""

    def run():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                result["pid"] = cursor.fetchone()[0]
            result["value"] = function()
        except Exception as error:  # asserted on below
            result["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _interleave(appender, completion) -> tuple[dict, dict]:
    """The appender queues for the chain's lock, then the completion (holding its case) queues too."""
    holding, release = threading.Event(), threading.Event()

    def hold_the_chain():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
            holding.set()
            release.wait(timeout=30)

    held = {}
    holder = _thread(hold_the_chain, held)
    threads = [holder]
    first, second = {}, {}
    try:
        assert holding.wait(timeout=10)
        threads.append(_thread(appender, first))
        _until_waiting(first)
        threads.append(_thread(completion, second))
        _until_waiting(second)
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=60)
    assert "error" not in held, held
    return first, second


def _township_reviews(clerk, count: int) -> list[Application]:
    born = datetime.date(1950, 1, 1)
    return [
        advance(
            ApplicationFactory(user=clerk, data__person=person(f"{index:03d}", birth=born + datetime.timedelta(index))),
            to="township_review",
        )
        for index in range(count)
    ]


def _review(reviewer, application):
    task = open_task(application)
    payload = {"decision": "forward", "visit_date": today().isoformat(), "findings": "入户核实属实"}
    return lambda: task_complete(user=reviewer, task_id=task.pk, payload=payload)


def test_sealing_reads_and_completing_the_case_they_read_never_deadlock(policy, clerk, reviewer, auditor):
    applications = _township_reviews(clerk, ROUNDS)
    failures = []
    for application in applications:
        audit_read(actor=auditor, action=AuditAction.CASE_VIEWED, application=application)
        sealing, completing = _interleave(audit_seal_reads, _review(reviewer, application))
        if "error" in sealing or "error" in completing:
            failures.append((application.number, sealing.get("error"), completing.get("error")))
            continue
        assert sealing["value"] == 1
        assert completing["value"].stage == "county_approval"
    assert failures == [], f"{len(failures)} of {ROUNDS} rounds failed: {failures[:3]}"
    assert not PendingRead.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.CASE_VIEWED).count() == ROUNDS
    assert AuditEvent.objects.filter(action="forwarded", stage="township_review").count() == ROUNDS
    assert audit_verify(full=True).ok


def test_a_download_recorded_in_the_chain_and_a_completion_never_deadlock(policy, clerk, reviewer, auditor):
    """The same interleaving with a read recorded straight into the chain (a document, a notice)."""
    rounds = 10
    applications = _township_reviews(clerk, rounds)
    failures = []
    for application in applications:

        def download(application=application):
            with transaction.atomic():
                return audit_record(
                    actor=auditor, action=AuditAction.DOCUMENT_DOWNLOADED, application=application, details={}
                )

        recording, completing = _interleave(download, _review(reviewer, application))
        if "error" in recording or "error" in completing:
            failures.append((application.number, recording.get("error"), completing.get("error")))
    assert failures == [], f"{len(failures)} of {rounds} rounds failed: {failures[:3]}"
    assert audit_verify(full=True).ok


def test_the_audit_tables_lock_no_row_of_another_table():
    """No foreign-key constraint leads from the chain or the waiting reads to another table."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT conrelid::regclass::text, confrelid::regclass::text FROM pg_constraint
            WHERE contype = 'f' AND conrelid::regclass::text IN ('audit_auditevent', 'audit_pendingread')
            """
        )
        assert cursor.fetchall() == []


def test_readers_audit_pages_and_reviews_at_once_answer_no_server_error(policy, clerk, reviewer, auditor):
    """Free running, over HTTP: reviewers complete township reviews through the API while others open
    those cases, load the audit screen (which seals the waiting reads) and seal in the background."""
    import json

    from django.test import Client

    from tests.concurrency import run_in_threads

    applications = _township_reviews(clerk, 12)
    payload = json.dumps({"decision": "forward", "visit_date": today().isoformat(), "findings": "入户核实属实"})
    tasks = [open_task(application).pk for application in applications]

    def client(user):
        signed_in = Client(raise_request_exception=False)
        signed_in.force_login(user)
        return signed_in

    reviewers = [client(reviewer) for _index in range(3)]
    readers = [client(auditor) for _index in range(4)]

    def review(index):
        def run():
            return [
                reviewers[index].post(f"/api/v1/tasks/{task}/complete/", payload, content_type="application/json")
                for task in tasks[index::3]
            ]

        return run

    def read(index):
        def run():
            answers = []
            for application in applications[index::2] * 2:
                answers.append(readers[index].get(f"/workbench/applications/{application.pk}/"))
                answers.append(readers[index].get(f"/api/v1/applications/{application.pk}/"))
            return answers

        return run

    def audit_pages():
        return [readers[2 + index % 2].get("/workbench/audit/") for index in range(6)]

    def seal():
        return [audit_seal_reads() for _index in range(20)]

    results = run_in_threads([review(0), review(1), review(2), read(0), read(1), audit_pages, seal])
    errors = [result for result in results if isinstance(result, Exception)]
    assert errors == []
    answers = [answer for result in results[:6] for answer in result]
    assert sorted({answer.status_code for answer in answers}) == [200]
    assert Application.objects.filter(pk__in=[a.pk for a in applications], stage="county_approval").count() == 12
    audit_seal_reads()
    assert not PendingRead.objects.exists() and audit_verify(full=True).ok
