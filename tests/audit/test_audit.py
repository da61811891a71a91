"""The audit log: one event per action, a verifiable chain, protection, auditor screens."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aidflow.audit.models import AuditEvent
from aidflow.audit.services import AuditPurgeRefused, audit_purge, audit_record, audit_seal_reads, audit_verify
from aidflow.cases.models import Application
from aidflow.cases.services.documents import UploadedDocument
from aidflow.cases.services.withdrawal import application_withdraw
from tests.factories import BEIJIE, EXCLUDED_REASON, PASSWORD, ApplicationFactory, advance, excluded, make_staff, person
from tests.workflows.helpers import current_task, pdf

pytestmark = pytest.mark.django_db


def events_since(seq):
    """The events after `seq`, without the rendering of notices (audited apart from the decisions)."""
    return list(AuditEvent.objects.filter(seq__gt=seq).exclude(action="notice_issued").order_by("seq"))


def last_seq():
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_each_workflow_action_writes_exactly_one_event(policy, clerk, reviewer, approver):
    start = last_seq()
    application = ApplicationFactory(user=clerk, documents=[UploadedDocument("diagnosis", pdf())])
    filed, uploaded = events_since(start)
    assert (filed.action, filed.actor_name, filed.role, filed.region, filed.stage) == (
        "filed",
        "clerk",
        "village_clerk",
        BEIJIE,
        "village_check",
    )
    assert filed.application_id == application.pk
    assert filed.details["computed_amount"] == "1000.00" and filed.details["policy"] == "dezhou-demo-continued"
    assert uploaded.action == "document_uploaded" and len(uploaded.details["sha256"]) == 64

    # One task at a time: the stage it moves to (and how), then the action, stage and actor of its event.
    steps = [
        ("supplement", {"return_at": "village_check", "missing": ["户口簿"]}, "returned", "village_check", clerk),
        ("village_check", {}, "resubmitted", "supplement", clerk),
        ("township_review", {}, "forwarded", "village_check", clerk),
        ("county_approval", {}, "forwarded", "township_review", reviewer),
        ("notice_delivery", {"excluded_costs": excluded("1000.00")}, "approved", "county_approval", approver),
        ("closed", {}, "delivered", "notice_delivery", reviewer),
    ]
    for to, how, action, stage, user in steps:
        before = last_seq()
        application = advance(application, to=to, **how)
        (event,) = events_since(before)
        assert (event.action, event.stage, event.actor_name) == (action, stage, user.username)
    approval = AuditEvent.objects.get(action="approved")
    # What the county found is the fact on record; the award is the amount computed with it.
    assert approval.details["facts"]["excluded_costs"] == [{"stay": 0, "amount": "1000.00", "reason": EXCLUDED_REASON}]
    assert approval.details["facts"]["computed_amount"] == "800.00"
    assert approval.details["changed"]["status"] == ["in_progress", "approved"]
    assert approval.details["changed"]["amount"] == [None, "800.00"]
    assert audit_verify().ok


def test_withdrawal_and_document_views_and_case_views_are_audited(policy, clerk, auditor):
    application = ApplicationFactory(user=clerk, documents=[])
    before = last_seq()
    application_withdraw(user=clerk, application_id=application.pk, reason="已出院回家")
    (event,) = events_since(before)
    assert (event.action, event.details["reason"]) == ("withdrawn", "已出院回家")

    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(auditor)
    before = last_seq()
    assert client.get(f"/workbench/applications/{application.pk}/").status_code == 200
    audit_seal_reads()  # a read waits without the chain's lock until it is sealed (tests/audit/test_reads.py)
    (viewed,) = events_since(before)
    assert (viewed.action, viewed.actor_name, viewed.role, viewed.client_address) == (
        "case_viewed",
        "auditor",
        "auditor",
        "10.1.2.3",
    )


def test_logins_failures_lockouts_and_staff_changes_are_audited(regions):
    before = last_seq()
    user = make_staff("newclerk", "village_clerk", BEIJIE)
    (saved,) = events_since(before)
    assert saved.action == "staff_saved" and saved.details["role"] == [None, "village_clerk"]
    assert saved.details["permission"] == "regions.check_village"

    client = Client()
    before = last_seq()
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert [event.action for event in events_since(before)] == ["login"]
    client.post("/accounts/logout/")
    before = last_seq()
    for _attempt in range(5):
        client.post("/accounts/login/", {"username": user.username, "password": "Wrong-pass-99!"})
    actions = [event.action for event in events_since(before)]
    assert actions.count("login_failed") == 5 and actions.count("lockout") == 1
    assert all("Wrong-pass" not in str(event.details) for event in events_since(before))


def test_policy_loads_are_audited(regions):
    from aidflow.policy.services import policy_load
    from tests.policy.test_policy_versions import shipped

    before = last_seq()
    policy_load(data=shipped())
    (event,) = events_since(before)
    assert event.action == "policy_loaded" and event.details["code"] == "dezhou-2015-69"
    policy_load(data=shipped())  # unchanged: nothing loaded, nothing recorded
    assert last_seq() == event.seq


def test_verify_audit_command_and_tampering(policy, clerk, capsys):
    ApplicationFactory(user=clerk)
    call_command("verify_audit")
    count = AuditEvent.objects.count()
    assert capsys.readouterr().out.strip() == f"ok {count} events"
    target = AuditEvent.objects.get(action="filed")
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the UPDATE itself (see test_postgresql_refuses_changes)")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET details = %s WHERE seq = %s", ['{"computed_amount": "9000.00"}', target.seq]
        )
    # The daily run starts after the last checkpoint; --full reads the chain from its first event.
    call_command("verify_audit")
    assert capsys.readouterr().out.strip() == "ok 0 events"
    with pytest.raises(SystemExit) as caught:
        call_command("verify_audit", "--full")
    assert caught.value.code == 1
    output = capsys.readouterr()
    assert output.out.strip() == str(target.seq)
    assert f"broken at seq {target.seq}" in output.err


def test_verify_audit_is_incremental_from_the_last_checkpoint(policy, clerk, capsys):
    from aidflow.audit.models import AuditCheckpoint

    ApplicationFactory(user=clerk)
    call_command("verify_audit")
    first = AuditCheckpoint.objects.get()
    assert first.seq == AuditEvent.objects.order_by("-seq").first().seq
    capsys.readouterr()
    ApplicationFactory(user=clerk, data__person=person("002"))
    added = AuditEvent.objects.filter(seq__gt=first.seq).count()
    with CaptureQueriesContext(connection) as queries:
        call_command("verify_audit")
    assert capsys.readouterr().out.strip() == f"ok {added} events"
    # Asks for waiting reads, reads the checkpoint, its event and the new events (one chunk), and
    # writes the next checkpoint.
    assert len(queries) <= 6
    assert AuditCheckpoint.objects.count() == 2
    if connection.vendor == "postgresql":
        return  # PostgreSQL refuses the UPDATE below; the triggers are tested on their own
    newest = AuditEvent.objects.order_by("-seq").first()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET hash = %s WHERE seq = %s", ["f" * 64, newest.seq])
    with pytest.raises(SystemExit):
        call_command("verify_audit")
    assert "no longer has its verified hash" in capsys.readouterr().err


def test_deleted_row_breaks_the_chain(policy, clerk):
    ApplicationFactory(user=clerk)
    ApplicationFactory(user=clerk, data__person=person("002"))
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the DELETE itself")
    middle = AuditEvent.objects.get(action="filed", application__number__endswith="00001")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [middle.seq])
    report = audit_verify()
    assert not report.ok and report.broken_seq == middle.seq + 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_changes(policy, clerk):
    from django.db import transaction
    from django.db.utils import InternalError, ProgrammingError

    ApplicationFactory(user=clerk)
    for statement in (
        "UPDATE audit_auditevent SET action = 'x'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent CASCADE",
    ):
        with pytest.raises((InternalError, ProgrammingError)) as caught, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)
        assert "append-only" in str(caught.value)
    assert audit_verify().ok


def test_failed_audit_write_rolls_back_the_action(policy, clerk, monkeypatch):
    from aidflow.cases.services import filing as filing_services
    from aidflow.cases.services import tasks as task_services

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(filing_services, "audit_record_many", broken)
    with pytest.raises(RuntimeError):
        ApplicationFactory(user=clerk)
    assert Application.objects.count() == 0
    monkeypatch.undo()
    application = ApplicationFactory(user=clerk)
    assert application.number.endswith("-00001")  # the failed filing used no number
    monkeypatch.setattr(task_services, "audit_record_many", broken)
    with pytest.raises(RuntimeError):
        advance(application, to="township_review")
    application.refresh_from_db()
    assert application.stage == "village_check" and current_task(application).flow_task.name == "village_check"


def test_purge_refuses_events_younger_than_six_months(regions):
    audit_record(actor=None, actor_name="x", action="test")
    with pytest.raises(AuditPurgeRefused):
        audit_purge(before=timezone.localdate())
    with pytest.raises(AuditPurgeRefused):
        audit_purge(before=timezone.localdate() - datetime.timedelta(days=150))
    assert audit_purge(before=timezone.localdate() - datetime.timedelta(days=200)) == 0
    assert AuditEvent.objects.filter(action="test").exists()
    assert AuditEvent.objects.filter(action="audit_purged").exists()


def test_auditor_screens_search_export_and_history(policy, clerk, auditor, outsider):
    application = ApplicationFactory(user=clerk)
    client = Client()
    client.force_login(auditor)
    page = client.get("/workbench/audit/", {"action": "filed"}).content.decode()
    assert application.number in page
    before = last_seq()
    response = client.get("/workbench/audit/export.csv", {"actor": "clerk"})
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert body.splitlines()[0].startswith("序号,时间,操作人") and body.splitlines()[0].endswith("role,action,stage")
    assert application.number in body
    (exported,) = events_since(before)
    assert exported.action == "audit_exported" and exported.details["rows"] >= 1
    history = client.get(f"/workbench/applications/{application.pk}/history/").content.decode()
    assert AuditEvent.objects.get(action="filed").hash in history
    # Actions, stages and roles by their names, not their codes.
    assert "受理申请" in history and "村级经办员" in history and "村级核查" in history
    assert "village_clerk" not in history and "village_check" not in history
    # Other roles do not read the audit log; other regions do not see the events.
    other = Client()
    other.force_login(clerk)
    assert other.get("/workbench/audit/").status_code == 403
    outside = Client()
    outside.force_login(make_staff("auditor-py", "auditor", "371426"))
    assert application.number not in outside.get("/workbench/audit/").content.decode()
    assert outside.get(f"/workbench/applications/{application.pk}/history/").status_code == 404


def post_routes():
    """Names of the workbench routes whose views accept POST."""
    from django.urls import URLPattern, URLResolver, get_resolver

    found = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif isinstance(pattern, URLPattern) and namespace.startswith("workbench"):
                view_class = getattr(pattern.callback, "view_class", None)
                if view_class is not None and hasattr(view_class, "post"):
                    found.add(f"{namespace}{pattern.name}")

    walk(get_resolver().url_patterns, "")
    return found


def test_auditor_can_change_nothing(policy, clerk, auditor):
    """Every state-changing URL answers an auditor 403 or 404 and changes nothing."""

    application = ApplicationFactory(user=clerk)
    task = current_task(application)
    document = application.documents.first()
    client = Client()
    client.force_login(auditor)
    before = AuditEvent.objects.exclude(action="case_viewed").count()
    posts = [
        "/workbench/applications/new/",
        "/workbench/applications/new/preview/",
        f"/workbench/applications/{application.pk}/tasks/{task.pk}/",
        f"/workbench/applications/{application.pk}/withdraw/",
        f"/workbench/applications/{application.pk}/appeals/",
        f"/workbench/applications/{application.pk}/appeals/1/outcome/",
        f"/workbench/applications/{application.pk}/revoke/",
        "/workbench/settlements/1/revoke/",
        "/workbench/recoveries/1/",
        "/workbench/settlements/1/verification/",
        "/workbench/verifications/1/",
        "/workbench/reports/city/",
        "/workbench/payments/batches/1/approve/",
        "/workbench/hospitals/",
        "/workbench/referrals/",
        "/workbench/imports/",
        "/workbench/imports/1/",
        "/workbench/rolls/conflicts/",
        "/workbench/premium-subsidies/",
        "/workbench/premium-subsidies/1/",
        "/admin/regions/region/add/",
        f"/admin/regions/staffprofile/{auditor.staff.pk}/change/",
    ]
    assert post_routes() == {
        "workbench:filing",
        "workbench:filing_preview",
        "workbench:task",
        "workbench:withdraw",
        "workbench:appeal",
        "workbench:appeal_outcome",
        "workbench:application_revoke",
        "workbench:settlement_revoke",
        "workbench:recovery",
        "workbench:settlement_verification",
        "workbench:verification",
        "workbench:city_months",
        "workbench:batch_approve",
        "workbench:hospitals",
        # Builds a county's month of dossiers in the background: an export, which an auditor whose
        # scope covers the county may make (tests/archive/test_background.py); it changes no case.
        "workbench:archive_month",
        # Marks the user's own notifications read; changes no case.
        "workbench:notifications",
        # Swept in tests/settlements/test_screens.py, which has settlements and claims to try.
        "workbench:settlement_window",
        "workbench:settlement_reverse",
        "workbench:claims",
        "workbench:claim",
        # Swept in tests/payments/test_screens.py.
        "workbench:payable",
        "workbench:batch",
        "workbench:payee",
        # Submitting a month: only the county approver (tests/reports/test_monthly.py).
        "workbench:statistics",
        # Recording a referral: the staff who file and review cases, or the referring hospital.
        "workbench:referrals",
        # Uploads and decisions on imports: county approvers and administrators (tests/imports).
        "workbench:imports",
        "workbench:import",
        "workbench:roll_conflicts",
        # Premium subsidy rosters: the county approver builds, confirms and records (tests/subsidies).
        "workbench:premium_rosters",
        "workbench:premium_roster",
    }, "a new POST route: add it to this sweep"
    for url in posts:
        response = client.post(url, {"decision": "forward", "reason": "x", "role": "admin"})
        assert response.status_code in (302, 403, 404), (url, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"]  # the admin sends non-admins to its login
    application.refresh_from_db()
    assert (application.stage, application.status) == ("village_check", "in_progress")
    assert AuditEvent.objects.exclude(action="case_viewed").count() == before
    assert document is None or application.documents.count() == 1


def test_an_audit_page_reads_sequence_numbers_first(policy, clerk, auditor, monkeypatch):
    from aidflow.core.paging import EstimatedCountPaginator

    for order in ("001", "002", "003"):
        ApplicationFactory(user=clerk, data__person=person(order))
    client = Client()
    client.force_login(auditor)
    monkeypatch.setattr("aidflow.audit.views.PAGE_SIZE", 2)
    monkeypatch.setattr(EstimatedCountPaginator, "keys_first_from", 10**9)  # one plain read: the reference
    plain = client.get("/workbench/audit/", {"page": 2}).context["events"]
    expected = [event.seq for event in plain]
    monkeypatch.setattr(EstimatedCountPaginator, "keys_first_from", 0)
    deep = client.get("/workbench/audit/", {"page": 2}).context["events"]
    assert [event.seq for event in deep] == expected and len(expected) == 2
    assert expected[0] > expected[1]  # newest first, as on the first page
