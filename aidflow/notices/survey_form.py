"""The 入户调查表 the township reviewer takes on the home visit (seed 002 四、（四）（2）②: the household's
economy, medical reimbursements, commercial insurance and social help): blank, or with the case's
number, applicant and village filled in when printed from a case."""

from __future__ import annotations

from django.utils import timezone

from aidflow.audit.models import AuditAction
from aidflow.cases.models import Application
from aidflow.cases.selectors import application_get
from aidflow.notices.paper import paper_pdf, paper_read

MEMBER_ROWS = 5
STAY_ROWS = 3


def survey_form_context(application: Application | None) -> dict:
    return {
        "application": application,
        "member_rows": range(MEMBER_ROWS),
        "stay_rows": range(STAY_ROWS),
        "printed_on": timezone.localdate(),
    }


def survey_form_pdf(*, user, pk=None) -> tuple[Application | None, bytes]:
    """Blank without `pk`; for a case the user may see (NotFound otherwise), a recorded read of it."""
    application = application_get(user=user, pk=pk) if pk is not None else None
    data = paper_pdf("notices/survey_form.html", survey_form_context, application)
    if application is not None:
        paper_read(user=user, application=application, action=AuditAction.SURVEY_FORM_PRINTED)
    return application, data


def survey_form_filename(application: Application | None) -> str:
    return f"{application.number}-入户调查表.pdf" if application else "入户调查表.pdf"
