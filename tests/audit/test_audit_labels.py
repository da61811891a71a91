"""The audit page and its CSV speak the reader's language; the CSV keeps the codes for programs."""

import csv
import io

import pytest

from tests.factories import ApplicationFactory
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db


def test_roles_actions_and_stages_are_named(policy, clerk, auditor):
    ApplicationFactory(user=clerk)
    reader = client_for(auditor)
    reader.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    page = reader.get("/workbench/audit/").content.decode()
    assert "<td>村级经办员</td>" in page and "<td>village_clerk</td>" not in page
    assert "村级核查" in page  # the stage of the filing
    export = reader.get("/workbench/audit/export.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    header, filed = rows[0], next(row for row in rows[1:] if row[-2] == "filed")
    assert header[:3] == ["序号", "时间", "操作人"] and header[-3:] == ["role", "action", "stage"]
    assert filed[-3] == "village_clerk" and filed[3] == "村级经办员"
