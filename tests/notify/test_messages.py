"""Messages to the applicant's phone (INTERFACES section 13): recorded on the case at filing, return
for materials, decision and payment; sent after the commit through the configured sender - the log
by default, an SMS gateway over HTTP with SMS_URL - and a sender that fails never fails the action."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from aidflow.cases.models import Application
from aidflow.notify.models import ApplicantMessage
from aidflow.notify.senders import HttpSender, SendFailed, mask_phone
from tests.factories import ApplicationFactory, FilingFactory, advance, person, today
from tests.payments.conftest import approved
from tests.workflows.helpers import client_for

# What follows the bank file, not who approves it: one signature (tests/payments/test_approval.py has two).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("one_signature")]


class Gateway:
    """A local SMS gateway: records each POST and answers with `status`."""

    def __init__(self, status: int = 200):
        self.received, self.status = [], status
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                gateway.received.append((self.headers["Content-Type"], json.loads(body)))
                self.send_response(gateway.status)
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class BrokenSender:
    """A sender with a bug of its own: not even a SendFailed."""

    def send(self, *, phone, text, reference):
        raise RuntimeError("sender exploded")


def kinds(application) -> list[str]:
    return list(ApplicantMessage.objects.filter(application=application).values_list("kind", flat=True))


def test_filing_records_a_message_and_the_log_sender_sends_it_after_the_commit(
    policy, clerk, django_capture_on_commit_callbacks, caplog
):
    with caplog.at_level("INFO", logger="aidflow.sms"), django_capture_on_commit_callbacks(execute=True):
        response = client_for(clerk).post("/api/v1/applications/", FilingFactory(), content_type="application/json")
    assert response.status_code == 201, response.content
    application = Application.objects.get(pk=response.json()["id"])
    message = ApplicantMessage.objects.get(application=application)
    assert (message.kind, message.status, message.error) == ("filed", "sent", "")
    assert message.phone == "138****0000" and "13800000000" not in message.phone
    assert application.number in message.text and application.status_code in message.text
    assert "/status/" in message.text and "受理" in message.text  # in Chinese, whoever filed it
    assert any(application.number in record.getMessage() for record in caplog.records)
    assert "13800000000" not in caplog.text  # the log sender masks the phone


def test_the_http_sender_posts_json_to_the_gateway(policy, clerk, settings, django_capture_on_commit_callbacks):
    with Gateway() as gateway:
        settings.SMS_URL = gateway.url
        with django_capture_on_commit_callbacks(execute=True):
            application = ApplicationFactory(user=clerk)
    [(content_type, body)] = gateway.received
    assert content_type.startswith("application/json")
    assert body["phone"] == "13800000000" and body["reference"] == application.number
    assert application.status_code in body["text"]
    assert ApplicantMessage.objects.get(application=application).status == "sent"


def test_a_gateway_error_is_recorded_and_the_filing_stands(policy, clerk, settings, django_capture_on_commit_callbacks):
    with Gateway(status=503) as gateway:
        settings.SMS_URL = gateway.url
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(clerk).post("/api/v1/applications/", FilingFactory(), content_type="application/json")
    assert response.status_code == 201 and len(gateway.received) == 1
    message = ApplicantMessage.objects.get(application_id=response.json()["id"])
    assert (message.status, message.error) == ("failed", "gateway answered HTTP 503")
    # Shown on the case page, with the masked phone.
    page = client_for(clerk).get(f"/workbench/applications/{message.application_id}/").content.decode()
    assert "gateway answered HTTP 503" in page and "138****0000" in page


def test_an_unreachable_gateway_or_a_broken_sender_never_fails_the_filing(
    policy, clerk, settings, django_capture_on_commit_callbacks
):
    settings.SMS_URL, settings.SMS_TIMEOUT = "http://127.0.0.1:9/sms", 1  # the discard port: refused
    with django_capture_on_commit_callbacks(execute=True):
        first = ApplicationFactory(user=clerk)
    message = ApplicantMessage.objects.get(application=first)
    assert message.status == "failed" and message.error.startswith("gateway not reached")
    settings.SMS_SENDER = "tests.notify.test_messages.BrokenSender"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(clerk).post(
            "/api/v1/applications/", FilingFactory(person=person("201")), content_type="application/json"
        )
    assert response.status_code == 201
    message = ApplicantMessage.objects.get(application_id=response.json()["id"])
    assert message.status == "failed" and "sender exploded" in message.error


def test_the_http_sender_times_out():
    import socket

    quiet = socket.socket()
    quiet.bind(("127.0.0.1", 0))
    quiet.listen(1)  # accepts the connection, never answers
    try:
        with pytest.raises(SendFailed, match="gateway not reached"):
            HttpSender(f"http://127.0.0.1:{quiet.getsockname()[1]}/", timeout=0.5).send(
                phone="13800000000", text="x", reference="n"
            )
    finally:
        quiet.close()


def test_no_phone_is_recorded_as_not_sent(policy, clerk):
    data = FilingFactory()
    data["applicant"]["phone"] = ""
    application = ApplicationFactory(user=clerk, data=data)
    message = ApplicantMessage.objects.get(application=application)
    assert (message.status, message.phone) == ("skipped", "")


def test_messages_at_return_decision_and_payment(policy, clerk, reviewer, approver, settings, regions):
    returned = advance(ApplicationFactory(user=clerk), to="notice_delivery", return_at="township_review")
    assert kinds(returned) == ["filed", "returned", "decided"]
    texts = dict(ApplicantMessage.objects.filter(application=returned).values_list("kind", "text"))
    assert "家庭收入证明" in texts["returned"]
    assert "1000.00" in texts["decided"] and "批准" in texts["decided"]
    refused = advance(
        ApplicationFactory(user=clerk, data=FilingFactory(person=person("202"))),
        to="notice_delivery",
        reject_at="county_approval",
        reasons="家庭收入超过标准",
    )
    assert kinds(refused) == ["filed", "decided"] and "未获批准" in refused.applicant_messages.last().text
    # Payment: the bank's results mark the line paid.
    from tests.factories import make_staff

    finance = make_staff("finance", "county_finance", "371403", "郑红")
    paid = approved(clerk, order="203")
    batch = client_for(finance).post("/api/v1/payment-batches/", {"county": "371403"}, content_type="application/json")
    line = next(line["id"] for line in batch.json()["lines"] if line["ref"] == paid.number)
    result = client_for(finance).post(
        f"/api/v1/payment-batches/{batch.json()['id']}/results/",
        {"results": [{"line": line, "status": "paid", "paid_on": today().isoformat()}]},
        content_type="application/json",
    )
    assert result.status_code == 200, result.content
    assert kinds(paid) == ["filed", "decided", "paid"]
    last = paid.applicant_messages.last().text
    assert "1000.00" in last and today().isoformat() in last
    detail = client_for(clerk).get(f"/api/v1/applications/{paid.pk}/").json()
    assert [message["kind"] for message in detail["messages"]] == ["filed", "decided", "paid"]
    assert all(message["phone"] == "138****0000" for message in detail["messages"])


def test_a_rolled_back_action_leaves_no_message(policy, clerk):
    data = FilingFactory()
    data["stays"][0]["total_cost"] = "not money"
    response = client_for(clerk).post("/api/v1/applications/", data, content_type="application/json")
    assert response.status_code == 400
    assert not ApplicantMessage.objects.exists()


def test_masking():
    assert mask_phone("13800001234") == "138****1234"
    assert mask_phone("053412345678") == "053*****5678"
    assert mask_phone("1234") == "1234"[-4:]
