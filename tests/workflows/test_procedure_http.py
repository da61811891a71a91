"""End-to-end through HTTP, one test per path of the procedure, with the 403/404 of wrong roles and regions."""

import pytest
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Task

from aidflow.cases.models import Application, Document, HospitalStay, StageRecord
from tests.workflows.helpers import PDF_BYTES, current_task

pytestmark = pytest.mark.django_db


def today():
    return timezone.localdate().isoformat()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stay_fields(index: int, **overrides) -> dict:
    date = timezone.localdate()
    fields = {
        "hospital": "德州市人民医院",
        "hospital_level": "3",
        "admission_date": (date.replace(day=1) if date.day > 1 else date).isoformat(),
        "discharge_date": date.isoformat(),
        "total_cost": "60000.00",
        "eligible_cost": "52000.00",
        "basic_insurance": "30000.00",
        "serious_illness_insurance": "5000.00",
        "other_insurance": "0.00",
        "charity": "0.00",
    }
    fields.update(overrides)
    return {f"stays-{index}-{key}": value for key, value in fields.items()}


def filing_post(two_stays=True, **overrides) -> dict:
    data = {
        "applicant_name": "王秀英",
        "id_number": "11010519491231002X",
        "phone": "13800000000",
        "category": "low_income",
        "aid_type": "major_disease",
        "seriously_ill": "on",
        "household_size": "3",
        "household_monthly_income": "1200.00",
        "residence": "rural",
        "stays-TOTAL_FORMS": "3",
        "stays-INITIAL_FORMS": "0",
        "stays-MIN_NUM_FORMS": "1",
        "stays-MAX_NUM_FORMS": "20",
        "members-TOTAL_FORMS": "1",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "20",
        "members-0-name": "王大山",
        "members-0-relation": "配偶",
        "members-0-monthly_income": "800.00",
        "documents-TOTAL_FORMS": "2",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "20",
        "documents-0-kind": "diagnosis",
        "documents-1-kind": "settlement_bill",
    }
    data.update(stay_fields(0))
    if two_stays:
        data.update(
            stay_fields(
                1,
                hospital="陵城区人民医院",
                eligible_cost="9000.00",
                basic_insurance="6500.00",
                serious_illness_insurance="0.00",
                total_cost="10000.00",
            )
        )
    data.update(overrides)
    return data


def file_application(clerk, **overrides) -> Application:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(clerk)
    data = filing_post(**overrides)
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", PDF_BYTES)
    data["documents-1-file"] = SimpleUploadedFile("结算单.pdf", PDF_BYTES)
    before = Application.objects.count()
    response = client.post("/workbench/applications/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Application.objects.count() == before + 1
    return Application.objects.latest("pk")


def complete(user, application, expect=302, **fields):
    task = current_task(application)
    response = client_for(user).post(f"/workbench/applications/{application.pk}/tasks/{task.pk}/", fields)
    assert response.status_code == expect, response.content.decode()[:2000]
    application.refresh_from_db()
    return response


def human_tasks(application):
    return Task.objects.filter(process_id=application.process_id, flow_task_type="HUMAN")


def task_summary(application):
    return sorted((task.flow_task.name, task.status) for task in human_tasks(application))


FORWARD_TOWNSHIP = {"decision": "forward", "visit_date": None, "visitors": "刘志强", "findings": "入户核实属实"}


def township(decision="forward", **extra):
    fields = dict(FORWARD_TOWNSHIP, decision=decision, visit_date=today())
    fields.update(extra)
    return fields


def assert_case_page(user, application, status):
    assert client_for(user).get(f"/workbench/applications/{application.pk}/").status_code == status


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
    # Never more than computed; less only with a reason.
    complete(approver, application, expect=400, decision="approve", amount="1500.01")
    complete(approver, application, expect=400, decision="approve", amount="1000.00")
    assert application.stage == "county_approval"
    complete(approver, application, decision="approve", amount="1200.00", override_reason="家庭已获亲属资助")
    assert (application.stage, application.status, application.decision, str(application.amount)) == (
        "notice_delivery",
        "approved",
        "approved",
        "1200.00",
    )
    assert StageRecord.objects.get(application=application, action="approved").override_reason == "家庭已获亲属资助"

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
    assert "家庭已获亲属资助" in page and "王秀英" in page


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
            "file": SimpleUploadedFile("收入证明.png", b"\x89PNG\r\n\x1a\n" + b"0" * 32),
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
    client_for(clerk).post(url, {"reason": ""})
    application.refresh_from_db()
    assert application.status == "in_progress"
    assert client_for(clerk).post(url, {"reason": "申请人已通过其他渠道获得救助"}).status_code == 302
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


def test_filing_form_reports_bad_fields(policy, clerk):
    client = client_for(clerk)
    data = filing_post(id_number="110105194912310021", **{"documents-0-kind": "", "documents-1-kind": ""})
    data.update(stay_fields(0, eligible_cost="70000.00"))
    response = client.post("/workbench/applications/new/", data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "校验码" in text and "合规费用大于总费用" in text
    assert Application.objects.count() == 0


def test_untouched_extra_rows_are_skipped(policy, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # A browser sends every select's value; blank first choices keep empty rows empty.
    data = filing_post(
        two_stays=False, **{"stays-1-hospital_level": "", "stays-2-hospital_level": "", "documents-1-kind": ""}
    )
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", PDF_BYTES)
    response = client_for(clerk).post("/workbench/applications/new/", data)
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.stays.count() == 1 and application.documents.count() == 1


def test_documents_are_checked_by_content(policy, clerk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = filing_post()
    data["documents-0-file"] = SimpleUploadedFile("诊断.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    data["documents-1-file"] = SimpleUploadedFile("结算单.pdf", PDF_BYTES)
    response = client_for(clerk).post("/workbench/applications/new/", data)
    assert response.status_code == 400
    assert Application.objects.count() == 0 and Document.objects.count() == 0


def test_document_download_is_scoped_attachment_nosniff(policy, clerk, auditor, outsider):
    application = file_application(clerk)
    document = application.documents.first()
    url = f"/workbench/applications/{application.pk}/documents/{document.pk}/"
    response = client_for(auditor).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert client_for(outsider).get(url).status_code == 404
    # Stored under a generated name, not the uploader's.
    assert "诊断" not in document.file.name


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


def test_supplement_corrects_the_household_and_recalculates(policy, clerk, reviewer):
    from aidflow.audit.models import AuditEvent

    application = file_application(clerk, two_stays=False)
    complete(clerk, application, decision="forward")
    complete(reviewer, application, **township("return", reasons="收入证明与申报不符", missing="家庭收入证明"))
    assert str(application.computed_amount) == "1000.00"
    # The income proof shows a higher income: per-capita 600 is above 1.3 x 400, so not eligible.
    task = current_task(application)
    response = client_for(clerk).post(
        f"/workbench/applications/{application.pk}/tasks/{task.pk}/",
        {
            "note": "补充收入证明，按证明更正家庭月收入",
            "household_size": "3",
            "household_monthly_income": "1800.00",
            "residence": "rural",
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.stage == "township_review"
    assert str(application.household_monthly_income) == "1800.00"
    assert application.calculation["eligible"] is False
    assert [reason["code"] for reason in application.calculation["reasons"]] == ["INCOME_ABOVE_LIMIT"]
    event = AuditEvent.objects.get(action="resubmitted")
    assert event.details["facts"]["corrections"]["computed_amount"] == ["1000.00", "0.00"]


def test_supplement_without_changes_keeps_the_calculation(policy, clerk):
    from aidflow.audit.models import AuditEvent

    application = file_application(clerk, two_stays=False)
    complete(clerk, application, decision="return", missing="户口簿")
    # The form comes prefilled with the household; submitting it unchanged corrects nothing.
    complete(
        clerk, application, note="已补户口簿", household_size="3", household_monthly_income="1200.00", residence="rural"
    )
    assert "corrections" not in AuditEvent.objects.get(action="resubmitted").details["facts"]


def test_api_supplement_corrects_stays(policy, clerk):
    from aidflow.cases.services import open_task, task_complete

    application = file_application(clerk, two_stays=False)
    complete(clerk, application, decision="return", missing="结算单")
    bad = {"note": "x", "stays": [{"hospital": "某医院"}]}
    import pytest as _pytest

    from aidflow.policy.values import InputErrors

    with _pytest.raises(InputErrors) as caught:
        task_complete(user=clerk, task_id=open_task(application).pk, payload=bad)
    assert "stays[0].hospital_level" in caught.value.errors
    stays = [
        dict(
            application.calculation_input["stays"][0],
            eligible_cost="60000.00",
            basic_insurance="30000.00",
            serious_illness_insurance="0.00",
        )
    ]
    application = task_complete(
        user=clerk, task_id=open_task(application).pk, payload={"note": "结算单更正", "stays": stays}
    )
    # remaining 30000; 18000 above the deductible; 20% = 3600.
    assert application.calculation["amount"] == "3600.00" and application.stays.get().eligible_cost == 60000
