"""Looking at a case file is itself a recorded act: the page shows the full ID number and income."""

from __future__ import annotations

from aidflow.audit.models import AuditAction
from aidflow.audit.services import audit_read
from aidflow.cases.models import Application
from aidflow.cases.selectors import application_get


def application_view(*, user, pk) -> Application:
    """The whole case file for its page; who looked is recorded (sealed into the chain shortly, so
    that readers never wait on the chain's lock)."""
    application = application_get(user=user, pk=pk)
    audit_read(actor=user, action=AuditAction.CASE_VIEWED, application=application)
    return application
