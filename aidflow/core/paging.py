"""Pages over lists of millions of rows: the count is exact up to a threshold and estimated above it.

Counting every row in scope on every page view costs a full scan once a province's cases are in
the table. Up to EXACT_LIMIT rows the count is exact (a COUNT over at most EXACT_LIMIT + 1 rows);
past it, PostgreSQL's planner estimate is used (never less than the exact lower bound), so the page
links stay about right and the page itself is read with LIMIT/OFFSET over an index in list order.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
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


class EstimatedCountPaginator(Paginator):
    """A Paginator whose count is exact up to EXACT_LIMIT rows and estimated (PostgreSQL) above."""

    exact_limit = EXACT_LIMIT

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        bounded = queryset.order_by()[: self.exact_limit + 1].count()
        if bounded <= self.exact_limit:
            return bounded
        estimate = estimated_rows(queryset)
        if estimate is None:
            return queryset.count()
        return max(estimate, bounded)
