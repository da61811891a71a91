"""The applicant's status look-up (INTERFACES section 13): /status/ and /api/v1/status/, no login,
throttled per client address; the right number and code show the stage, its due date and, once
decided, the outcome and how to collect the notice - nothing personal; a wrong code and an unknown
number get the same answer."""

import pytest
from django.test import Client

from aidflow.cases.models import Application
from aidflow.notify.status import ALPHABET, CODE_LENGTH, status_code_new, status_lookup
from tests.factories import ApplicationFactory, FilingFactory, advance, person
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


def page(number, code, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).get("/status/", {"number": number, "code": code})


def api(number, code, address="10.0.0.1"):
    return Client(REMOTE_ADDR=address).get("/api/v1/status/", {"number": number, "code": code})


def personal(application) -> list[str]:
    return [
        application.applicant_name,
        application.masked_name,
        application.id_number,
        application.phone,
        application.village.name,
    ]


def test_a_new_code_is_eight_unambiguous_characters():
    codes = {status_code_new() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(code) == CODE_LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert not set("01OIL") & set(ALPHABET)


def test_the_right_code_shows_the_stage_and_its_due_date(policy, clerk):
    application = ApplicationFactory(user=clerk)
    assert len(application.status_code) == 8
    response = page(application.number, application.status_code.lower())  # case does not matter
    assert response.status_code == 200
    text = response.content.decode()
    assert application.number in text and "村级核查" in text
    assert application.stage_due_date.strftime("%Y-%m-%d") in text
    for secret in personal(application):
        assert secret not in text
    answer = api(application.number, application.status_code)
    assert answer.status_code == 200
    assert answer.json() == {
        "number": application.number,
        "stage": "village_check",
        "stage_label": "村级核查",
        "due_date": application.stage_due_date.isoformat(),
        "status": "in_progress",
        "status_label": answer.json()["status_label"],
        "outcome": None,
    }


def test_once_decided_the_outcome_and_how_to_collect_the_notice(policy, clerk, reviewer, approver):
    application = advance(ApplicationFactory(user=clerk), to="notice_delivery")
    body = api(application.number, application.status_code).json()
    assert body["stage"] == "notice_delivery"
    outcome = body["outcome"]
    assert (outcome["decision"], outcome["amount"], outcome["notice_delivered_on"]) == ("approved", "1000.00", None)
    assert application.village.parent.name in outcome["collect"] and "领取" in outcome["collect"]
    text = page(application.number, application.status_code).content.decode()
    assert "1000.00" in text and "决定书" in text
    closed = advance(application, to="closed")
    body = api(closed.number, closed.status_code).json()
    assert body["stage"] == "closed" and body["due_date"] is None
    assert body["outcome"]["notice_delivered_on"] is not None
    for secret in personal(closed):
        assert secret not in str(body)


def test_a_wrong_code_and_an_unknown_number_answer_alike(policy, clerk, django_assert_num_queries, settings):
    application = ApplicationFactory(user=clerk)
    wrong = "".join("2" if c != "2" else "3" for c in application.status_code)
    unknown_number = application.number[:-1] + ("9" if application.number[-1] != "9" else "8")
    answers = [page(application.number, wrong), page(unknown_number, wrong), page("nonsense", "x")]
    assert {response.status_code for response in answers} == {404}
    assert len({response.content for response in answers}) == 1
    assert "没有与该申请编号和查询码相符的申请" in answers[0].content.decode()
    apis = [api(application.number, wrong), api(unknown_number, wrong)]
    assert {response.status_code for response in apis} == {404}
    assert apis[0].content == apis[1].content
    # The same work either way: one query, one constant-time comparison.
    with django_assert_num_queries(1):
        assert status_lookup(number=application.number, code=wrong) is None
    with django_assert_num_queries(1):
        assert status_lookup(number=unknown_number, code=wrong) is None
    # An application without a code (none can be: the migration gave each one) never matches.
    Application.objects.filter(pk=application.pk).update(status_code="")
    assert status_lookup(number=application.number, code="") is None
    assert status_lookup(number=application.number, code="ZZZZZZZZ") is None


def test_missing_fields_are_named(policy):
    response = Client().get("/api/v1/status/", {"number": "371403-2026-00001"})
    assert response.status_code == 400 and list(response.json()["errors"]) == ["code"]
    assert Client().get("/status/").status_code == 200  # the empty form
    assert Client().get("/status/", {"number": "371403-2026-00001"}).status_code == 400


def test_look_ups_are_throttled_per_address(policy, clerk, settings):
    settings.STATUS_LOOKUPS_PER_MINUTE = 3
    application = ApplicationFactory(user=clerk)
    statuses = [page(application.number, "WRONG234").status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]
    # Even the right code is refused now, from this address; another address still looks up.
    assert page(application.number, application.status_code).status_code == 429
    assert page(application.number, application.status_code, address="10.0.0.2").status_code == 200
    # The API throttles with DRF's scoped throttle on the shared cache; its rate is read at start-up,
    # 10 a minute by default.
    from rest_framework.settings import api_settings

    assert api_settings.DEFAULT_THROTTLE_RATES["status"] == "10/min"
    api_statuses = [api(application.number, "WRONG234", address="10.0.0.3").status_code for _ in range(11)]
    assert api_statuses == [404] * 10 + [429]


def test_the_detail_and_the_filing_answer_carry_the_code(policy, clerk):
    response = client_for(clerk).post("/api/v1/applications/", FilingFactory(), content_type="application/json")
    assert response.status_code == 201
    code = response.json()["status_code"]
    assert len(code) == 8 and Application.objects.get(pk=response.json()["id"]).status_code == code
    detail = client_for(clerk).get(f"/api/v1/applications/{response.json()['id']}/").json()
    assert detail["status_code"] == code
    case_page = client_for(clerk).get(f"/workbench/applications/{response.json()['id']}/").content.decode()
    assert code in case_page and "打印受理回执" in case_page


def test_the_data_migration_gives_existing_applications_a_code(policy, clerk):
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("aidflow.cases.migrations.0022_status_codes_for_existing")
    first = ApplicationFactory(user=clerk)
    second = ApplicationFactory(user=clerk, data=FilingFactory(person=person("301")))
    Application.objects.update(status_code="")

    class Editor:
        pass

    editor = Editor()
    editor.connection = connection
    migration.give_codes(apps, editor)
    codes = list(Application.objects.filter(pk__in=[first.pk, second.pk]).values_list("status_code", flat=True))
    assert all(len(code) == 8 and set(code) <= set(ALPHABET) for code in codes) and codes[0] != codes[1]
