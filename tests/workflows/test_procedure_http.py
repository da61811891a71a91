"""End-to-end through HTTP, one test per path of the procedure, with the 403/404 of wrong roles and regions."""

import pytest
from django.utils import timezone

from aidflow.cases.models import Document, HospitalStay, StageRecord
from tests.workflows.helpers import (
    PNG_BYTES,
    assert_case_page,
    client_for,
    complete,
    current_task,
    file_application,
    post_confirmed,
    task_summary,
    today,
    township,
)

pytestmark = pytest.mark.django_db


def test_approve_path(policy, clerk, reviewer, approver, auditor, outsider, neighbour_clerk, other_reviewer):
    application = file_application(clerk)
    assert application.number == f"371403-{timezone.localdate().year}-00001"
    assert (application.stage, application.status, application.decision, application.amount) == (
        "village_check",
        "in_progress",
        None,
        None,
    )
    assert HospitalStay.objects.filter(application=application).count() == 2
    assert Document.objects.filter(application=application).count() == 2
    assert application.members.get().name == "王大山"
    # Two stays: 17000 + 2500 remaining; 7500 above the deductible; 20% = 1500.
    assert application.calculation["amount"] == "1500.00" and str(application.computed_amount) == "1500.00"
    assert task_summary(application) == [("village_check", "NEW")]

    # Who sees the case at all: the village, its township, its county and its auditor.
    for user in (clerk, reviewer, approver, auditor):
        assert_case_page(user, application, 200)
    for user in (neighbour_clerk, other_reviewer, outsider):
        assert_case_page(user, application, 404)
    # A reviewer cannot do the village's check (403); a clerk of another village gets 404.
    complete(reviewer, application, expect=403, decision="forward")
    complete(neighbour_clerk, application, expect=404, decision="forward")
    complete(auditor, application, expect=403, decision="forward")

    complete(clerk, application, decision="forward", findings="材料齐全")
    assert application.stage == "township_review"
    complete(approver, application, expect=403, **township())
    complete(other_reviewer, application, expect=404, **township())
    complete(reviewer, application, **township())
    assert application.stage == "county_approval"

    complete(reviewer, application, expect=403, decision="approve")
    complete(outsider, application, expect=404, decision="approve")
    # The award is the computed amount (seed 002 line ~1784, "不低于70%" is a floor): what the county
    # finds non-compliant comes off a stay's compliant cost and the amount is computed again. A half
    # filled finding is refused and nothing is recorded.
    complete(approver, application, expect=400, decision="approve", excluded_stay_1="0", excluded_amount_1="1500")
    assert application.stage == "county_approval"
    complete(
        approver,
        application,
        decision="approve",
        excluded_stay_1="0",
        excluded_amount_1="1500.00",
        excluded_reason_1="超出医保目录的自费药品",
    )
    # 17000 - 1500 + 2500 = 18000 remaining; 6000 above the deductible; 20% = 1200.
    assert (application.stage, application.status, application.decision, str(application.amount)) == (
        "notice_delivery",
        "approved",
        "approved",
        "1200.00",
    )
    assert application.excluded_costs == [{"stay": 0, "amount": "1500.00", "reason": "超出医保目录的自费药品"}]
    assert StageRecord.objects.get(application=application, action="approved").amount == 1200

    complete(clerk, application, expect=403, delivered_on=today(), method="in_person", recipient="王秀英")
    complete(reviewer, application, delivered_on=today(), method="in_person", recipient="王秀英")
    assert (application.stage, application.status) == ("closed", "approved")
    assert task_summary(application) == [
        ("county_approval", "DONE"),
        ("notice_delivery", "DONE"),
        ("township_review", "DONE"),
        ("village_check", "DONE"),
    ]
    assert application.process.status == "DONE"
    actions = list(StageRecord.objects.filter(application=application).values_list("action", flat=True))
    assert actions == ["filed", "forwarded", "forwarded", "approved", "delivered"]
    # The case page shows the timeline and the delivery.
    page = client_for(auditor).get(f"/workbench/applications/{application.pk}/").content.decode()
    assert "超出医保目录的自费药品" in page and "王秀英" in page


def test_township_reject_path(policy, clerk, reviewer, approver):
    application = file_application(clerk)
    complete(clerk, application, decision="forward")
    complete(reviewer, application, expect=400, **township("reject"))  # reasons are required
    complete(reviewer, application, **township("reject", reasons="家庭人均收入超过标准"))
    assert (application.stage, application.status, application.decision) == ("notice_delivery", "rejected", "rejected")
    assert application.amount is None
    complete(reviewer, application, delivered_on=today(), method="post", recipient="王秀英")
    assert (application.stage, application.status) == ("closed", "rejected")
    assert task_summary(application) == [
        ("notice_delivery", "DONE"),
        ("township_review", "DONE"),
        ("village_check", "DONE"),
    ]


def test_county_reject_path(policy, clerk, reviewer, approver):
    application = file_application(clerk)
    complete(clerk, application, decision="forward")
    complete(reviewer, application, **township())
    complete(approver, application, expect=400, decision="reject")
    complete(approver, application, decision="reject", reasons="经复核不符合条件")
    assert (application.stage, application.status, application.decision) == ("notice_delivery", "rejected", "rejected")
    complete(reviewer, application, delivered_on=today(), method="in_person", recipient="王大山")
    assert application.stage == "closed"


@pytest.mark.parametrize("returning_stage", ["village_check", "township_review", "county_approval"])
def test_return_then_resubmit_goes_back_to_the_returning_stage(policy, clerk, reviewer, approver, returning_stage):
    from django.core.files.uploadedfile import SimpleUploadedFile

    application = file_application(clerk)
    steps = {
        "village_check": (clerk, {"decision": "return", "missing": "户口簿复印件"}),
        "township_review": (reviewer, township("return", reasons="缺少收入证明", missing="家庭收入证明")),
        "county_approval": (approver, {"decision": "return", "reasons": "缺少诊断证明", "missing": "诊断证明"}),
    }
    for stage in ["village_check", "township_review", "county_approval"]:
        user, fields = steps[stage]
        if stage == returning_stage:
            complete(user, application, **fields)
            break
        complete(user, application, **(township() if stage == "township_review" else {"decision": "forward"}))
    assert (application.stage, application.returned_from) == ("supplement", returning_stage)
    assert application.missing_materials
    page = client_for(clerk).get(f"/workbench/applications/{application.pk}/").content.decode()
    assert application.missing_materials[0] in page

    # Only the clerk of the village supplies the materials.
    complete(reviewer, application, expect=403, note="x")
    documents_before = application.documents.count()
    task = current_task(application)
    response = client_for(clerk).post(
        f"/workbench/applications/{application.pk}/tasks/{task.pk}/",
        {
            "note": "已补充",
            "kind": "income_proof",
            "file": SimpleUploadedFile("收入证明.png", PNG_BYTES),
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == returning_stage and application.returned_from == ""
    assert application.documents.count() == documents_before + 1
    statuses = task_summary(application)
    assert (returning_stage, "NEW") in statuses and ("supplement", "DONE") in statuses
    assert sum(1 for name, _status in statuses if name == returning_stage) == 2


def test_withdrawal(policy, clerk, reviewer, neighbour_clerk):
    application = file_application(clerk)
    complete(clerk, application, decision="forward")
    url = f"/workbench/applications/{application.pk}/withdraw/"
    assert client_for(reviewer).post(url, {"reason": "x"}).status_code == 403
    assert client_for(neighbour_clerk).post(url, {"reason": "x"}).status_code == 404
    assert client_for(clerk).post(url, {"reason": ""}).status_code == 400
    application.refresh_from_db()
    assert application.status == "in_progress"
    # Asked first, with what will happen; nothing is done until the withdrawal is confirmed.
    asked = client_for(clerk).post(url, {"reason": "申请人已通过其他渠道获得救助"})
    assert asked.status_code == 200 and "data-confirm-dialog" in asked.content.decode()
    application.refresh_from_db()
    assert application.status == "in_progress"
    assert post_confirmed(client_for(clerk), url, {"reason": "申请人已通过其他渠道获得救助"}).status_code == 302
    application.refresh_from_db()
    assert (application.status, application.stage) == ("withdrawn", "closed")
    assert task_summary(application) == [("township_review", "CANCELED"), ("village_check", "DONE")]
    assert application.process.status == "CANCELED"
    # Nothing can be completed any more.
    assert current_task(application) is None


def test_same_person_may_not_decide_two_stages(policy, clerk, reviewer):
    from guardian.shortcuts import assign_perm

    from aidflow.regions.models import Region

    application = file_application(clerk)
    complete(clerk, application, decision="forward")
    complete(reviewer, application, **township())
    # Give the reviewer the county's permission too: still not allowed to decide again.
    assign_perm("regions.approve_county", reviewer, Region.objects.get(code="371403"))
    reviewer.staff.role = "county_approver"
    reviewer.staff.save()
    complete(reviewer, application, expect=403, decision="approve")


def test_second_completion_is_told_who_handled_it(policy, clerk):
    application = file_application(clerk)
    task = current_task(application)
    complete(clerk, application, decision="forward")
    response = client_for(clerk).post(
        f"/workbench/applications/{application.pk}/tasks/{task.pk}/", {"decision": "forward"}, follow=True
    )
    assert "已由" in response.content.decode() or "Already handled" in response.content.decode()


def test_a_refused_case_shows_the_refusal_not_an_amount(policy, clerk, reviewer, approver):
    from tests.factories import ApplicationFactory, advance

    refused = advance(ApplicationFactory(user=clerk), to="notice_delivery", reject_at="county_approval")
    web = client_for(approver)
    web.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = web.get(f"/workbench/applications/{refused.pk}/").content.decode()
    assert "Refused: no aid was awarded" in page and "Computed amount" not in page


def test_the_evidence_comes_before_the_decision_and_the_next_task_follows(policy, clerk):
    from tests.factories import ApplicationFactory, FilingFactory, person

    first = ApplicationFactory(user=clerk)
    second = ApplicationFactory(user=clerk, data=FilingFactory(person=person("501")))
    web = client_for(clerk)
    web.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = web.get(f"/workbench/applications/{first.pk}/").content.decode()
    assert page.index('id="task-form"') > page.index("Hospital stays") > 0
    assert page.index('id="task-form"') > page.index(">Calculation")
    complete(clerk, first, decision="forward", findings="材料齐全")
    after = web.get(f"/workbench/applications/{first.pk}/").content.decode()
    assert f"/workbench/applications/{second.pk}/#task-form" in after and "Back to my tasks" in after
