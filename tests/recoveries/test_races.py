"""Races on PostgreSQL: two revocations of one approval at the same moment make one revocation and
one notice number; two repayments at once never take more than is owed."""

from decimal import Decimal

import pytest
from django.db import connection

from aidflow.core.errors import Conflict, InputErrors
from aidflow.notices.models import Notice
from aidflow.recoveries.models import Recovery, Revocation
from aidflow.recoveries.services.entries import entry_record
from aidflow.recoveries.services.revoke import application_revoke
from tests.concurrency import run_in_threads
from tests.payments.conftest import approved
from tests.recoveries.test_revocation import REVOKE, pay_all

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("one_signature")]


def test_two_revocations_at_once_make_one(policy, clerk, reviewer, approver, finance):
    assert connection.vendor == "postgresql"
    application = approved(clerk, order="231")
    pay_all(finance)
    results = run_in_threads([lambda: application_revoke(user=approver, pk=application.pk, data=REVOKE)] * 2)
    assert sorted(type(result).__name__ for result in results) == ["Conflict", "Revocation"]
    assert isinstance(next(r for r in results if not isinstance(r, Revocation)), Conflict)
    assert Revocation.objects.count() == 1 and Recovery.objects.count() == 1
    assert Notice.objects.filter(kind="revocation").count() == 1


def test_two_repayments_at_once_never_take_more_than_is_owed(policy, clerk, reviewer, approver, finance):
    application = approved(clerk, order="232")
    pay_all(finance)
    recovery = application_revoke(user=approver, pk=application.pk, data=REVOKE).recovery
    entry = {"recovery": recovery.pk, "kind": "repayment", "amount": "700.00"}
    results = run_in_threads([lambda: entry_record(user=finance, data=entry)] * 2)
    assert sum(isinstance(result, InputErrors) for result in results) == 1
    recovery.refresh_from_db()
    assert (recovery.repaid, recovery.outstanding) == (Decimal("700.00"), Decimal("300.00"))
