"""Building blocks for procedure tests over HTTP: test documents, the filing form, completing stages."""

import io
from html.parser import HTMLParser

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from viewflow.workflow.models import Task

from aidflow.cases.models import Application
from aidflow.cases.selectors import open_task
from aidflow.notices.tasks import render_pending_notices
from tests.factories import StayFactory


def _blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


def _small_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


# Real files: uploads are parsed, not sniffed.
PDF_BYTES = _blank_pdf()
PNG_BYTES = _small_png()


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def current_task(application: Application):
    return open_task(Application.objects.get(pk=application.pk))


def today():
    return timezone.localdate().isoformat()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class _DialogFields(HTMLParser):
    """The hidden fields of the confirmation dialog's form (templates/aidflow/_confirm.html)."""

    def __init__(self):
        super().__init__()
        self.inside, self.fields = False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "dialog" and "data-confirm-dialog" in attrs:
            self.inside = True
        elif self.inside and tag == "input" and attrs.get("type") == "hidden" and attrs.get("name"):
            self.fields.setdefault(attrs["name"], []).append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "dialog":
            self.inside = False


def confirmation_fields(response) -> dict:
    """What the confirmation dialog of `response` posts when its button is pressed; {} without one."""
    parser = _DialogFields()
    parser.feed(response.content.decode())
    return parser.fields


def post_confirmed(client, url, data, **extra):
    """POST as a person does on a screen that asks before it acts: the form, then, when the answer
    is a confirmation, its button. Returns the last response."""
    response = client.post(url, data, **extra)
    fields = confirmation_fields(response) if response.status_code == 200 else {}
    return client.post(url, fields, **extra) if fields else response


def stay_fields(index: int, **overrides) -> dict:
    """Form fields of the filing form's stay row `index`: a StayFactory stay, discharged this year."""
    stay = StayFactory(**overrides)
    for key in ("referral", "referral_number"):
        stay.pop(key)
    stay["hospital_level"] = str(stay["hospital_level"])
    return {f"stays-{index}-{key}": value for key, value in stay.items()}


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
                hospital="陵城区中医院",
                eligible_cost="9000.00",
                basic_insurance="6500.00",
                serious_illness_insurance="0.00",
                total_cost="10000.00",
            )
        )
    data.update(overrides)
    return data


def file_application(clerk, **overrides) -> Application:
    """File through the workbench form, with two documents; returns the new application."""
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
    """Post the open task's form as `user`; checks the status and refreshes the application."""
    task = current_task(application)
    if application.stage == "notice_delivery":
        # The test transaction never commits, so no PDF was rendered: the catch-up renders it
        # (delivery waits for the PDF).
        render_pending_notices(older_than_seconds=0)
    response = post_confirmed(client_for(user), f"/workbench/applications/{application.pk}/tasks/{task.pk}/", fields)
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
