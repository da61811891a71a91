"""Who sees and who may act on a case over HTTP: lists, masking, and the scope matrix at every stage."""

import pytest

from tests.workflows.helpers import assert_case_page, client_for, complete, file_application, today, township

pytestmark = pytest.mark.django_db


def test_lists_are_scoped_and_masked(policy, clerk, reviewer, outsider, far_clerk):
    from tests.factories import NANYOUFANG

    mine = file_application(clerk)
    assert far_clerk.staff.region_id == NANYOUFANG
    page = client_for(reviewer).get("/workbench/applications/").content.decode()
    assert mine.number in page and "王*英" in page and "1101**********002X" in page
    assert "11010519491231002X" not in page
    assert mine.number not in client_for(outsider).get("/workbench/applications/").content.decode()
    inbox = client_for(clerk).get("/workbench/inbox/").content.decode()
    assert mine.number in inbox
    assert mine.number not in client_for(reviewer).get("/workbench/inbox/").content.decode()


def test_scope_matrix_over_villages_townships_and_counties(
    policy, clerk, neighbour_clerk, far_clerk, reviewer, other_reviewer, approver, outsider, auditor, city_auditor
):
    """For a case of 北街 at each stage: who sees it (200/404) and who may act (2xx, 403 role, 404 scope)."""
    application = file_application(clerk)
    sees = {
        clerk: 200,
        neighbour_clerk: 404,
        far_clerk: 404,
        reviewer: 200,
        other_reviewer: 404,
        approver: 200,
        outsider: 404,
        auditor: 200,
        city_auditor: 200,
    }
    for user, status in sees.items():
        assert_case_page(user, application, status)

    stage_actions = [
        (
            "village_check",
            {"decision": "forward"},
            clerk,
            {neighbour_clerk: 404, far_clerk: 404, reviewer: 403, approver: 403, auditor: 403, city_auditor: 403},
        ),
        (
            "township_review",
            township(),
            reviewer,
            {other_reviewer: 404, clerk: 403, approver: 403, outsider: 404, auditor: 403},
        ),
        (
            "county_approval",
            {"decision": "approve"},
            approver,
            {outsider: 404, reviewer: 403, clerk: 403, auditor: 403, city_auditor: 403},
        ),
        (
            "notice_delivery",
            {"delivered_on": today(), "method": "in_person", "recipient": "王秀英"},
            reviewer,
            {other_reviewer: 404, clerk: 403, approver: 403, auditor: 403},
        ),
    ]
    for stage, fields, actor, refusals in stage_actions:
        assert application.stage == stage
        for user, status in refusals.items():
            complete(user, application, expect=status, **fields)
            assert application.stage == stage
        complete(actor, application, **fields)
    assert application.stage == "closed"
    # Lists follow the same scope.
    for user, status in sees.items():
        listed = application.number in client_for(user).get("/workbench/applications/").content.decode()
        assert listed is (status == 200)
