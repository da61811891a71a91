"""The audit log read by people: detail keys and coded values by name (a change as before → after),
regions by name, commands that act by what they do; the CSV keeps the codes in its last columns."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from aidflow.cases.models import Application
from tests.factories import make_staff
from tests.test_visible_codes import visible

pytestmark = pytest.mark.django_db


def client(username: str) -> Client:
    signed_in = Client()
    signed_in.force_login(get_user_model().objects.get(username=username))
    return signed_in


def test_history_search_and_csv_name_what_the_codes_mean():
    call_command("seed_demo", stdout=io.StringIO())
    first = Application.objects.order_by("pk").first()
    text, _links = visible(
        client("auditor_lingcheng").get(f"/workbench/applications/{first.pk}/history/").content.decode()
    )
    assert "变更 · 环节: 村级核查 → 乡镇审核" in text
    assert "事实 · 决定: 报送上级" in text
    assert "救助对象类别: 低收入人员" in text and "救助类型: 重特大疾病医疗救助" in text
    assert "village_check" not in text and "computed_amount" not in text

    search, _links = visible(client("auditor_dezhou").get("/workbench/audit/").content.decode())
    assert "陵城区" in search

    # The import of the regions has no region and no actor's city: the province's auditors read it.
    make_staff("auditor_shandong", "auditor", "37", "省审计")
    response = client("auditor_shandong").get("/workbench/audit/export.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    actors = {row[header.index("操作人")] for row in rows[1:]}
    assert {"政策导入", "区划导入"} <= actors and "load_policy" not in actors
    regions = {row[header.index("地区")] for row in rows[1:]}
    assert "陵城区" in regions
    # Programs still read the codes.
    assert "stage" in header and any(row[header.index("stage")] == "village_check" for row in rows[1:])
