"""A surname alone in the search box: one or two Chinese characters are the beginning of a name, in
the list's order, on the application and settlement lists (web and API); on PostgreSQL an index in
the list's order answers them (EXPLAIN names it), in as many queries as any other page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aidflow.cases.models import Application
from aidflow.cases.selectors import ListFilters, applications_filter, applications_visible
from aidflow.core.paging import EstimatedCountPaginator
from aidflow.core.search import is_name_head
from aidflow.settlements.models import Settlement
from aidflow.settlements.selectors import settlements_filter, settlements_visible
from tests.factories import ApplicationFactory, person
from tests.settlements.conftest import register, settle_body, window  # noqa: F401
from tests.workflows.helpers import client_for

pytestmark = pytest.mark.django_db

NAMES = ("王秀英", "李王明", "欧阳红", "王海涛", "张王", "欧阳秀兰")


@pytest.fixture
def filed(policy, clerk):
    """One application per name of NAMES, filed in this order."""
    return {
        name: ApplicationFactory(user=clerk, data__person=person(f"{order:03d}"), data__applicant__name=name)
        for order, name in enumerate(NAMES, start=1)
    }


def names(queryset) -> list[str]:
    return [row.applicant_name for row in queryset]


def test_one_or_two_chinese_characters_are_a_name_s_beginning():
    assert is_name_head("王") and is_name_head("欧阳") and is_name_head("㐀")
    for text in ("王秀英", "wang", "王a", "00012", "", " 王", "王 "):
        assert not is_name_head(text), text


def test_a_surname_finds_the_names_it_begins_in_the_list_s_order(filed, approver):
    visible = applications_visible(approver)
    listed = names(applications_filter(visible, ListFilters()))
    for text, expected in (("王", {"王秀英", "王海涛"}), ("欧阳", {"欧阳红", "欧阳秀兰"}), ("王海", {"王海涛"})):
        found = names(applications_filter(visible, ListFilters(q=text)))
        assert set(found) == expected, text
        # Ordered like the list itself.
        assert found == [name for name in listed if name in expected], text
    # Not inside a name: 李王明 and 张王 are not found by 王, 秀英 finds nobody (not a surname).
    assert names(applications_filter(visible, ListFilters(q="秀英"))) == []
    # Three characters or more still match anywhere in the name; numbers as before.
    assert names(applications_filter(visible, ListFilters(q="阳秀兰"))) == ["欧阳秀兰"]
    first = filed["王秀英"]
    assert names(applications_filter(visible, ListFilters(q=first.number[-5:]))) == ["王秀英"]


def test_the_web_list_and_the_api_search_by_surname(filed, approver):
    web = client_for(approver)
    page = web.get("/workbench/applications/", {"q": "欧阳"}).content.decode()
    shown = {name for name, application in filed.items() if application.number in page}
    assert shown == {"欧阳红", "欧阳秀兰"}
    body = web.get("/api/v1/applications/", {"q": "王"}).json()
    assert body["count"] == 2
    assert {row["number"] for row in body["results"]} == {filed["王秀英"].number, filed["王海涛"].number}


def test_a_surname_page_takes_the_queries_of_any_page(filed, approver):
    listed = applications_filter(applications_visible(approver), ListFilters(q="王"))
    with CaptureQueriesContext(connection) as queries:
        page = EstimatedCountPaginator(listed, 50).page(1)
        rows = [(row.applicant_name, row.village.name) for row in page]
    assert len(rows) == 2
    assert len(queries) == 3  # the bounded count, the page's keys, its rows with their villages
    assert "LEFT(" in queries[1]["sql"].upper() or "SUBSTR(" in queries[1]["sql"].upper()


def test_the_settlement_list_searches_by_surname(window, approver):  # noqa: F811
    web = client_for(window)
    assert web.post("/api/v1/settlements/", settle_body(), content_type="application/json").status_code == 201
    settlement = Settlement.objects.get()
    assert settlement.name == "张秀兰"
    visible = settlements_visible(approver)
    assert list(settlements_filter(visible, q="张")) == [settlement]
    assert list(settlements_filter(visible, q="张秀")) == [settlement]
    assert list(settlements_filter(visible, q="秀兰")) == []  # not a surname
    assert list(settlements_filter(visible, q=settlement.number[-4:])) == [settlement]
    page = client_for(approver).get("/workbench/settlements/", {"q": "张"}).content.decode()
    assert settlement.number in page
    other = client_for(approver).get("/workbench/settlements/", {"q": "李"}).content.decode()
    assert settlement.number not in other
    api = client_for(approver).get("/api/v1/settlements/", {"q": "张"}).json()
    assert [row["number"] for row in api["results"]] == [settlement.number]
    assert client_for(approver).get("/api/v1/settlements/", {"q": "李"}).json()["count"] == 0


def explain(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # Too few rows here for the planner to prefer an index by cost: sequential scans and sorts are
        # priced out, so the plan shows which index can answer the query at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.postgres
def test_postgresql_reads_a_surname_page_from_its_index_in_the_list_s_order(filed, approver, auditor):
    for user in (approver, auditor):
        for text, index in (("王", "cases_app_name1_order"), ("欧阳", "cases_app_name2_order")):
            listed = applications_filter(applications_visible(user), ListFilters(q=text))
            # The page's keys, as the paginator reads them.
            plan = explain(listed.values_list("pk", flat=True)[:50])
            assert index in plan, plan
            assert "Sort" not in plan, plan
    settlements = settlements_filter(settlements_visible(approver), q="张")
    plan = explain(settlements.values_list("pk", flat=True)[:50])
    assert "settlements_name1_order" in plan and "Sort" not in plan, plan
    assert Application.objects.count() == len(NAMES)
