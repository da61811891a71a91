"""The filing receipt (受理回执) the village committee hands the applicant: the application's number
and the status code that, with it, opens the public status page. One A4 page, printed on request."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from aidflow.audit.models import AuditAction
from aidflow.cases.models import Application
from aidflow.cases.selectors import application_get
from aidflow.notices.paper import paper_pdf, paper_read
from aidflow.regions.stages import Stage

# Recorded like the other prints of a case (a read of its file).
RECEIPT_PRINTED = AuditAction.RECEIPT_PRINTED


def receipt_context(application: Application) -> dict:
    code = application.status_code
    return {
        "application": application,
        "status_code": code,
        # Grouped in fours, as it is read out or typed: ABCD EFGH.
        "status_code_grouped": f"{code[:4]} {code[4:]}" if len(code) == 8 else code,
        "status_url": settings.AIDFLOW_PUBLIC_URL.rstrip("/") + "/status/",
        "aid_type": application.get_aid_type_display(),
        "village_check_due": application.stage_due_date if application.stage == Stage.VILLAGE_CHECK else None,
        "filed_by": application.filed_by.get_full_name() or application.filed_by.get_username(),
        "printed_on": timezone.localdate(),
    }


def receipt_pdf(*, user, pk) -> tuple[Application, bytes]:
    """For a case the user may see (NotFound otherwise); a recorded read of it."""
    application = application_get(user=user, pk=pk)
    data = paper_pdf("notices/receipt.html", receipt_context, application)
    paper_read(user=user, application=application, action=RECEIPT_PRINTED)
    return application, data


def receipt_filename(application: Application) -> str:
    return f"{application.number}-受理回执.pdf"
