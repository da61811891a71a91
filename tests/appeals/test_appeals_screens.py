"""The case page's appeals: the county approver sees the periods' end dates, records an appeal and
its outcome (errors beside the fields, in Chinese), and both show in the case's history."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.utils import timezone

from aidflow.appeals.models import Appeal
from aidflow.audit.services import audit_seal_reads
from tests.appeals.helpers import decision_pdf, delivered_case

pytestmark = pytest.mark.django_db


def chinese(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(user)
    return client


def page(client, application) -> str:
    response = client.get(f"/workbench/applications/{application.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_approver_records_an_appeal_and_its_outcome_on_the_case_page(
    policy, clerk, reviewer, approver, auditor, outsider
):
    application = delivered_case(clerk, reviewer, approver)
    client = chinese(approver)
    delivered = timezone.localdate()
    html = page(client, application)
    assert 'id="appeals"' in html and "登记行政复议或行政诉讼" in html
    assert (delivered + datetime.timedelta(days=60)).isoformat() in html
    assert "复议机关或人民法院" in html  # the form's label

    url = f"/workbench/applications/{application.pk}/appeals/"
    today = delivered.isoformat()
    bad = client.post(url, {"kind": "reconsideration", "received_on": today, "body": "", "case_number": "陵政复1号"})
    assert bad.status_code == 400
    body = bad.content.decode()
    assert "此字段为必填项" in body and 'id="id_body"' in body and not Appeal.objects.exists()
    future = (delivered + datetime.timedelta(days=2)).isoformat()
    late = client.post(
        url, {"kind": "reconsideration", "received_on": future, "body": "陵城区人民政府", "case_number": "陵政复1号"}
    )
    assert late.status_code == 400 and "不能是将来的日期" in late.content.decode()

    done = client.post(
        url, {"kind": "reconsideration", "received_on": today, "body": "陵城区人民政府", "case_number": "陵政复1号"}
    )
    assert done.status_code == 302
    appeal = Appeal.objects.get()
    html = page(client, application)
    assert "陵政复1号" in html and "登记行政复议 陵政复1号的结果" in html

    outcome_url = f"/workbench/applications/{application.pk}/appeals/{appeal.pk}/outcome/"
    missing = client.post(outcome_url, {"outcome": "upheld", "decided_on": today})
    assert missing.status_code == 400 and 'id="id_document"' in missing.content.decode()
    done = client.post(outcome_url, {"outcome": "upheld", "decided_on": today, "document": decision_pdf()})
    assert done.status_code == 302
    appeal.refresh_from_db()
    assert appeal.outcome == "upheld"
    html = page(client, application)
    assert "维持原决定" in html and "复议决定或法院裁判文书" in html

    # Others see the appeal, not the forms; the clerk cannot post one.
    assert "登记行政复议或行政诉讼" not in page(chinese(auditor), application)
    assert "陵政复1号" in page(chinese(auditor), application)
    forbidden = chinese(clerk).post(
        url, {"kind": "lawsuit", "received_on": today, "body": "陵城区人民法院", "case_number": "行初1号"}
    )
    assert forbidden.status_code == 403
    assert chinese(outsider).post(url, {"kind": "lawsuit"}).status_code == 404

    # The history shows both steps, named for people.
    audit_seal_reads()
    history = chinese(auditor).get(f"/workbench/applications/{application.pk}/history/").content.decode()
    assert "记录行政复议或行政诉讼" in history and "记录复议或诉讼结果" in history


def test_a_changed_outcome_on_the_page_puts_the_case_back_in_the_approvers_hands(policy, clerk, reviewer, approver):
    application = delivered_case(clerk, reviewer, approver)
    client = chinese(approver)
    today = timezone.localdate().isoformat()
    client.post(
        f"/workbench/applications/{application.pk}/appeals/",
        {"kind": "lawsuit", "received_on": today, "body": "陵城区人民法院", "case_number": "行初5号"},
    )
    appeal = Appeal.objects.get()
    response = client.post(
        f"/workbench/applications/{application.pk}/appeals/{appeal.pk}/outcome/",
        {"outcome": "changed", "decided_on": today, "document": decision_pdf("判决书.pdf")},
    )
    assert response.status_code == 302
    html = page(client, application)
    assert "送回县级重新决定" in html
    # The county approval form is on the page again.
    assert 'id="task-form"' in html
    application.refresh_from_db()
    assert (application.stage, application.status) == ("county_approval", "in_progress")


def test_the_monthly_statistics_screen_counts_the_appeals(policy, clerk, reviewer, approver):
    application = delivered_case(clerk, reviewer, approver)
    client = chinese(approver)
    today = timezone.localdate().isoformat()
    client.post(
        f"/workbench/applications/{application.pk}/appeals/",
        {"kind": "lawsuit", "received_on": today, "body": "陵城区人民法院", "case_number": "行初7号"},
    )
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get("/workbench/reports/monthly/", {"region": "371403", "month": month})
    assert response.status_code == 200
    html = response.content.decode()
    section = html[html.index('id="appeals"') :]
    section = section[: section.index("</section>")]
    assert "行政复议与行政诉讼" in section and "陵城区" in section and "收到件数" in section
    cells = re.findall(r'<td class="af-money">(\d+)</td>', section)
    # One county row and the totals: reconsideration 0 received, lawsuit 1 received, no outcomes yet.
    assert cells == ["0", "0", "0", "0", "0", "1", "0", "0", "0", "0"] * 2
