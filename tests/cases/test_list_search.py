"""The list search's exact paths (whole number, resident ID) and the estimated page count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aidflow.cases.models import Application
from aidflow.cases.selectors import ListFilters, applications_filter, applications_search, applications_visible
from aidflow.core.paging import EstimatedCountPaginator
from tests.factories import ApplicationFactory, person

pytestmark = pytest.mark.django_db


def test_search_takes_the_exact_path_for_a_whole_number_or_resident_id():
    everything = Application.objects.all()
    assert applications_search(everything, "371403-2026-00001").query.where.children[0].rhs == "371403-2026-00001"
    assert applications_search(everything, "37140319520418022x").query.where.children[0].rhs == "37140319520418022X"
    # Three characters match inside the name or the number (two lookups); a surname is one.
    assert len(applications_search(everything, "王秀英").query.where.children[0].children) == 2
    assert len(applications_search(everything, "王秀").query.where.children) == 1


def test_search_finds_by_number_id_and_name(policy, clerk, approver):
    first = ApplicationFactory(user=clerk, data__person=person("001"))
    ApplicationFactory(user=clerk, data__person=person("002"))
    visible = applications_visible(approver)
    for text in (first.number, first.id_number, first.applicant_name[:2], first.number[-5:]):
        found = applications_filter(visible, ListFilters(q=text))
        assert first in found, text
    assert list(applications_filter(visible, ListFilters(q=first.number))) == [first]
    assert list(applications_filter(visible, ListFilters(q=first.id_number))) == [first]


def test_page_count_is_exact_below_the_threshold_and_bounded_above(policy, clerk, monkeypatch):
    for order in ("001", "002", "003"):
        ApplicationFactory(user=clerk, data__person=person(order))
    queryset = Application.objects.order_by("pk")
    assert EstimatedCountPaginator(queryset, 2).count == 3
    monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 2)
    with CaptureQueriesContext(connection) as queries:
        count = EstimatedCountPaginator(queryset, 2).count
    # Above the threshold: never less than the rows seen; PostgreSQL's estimate, elsewhere exact.
    assert count >= 3 if connection.vendor == "postgresql" else count == 3
    assert len(queries) == 2


def test_the_api_pages_count_the_same_way(policy, clerk, monkeypatch):
    from rest_framework.test import APIClient

    for order in ("001", "002", "003"):
        ApplicationFactory(user=clerk, data__person=person(order))
    monkeypatch.setattr(EstimatedCountPaginator, "exact_limit", 2)
    client = APIClient()
    client.force_authenticate(clerk)
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/applications/?page_size=2").json()
    assert len(body["results"]) == 2 and body["next"]
    assert body["count"] >= 3 if connection.vendor == "postgresql" else body["count"] == 3
    # The bounded count, then the planner's estimate (PostgreSQL) or the exact count.
    assert sum("COUNT(" in query["sql"].upper() or "EXPLAIN" in query["sql"] for query in queries) == 2


def test_pages_read_their_keys_first_and_show_the_same_rows(policy, clerk, approver, monkeypatch):
    from rest_framework.test import APIClient

    for order in ("001", "002", "003", "004", "005"):
        ApplicationFactory(user=clerk, data__person=person(order))
    listed = applications_filter(applications_visible(approver), ListFilters())
    # One plain LIMIT/OFFSET read of whole rows is the reference.
    monkeypatch.setattr(EstimatedCountPaginator, "keys_first_from", 10**9)
    plain = [[row.pk for row in EstimatedCountPaginator(listed, 2).page(number)] for number in (1, 2, 3)]
    monkeypatch.setattr(EstimatedCountPaginator, "keys_first_from", 0)
    with CaptureQueriesContext(connection) as queries:
        deep = EstimatedCountPaginator(listed, 2).page(3)
        rows = list(deep)
    # The ids alone (in list order), then the rows with their villages: no query per row.
    assert [row.pk for row in rows] == plain[2] and len(rows) == 1
    assert rows[0].village.name
    assert len(queries) == 3  # the bounded count, the keys, the rows
    assert [[row.pk for row in EstimatedCountPaginator(listed, 2).page(n)] for n in (1, 2, 3)] == plain
    # The API's page is the same page.
    monkeypatch.undo()
    client = APIClient()
    client.force_authenticate(approver)
    body = client.get("/api/v1/applications/?page_size=2&page=2").json()
    assert [item["id"] for item in body["results"]] == plain[1]
