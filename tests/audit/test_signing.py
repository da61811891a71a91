"""The keyed chain: checkpoints signed with a key the database never holds, the signed head written
out for the archive, and `verify_audit --full` catching a rewrite of the whole chain."""

import json

import pytest
from django.conf import settings
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from aidflow.audit.heads import head_file_check
from aidflow.audit.models import AuditCheckpoint, AuditEvent
from aidflow.audit.services import GENESIS, audit_verify, event_hash
from aidflow.audit.signing import sign
from tests.factories import ApplicationFactory, person

pytestmark = pytest.mark.django_db

KEY = "k" * 40


def rewrite_whole_chain(seq):
    """What a database superuser can do: change one event and recompute every hash after it."""
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the UPDATE itself (see test_postgresql_refuses_changes)")
    previous = GENESIS
    for event in AuditEvent.objects.order_by("seq"):
        if event.seq == seq:
            event.details = {**event.details, "computed_amount": "9000.00"}
        event.prev_hash = previous
        event.hash = previous = event_hash(previous, event)
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditevent SET details = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [json.dumps(event.details), event.prev_hash, event.hash, event.seq],
            )


def test_checkpoints_are_signed_with_the_key(policy, clerk):
    ApplicationFactory(user=clerk)
    assert audit_verify(full=False).ok
    checkpoint = AuditCheckpoint.objects.get()
    assert len(checkpoint.signature) == 64 and checkpoint.signature == sign(checkpoint.seq, checkpoint.hash)
    # Another key gives another signature: the signature depends on the key, not only on the data.
    with override_settings(AUDIT_SIGNING_KEY=KEY):
        assert sign(checkpoint.seq, checkpoint.hash) != checkpoint.signature


def test_full_verification_catches_a_rewrite_of_the_whole_chain(policy, clerk, capsys):
    ApplicationFactory(user=clerk)
    call_command("verify_audit")
    first = AuditCheckpoint.objects.get()
    ApplicationFactory(user=clerk, data__person=person("002"))
    call_command("verify_audit")
    capsys.readouterr()
    target = AuditEvent.objects.filter(action="filed").order_by("seq").first()
    rewrite_whole_chain(target.seq)
    # The hash chain alone holds: every link was recomputed.
    assert AuditEvent.objects.get(seq=target.seq).details["computed_amount"] == "9000.00"
    with pytest.raises(SystemExit) as caught:
        call_command("verify_audit", "--full")
    assert caught.value.code == 1
    output = capsys.readouterr()
    assert output.out.strip() == str(first.seq)
    assert f"checkpoint {first.pk} (seq {first.seq}): its event no longer has the signed hash" in output.err


def test_a_checkpoint_forged_without_the_key_is_refused(policy, clerk, capsys):
    ApplicationFactory(user=clerk)
    call_command("verify_audit")
    head = AuditEvent.objects.order_by("-seq").first()
    # Whoever rewrote the chain writes a checkpoint over its new head, signing with a guessed key.
    with override_settings(AUDIT_SIGNING_KEY=KEY):
        forged = AuditCheckpoint.objects.create(seq=head.seq, hash=head.hash, signature=sign(head.seq, head.hash))
    report = audit_verify(full=False)
    assert not report.ok and report.broken_seq == head.seq
    assert f"checkpoint {forged.pk}: signature does not match" in report.reason
    report = audit_verify(full=True)
    assert not report.ok and "signature does not match" in report.reason
    # A checkpoint whose signature was blanked is no better.
    AuditCheckpoint.objects.filter(pk=forged.pk).update(signature="")
    assert not audit_verify(full=False).ok


def test_the_archived_head_catches_a_rewrite_with_every_checkpoint_deleted(policy, clerk, capsys, tmp_path):
    ApplicationFactory(user=clerk)
    call_command("write_audit_head", "--dir", str(tmp_path))
    (path,) = tmp_path.iterdir()
    assert path.name.startswith("audit-head-") and path.suffix == ".json"
    document = json.loads(path.read_text())
    checkpoint = AuditCheckpoint.objects.get()
    assert document["seq"] == checkpoint.seq and document["hash"] == checkpoint.hash
    assert document["signature"] == checkpoint.signature and len(document["key_id"]) == 12
    capsys.readouterr()
    call_command("verify_audit", "--full", "--head", str(path))
    assert capsys.readouterr().out.startswith("ok ")

    rewrite_whole_chain(AuditEvent.objects.filter(action="filed").first().seq)
    AuditCheckpoint.objects.all().delete()
    call_command("verify_audit", "--full")  # the database alone no longer shows it
    capsys.readouterr()
    with pytest.raises(SystemExit):
        call_command("verify_audit", "--full", "--head", str(path))
    assert f"the event at seq {document['seq']} no longer has the archived hash" in capsys.readouterr().err


def test_a_head_file_altered_or_signed_with_another_key_fails(policy, clerk, capsys, tmp_path):
    ApplicationFactory(user=clerk)
    call_command("write_audit_head", "--dir", str(tmp_path))
    (path,) = tmp_path.iterdir()
    document = json.loads(path.read_text())
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps({**document, "hash": "e" * 64}))
    capsys.readouterr()
    with pytest.raises(SystemExit):
        call_command("verify_audit", "--head", str(path), str(altered))
    errors = capsys.readouterr().err
    assert "altered.json: the signature does not match" in errors and path.name not in errors
    # The head as signed by another key (a restored server given the wrong key) names both keys.
    with override_settings(AUDIT_SIGNING_KEY=KEY):
        assert f"key {document['key_id']}, this key " in head_file_check(path)


def test_no_head_is_written_over_a_broken_chain(policy, clerk, tmp_path):
    ApplicationFactory(user=clerk)
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the UPDATE itself")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET hash = %s WHERE seq = 1", ["f" * 64])
    with pytest.raises(CommandError, match="no head written"):
        call_command("write_audit_head", "--dir", str(tmp_path))
    assert not list(tmp_path.iterdir())


def test_the_head_is_written_daily_by_beat(policy, clerk, tmp_path):
    from aidflow.audit.tasks import write_audit_head

    entries = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == write_audit_head.name]
    assert entries and entries[0]["schedule"] == 24 * 60 * 60
    ApplicationFactory(user=clerk)
    with override_settings(AUDIT_HEAD_DIR=tmp_path):
        written = write_audit_head.delay().get()
    assert written.startswith(str(tmp_path)) and json.loads(open(written).read())["format"] == "aidflow-audit-head/1"


def test_deploy_check_requires_the_signing_key():
    with override_settings(AUDIT_SIGNING_KEY=""):
        assert "aidflow.E002" in {message.id for message in run_checks(include_deployment_checks=True)}
    with override_settings(AUDIT_SIGNING_KEY=KEY):
        assert not {"aidflow.E002", "aidflow.E003"} & {
            message.id for message in run_checks(include_deployment_checks=True)
        }
    with override_settings(AUDIT_SIGNING_KEY="short"):
        assert "aidflow.E003" in {message.id for message in run_checks(include_deployment_checks=True)}


def test_a_checkpoint_of_purged_events_still_holds(policy, clerk):
    """A purge deletes the oldest events; a checkpoint over them is then checked by its signature."""
    ApplicationFactory(user=clerk)
    assert audit_verify(full=False).ok
    old = AuditCheckpoint.objects.get()
    ApplicationFactory(user=clerk, data__person=person("002"))
    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL lets a purge delete only events six months old (test_purge_* covers it)")
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq <= %s", [old.seq])
    report = audit_verify(full=True)
    assert report.ok, report


def test_a_missing_checkpoint_event_after_the_first_kept_one_fails():
    from aidflow.audit.signing import checkpoint_check

    checkpoint = AuditCheckpoint(pk=7, seq=10, hash="a" * 64, signature=sign(10, "a" * 64))
    assert checkpoint_check(checkpoint, None, purged_below=11) == ""
    assert checkpoint_check(checkpoint, None, purged_below=5) == "its event is missing"
    assert checkpoint_check(checkpoint, "a" * 64, purged_below=1) == ""
    assert "no longer has the signed hash" in checkpoint_check(checkpoint, "b" * 64, purged_below=1)
