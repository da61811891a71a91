"""Reads of case files are audited without queueing on the chain's lock: each waits as a PendingRead
and is sealed into the chain, in order and with the moment of the read, by a batch."""

import threading

import pytest
from django.db import connection, transaction
from django.test import Client

from aidflow.audit.models import AuditEvent, PendingRead
from aidflow.audit.services import ADVISORY_LOCK_KEY, audit_seal_reads, audit_verify
from aidflow.audit.tasks import seal_audit_reads
from tests.factories import ApplicationFactory
from tests.settlements.conftest import register, window  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_a_case_view_waits_then_is_sealed_in_order_with_its_moment(policy, clerk, auditor):
    application = ApplicationFactory(user=clerk)
    before = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    client = Client(REMOTE_ADDR="10.1.2.3")
    client.force_login(auditor)
    for _view in range(3):
        assert client.get(f"/workbench/applications/{application.pk}/").status_code == 200
    # Nothing was appended to the chain by the reads themselves.
    assert not AuditEvent.objects.filter(seq__gt=before).exclude(action="login").exists()
    reads = list(PendingRead.objects.order_by("pk"))
    assert [(read.action, read.actor_name, read.role, read.region) for read in reads] == [
        ("case_viewed", "auditor", "auditor", application.village_id)
    ] * 3

    assert audit_seal_reads(batch_size=2) == 3
    sealed = list(AuditEvent.objects.order_by("-seq")[:3])[::-1]
    assert [event.at for event in sealed] == [read.at for read in reads]
    assert {(event.action, event.application_id, event.client_address) for event in sealed} == {
        ("case_viewed", application.pk, "10.1.2.3")
    }
    assert not PendingRead.objects.exists() and audit_verify(full=True).ok
    assert audit_seal_reads() == 0 and seal_audit_reads() == 0


def test_the_auditor_sees_reads_of_the_last_minute(policy, clerk, auditor):
    application = ApplicationFactory(user=clerk)
    viewer = Client()
    viewer.force_login(clerk)
    viewer.get(f"/workbench/applications/{application.pk}/")
    reader = Client()
    reader.force_login(auditor)
    history = reader.get(f"/workbench/applications/{application.pk}/history/").content.decode()
    assert "查看案卷" in history or "case viewed" in history
    assert not PendingRead.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_case_view_does_not_wait_for_the_chain_lock(policy, clerk, auditor):
    """Another transaction holds the chain's lock (a long decision); a case page is still served."""
    application = ApplicationFactory(user=clerk)
    client = Client()
    client.force_login(auditor)  # signing in is audited in the chain: before the lock is taken
    holding, release = threading.Event(), threading.Event()

    def hold_the_chain():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_chain)
    holder.start()
    try:
        assert holding.wait(timeout=10)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        assert client.get(f"/workbench/applications/{application.pk}/").status_code == 200
        assert PendingRead.objects.filter(application=application).count() == 1
    finally:
        release.set()
        holder.join(timeout=30)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = 0")
    assert audit_seal_reads() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_to_change_a_waiting_read(policy, clerk, auditor):
    from django.db.utils import InternalError

    application = ApplicationFactory(user=clerk)
    client = Client()
    client.force_login(auditor)
    client.get(f"/workbench/applications/{application.pk}/")
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        PendingRead.objects.update(actor_name="someone else")
    audit_seal_reads()


def test_settlements_and_claims_read_on_screen_and_over_the_api_are_recorded(window, approver, auditor):  # noqa: F811
    from aidflow.settlements.models import Settlement
    from tests.factories import today
    from tests.settlements.conftest import settle_body

    window_client, reader = Client(), Client()
    window_client.force_login(window)
    reader.force_login(auditor)
    assert window_client.post("/api/v1/settlements/", settle_body(), content_type="application/json").status_code == 201
    month = today().strftime("%Y-%m")
    claim = window_client.post("/api/v1/settlement-claims/", {"month": month}, content_type="application/json")
    settlement = Settlement.objects.get()
    PendingRead.objects.all().delete()
    for path in (
        f"/workbench/settlements/{settlement.pk}/",
        f"/api/v1/settlements/{settlement.pk}/",
        "/workbench/settlements/",
        "/api/v1/settlements/",
        f"/workbench/claims/{claim.json()['id']}/",
        "/api/v1/settlement-claims/",
    ):
        assert reader.get(path).status_code == 200, path
    reads = [(read.action, read.actor_name, read.region, read.details) for read in PendingRead.objects.order_by("pk")]
    seen = {"settlement": settlement.number, "hospital": "H-LC"}
    listed = {"list": "settlements", "shown": [settlement.number], "filters": {}}
    claimed = {"claim": claim.json()["number"], "hospital": "H-LC", "count": 1}
    assert reads == [
        ("settlement_viewed", "auditor", settlement.region, seen),
        ("settlement_viewed", "auditor", settlement.region, seen),
        ("list_viewed", "auditor", "371403", listed),
        ("list_viewed", "auditor", "371403", listed),
        ("claim_viewed", "auditor", settlement.county, claimed),
        ("list_viewed", "auditor", "371403", {"list": "claims", "shown": [claim.json()["number"]]}),
    ]
    assert audit_seal_reads() == 6 and audit_verify(full=True).ok
