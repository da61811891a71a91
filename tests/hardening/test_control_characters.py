"""A NUL or another control character anywhere a person types answers 400 naming where it was, never
a 500 (PostgreSQL refuses a NUL in a string)."""

import pytest
from django.test import Client

from tests.settlements.conftest import register, window  # noqa: F401 - fixtures
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["\x00", "王\x00", "a\x1bb"])
def test_query_parameters_with_control_characters_are_refused(regions, clerk, auditor, value):
    web = client_for(clerk)
    for path in ("/workbench/applications/", "/workbench/inbox/"):
        response = web.get(path, {"q": value})
        assert response.status_code == 400 and "q" in response.content.decode()
    api = client_for(clerk).get("/api/v1/applications/", {"q": value})
    assert api.status_code == 400 and list(api.json()["errors"]) == ["q"]
    audit = client_for(auditor).get("/workbench/audit/", {"actor": value})
    assert audit.status_code == 400


def test_a_verification_code_with_a_nul_is_refused(regions):
    assert Client().get("/verify/ABC%00DEF").status_code == 400
    assert Client().get("/api/v1/verify/ABC%00DEF/").status_code == 400


def test_a_json_body_with_a_nul_is_refused_naming_nothing_written(policy, clerk):
    from aidflow.cases.models import Application
    from tests.factories import FilingFactory

    data = FilingFactory()
    data["applicant"]["name"] = "王\x00秀英"
    response = client_for(clerk).post("/api/v1/applications/", data, content_type="application/json")
    assert response.status_code == 400 and "applicant.name" in response.json()["detail"]
    assert not Application.objects.exists()


def test_text_keeps_tabs_and_line_breaks(regions, clerk):
    assert client_for(clerk).get("/workbench/applications/", {"q": "王\t"}).status_code == 200


def test_a_stay_in_the_year_one_and_an_invisible_name_are_bad_input(window):  # noqa: F811
    """A settlement stay admitted on 0001-01-01 was accepted (then claimed); so was a name or a
    diagnosis of zero-width spaces only."""
    from tests.settlements.conftest import settle_body

    api = client_for(window)
    year_one = api.post(
        "/api/v1/settlements/", settle_body(admission_date="0001-01-01"), content_type="application/json"
    )
    assert year_one.status_code == 400 and list(year_one.json()["errors"]) == ["stay.admission_date"]
    invisible = api.post("/api/v1/settlements/", settle_body(diagnosis="\u200b\u3000"), content_type="application/json")
    assert invisible.status_code == 400 and list(invisible.json()["errors"]) == ["stay.diagnosis"]
    nameless = settle_body()
    nameless["patient"]["name"] = "\u200b"
    response = api.post("/api/v1/settlements/", nameless, content_type="application/json")
    assert response.status_code == 400 and list(response.json()["errors"]) == ["patient.name"]
