"""Queries per step of one whole application, filing through delivery (benchmarks/transition_queries.py
measures the same path on PostgreSQL). Pinned, so a change that reads the same rows again shows here."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aidflow.cases.selectors import open_task
from aidflow.cases.services.documents import UploadedDocument
from aidflow.cases.services.filing import application_file
from aidflow.cases.services.tasks import task_complete
from aidflow.notices.models import Notice
from tests.factories import FilingFactory, person
from tests.workflows.helpers import pdf, today

# Each step with a freshly loaded user, as a request has: the user's region grants are read once
# per step (2 queries: the whole scope, the stage's permission). The test's transaction turns the
# flow lock's transaction into a savepoint (2 more). PostgreSQL adds the audit chain's advisory
# lock (and the person lock at approval). The gates around the calculator (INTERFACES section 11) read
# the hospital register and the person's claimed stays at filing and again at the county's approval,
# which also asks whether the month it counts in was signed off. Filing and the county's decision each
# record a message to the applicant (one INSERT; it is sent after the commit). The county's decision
# notice asks whether it replaces an earlier one (a decision taken again after an appeal): one read.
EXPECTED = {
    "sqlite": {"file": 37, "village_check": 24, "township_review": 24, "county_approval": 41, "notice_delivery": 23},
    "postgresql": {
        "file": 38,
        "village_check": 25,
        "township_review": 25,
        "county_approval": 43,
        "notice_delivery": 24,
    },
}


def _fresh(user):
    return get_user_model().objects.select_related("staff").get(pk=user.pk)


def _whole_application(filing: dict, clerk, reviewer, approver) -> dict:
    counted = {}
    documents = [UploadedDocument(kind, pdf()) for kind in ("id_card", "diagnosis", "settlement_bill")]
    user = _fresh(clerk)
    with CaptureQueriesContext(connection) as queries:
        application = application_file(user=user, data=filing, documents=documents)
    counted["file"] = len(queries)
    steps = (
        ("village_check", clerk, {"decision": "forward", "findings": "材料齐全"}),
        (
            "township_review",
            reviewer,
            {"decision": "forward", "visit_date": today(), "visitors": "刘志强", "findings": "属实"},
        ),
        ("county_approval", approver, {"decision": "approve"}),
    )
    for stage, persona, payload in steps:
        user, task_id = _fresh(persona), open_task(application).pk
        with CaptureQueriesContext(connection) as queries:
            application = task_complete(user=user, task_id=task_id, payload=payload)
        counted[stage] = len(queries)
        assert application.stage != stage
    # The worker renders the approval's PDF; then the township delivers it.
    Notice.objects.filter(application=application).update(sha256="0" * 64)
    user, task_id = _fresh(reviewer), open_task(application).pk
    with CaptureQueriesContext(connection) as queries:
        application = task_complete(
            user=user,
            task_id=task_id,
            payload={"delivered_on": today(), "method": "in_person", "recipient": "王秀英"},
        )
    counted["notice_delivery"] = len(queries)
    assert application.stage == "closed" and application.status == "approved"
    return counted


@pytest.mark.django_db
def test_queries_per_step_of_a_whole_application(policy, clerk, reviewer, approver):
    # The first application warms what a running process keeps (content types, the holiday
    # schedule); the second is counted.
    _whole_application(FilingFactory(person=person("002")), clerk, reviewer, approver)
    counted = _whole_application(FilingFactory(), clerk, reviewer, approver)
    assert counted == EXPECTED[connection.vendor]
