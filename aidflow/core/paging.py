"""Pages over lists of millions of rows: the count is exact up to a threshold and estimated above it,
and a page is read by its keys first.

Counting every row in scope on every page view costs a full scan once a province's cases are in
the table. Up to EXACT_LIMIT rows the count is exact (a COUNT over at most EXACT_LIMIT + 1 rows);
past it, PostgreSQL's planner estimate is used (never less than the exact lower bound), so the page
links stay about right.

Every page of a queryset is read in two steps: the page's keys alone, in list order - an
index-only scan when a covering index holds the order, the filtered columns and the key - and then
those rows with everything the page shows. One LIMIT/OFFSET over whole rows would visit every row
it passes over: every earlier row of a deep page, and every row a filter rejects before the first
page fills (at a million applications, `status=approved` passes 63,000 open cases first).
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property

EXACT_LIMIT = 10_000


def estimated_rows(queryset) -> int | None:
    """The planner's row estimate for a queryset (PostgreSQL), or None elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


def rows_by_keys(queryset: QuerySet, key: str, bottom: int, top: int) -> list:
    """Rows bottom..top of an ordered queryset: their keys first (unique values of `key`), then the rows."""
    keys = list(queryset.values_list(key, flat=True)[bottom:top])
    rows = {getattr(row, key): row for row in queryset.order_by().filter(**{f"{key}__in": keys})}
    return [rows[value] for value in keys if value in rows]


class EstimatedCountPaginator(Paginator):
    """A Paginator whose count is exact up to EXACT_LIMIT rows and estimated (PostgreSQL) above,
    and whose pages are read by `key` (a unique column, the primary key by default) first."""

    exact_limit = EXACT_LIMIT
    # From this offset on, a page reads its keys first (0: always; a filter can make page 1 deep).
    keys_first_from = 0

    def __init__(self, *args, key: str = "pk", **kwargs):
        super().__init__(*args, **kwargs)
        self.key = key

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        bounded = queryset.order_by().select_related(None)[: self.exact_limit + 1].count()
        if bounded <= self.exact_limit:
            return bounded
        estimate = estimated_rows(queryset)
        if estimate is None:
            return queryset.count()
        return max(estimate, bounded)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom >= self.keys_first_from and isinstance(self.object_list, QuerySet):
            return self._get_page(rows_by_keys(self.object_list, self.key, bottom, top), number, self)
        return self._get_page(self.object_list[bottom:top], number, self)
