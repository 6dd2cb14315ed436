"""Pagination for lists over millions of rows: the API's pages and the admin's changelists.

An exact ``COUNT(*)`` of a province's scoped dossiers reads most of the table's pages (their rows
are spread over it by time); a capped count (``SELECT count(*) FROM (… LIMIT cap + 1)``) reads at
most ``cap + 1`` rows, so every page costs about the same whatever the scope. Below the cap the
count is exact; ``cap + 1`` means "more than the cap". One paginator serves both users:

- the API (``CappedCountPagination``): ``API_COUNT_CAP`` (0 = always exact), on every database; the
  response says ``count_capped: true`` and pages stop at the cap — narrow the filters to go further.
  On PostgreSQL a list whose planner estimate is above ``API_COUNT_ESTIMATE_ABOVE`` is not counted
  at all: the estimate is the count (``count_estimated: true``; above the cap, capped as well). A
  capped count still reads every matching row when fewer than the cap match — a selective filter
  over a province's million dossiers (status 3: 7,880 of 817,000, 800 ms cold) — while an estimate
  costs the planning (< 1 ms); exact counts remain for the small lists people count by hand;
- the admin (``EstimatedCountPaginator``): ``ADMIN_COUNT_CAP`` on PostgreSQL only, and an unfiltered
  changelist shows the planner's estimate (``pg_class.reltuples``) instead of counting.

Totals come from the indicators, not from list pagination.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from core import params


def capped_count(queryset: QuerySet[Any], cap: int) -> int:
    """The exact count up to ``cap``; ``cap + 1`` when more rows match (0: always exact)."""
    if not cap:
        return queryset.count()
    return queryset.order_by()[: cap + 1].count()


def estimated_rows(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the rows in the queryset's table, or ``None`` elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


def planned_rows(queryset: QuerySet[Any]) -> int | None:
    """PostgreSQL's estimate of the rows ``queryset`` returns (``EXPLAIN``, no execution), or
    ``None`` elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class KnownCountPaginator(Paginator):
    """A paginator told its count, computed with the page's other figures (e.g. summed from a grouping
    of the same rows that the page already runs): no ``COUNT(*)`` of its own."""

    def __init__(self, object_list: Any, per_page: int, count: int, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @cached_property
    def count(self) -> int:
        return self._known_count


class CappedCountPaginator(Paginator):
    """A Django paginator whose count stops at ``cap()`` (the API's: ``API_COUNT_CAP``), and is the
    planner's estimate above ``estimate_above()`` (``estimated`` then says so)."""

    estimated = False

    def cap(self) -> int:
        return settings.API_COUNT_CAP

    def estimate_above(self) -> int:
        return settings.API_COUNT_ESTIMATE_ABOVE

    @property
    def queryset(self) -> QuerySet[Any]:
        """The object list: a queryset in every use (the API's lists and the admin's changelists)."""
        return cast("QuerySet[Any]", self.object_list)

    @cached_property
    def count(self) -> int:
        cap, above = self.cap(), self.estimate_above()
        if cap and above:
            estimate = planned_rows(self.queryset)
            if estimate is not None and estimate > above:
                self.estimated = True
                return min(estimate, cap + 1)
        return capped_count(self.queryset, cap)


class ExactCappedPaginator(CappedCountPaginator):
    """Counted (capped), never estimated: pages that state a number people act on (a run's gaps)."""

    def estimate_above(self) -> int:
        return 0


class EstimatedCountPaginator(CappedCountPaginator):
    """The admin's: counts without a full scan on PostgreSQL, a normal count elsewhere.

    Unfiltered: the planner's estimate when it is above the cap. Filtered: the count capped at
    ``ADMIN_COUNT_CAP``.
    """

    def cap(self) -> int:
        return settings.ADMIN_COUNT_CAP

    def estimate_above(self) -> int:
        return 0  # filtered changelists are counted (capped); an unfiltered one uses reltuples below

    @cached_property
    def count(self) -> int:
        qs = self.queryset
        if connections[qs.db].vendor != "postgresql":
            return qs.count()
        cap = self.cap()
        if not qs.query.where:
            estimate = estimated_rows(qs)
            if estimate is not None and estimate > cap:
                return estimate
        return capped_count(qs, cap)


class DefaultPagination(PageNumberPagination):
    """The API's default: page-number pages with a bounded page size. A ``page`` or ``page_size`` that
    is not a whole number in range is a 400 naming it (REST framework would answer 404 "Invalid
    page." or ignore the size); a page past the last is still a 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        query = request.query_params
        if query.get(self.page_query_param) not in self.last_page_strings:
            params.whole_number(query, self.page_query_param, 1)
        params.whole_number(query, self.page_size_query_param, 1, self.max_page_size)
        return super().paginate_queryset(queryset, request, view)


class CappedCountPagination(DefaultPagination):
    """For dossier-sized API lists: the count stops at ``API_COUNT_CAP`` and says so."""

    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None  # set by paginate_queryset, which DRF calls first
        paginator = cast(CappedCountPaginator, self.page.paginator)
        cap, count = settings.API_COUNT_CAP, paginator.count
        capped = bool(cap) and count > cap
        return Response(
            {
                "count": cap if capped else count,
                "count_capped": capped,
                "count_estimated": paginator.estimated,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when more rows match than API_COUNT_CAP: count is the cap; narrow the filters.",
        }
        response["properties"]["count_estimated"] = {
            "type": "boolean",
            "description": "True when count is the database planner's estimate (a large match, not counted: "
            "API_COUNT_ESTIMATE_ABOVE); false when it is exact (up to the cap).",
        }
        response["required"] = [*response.get("required", []), "count_capped", "count_estimated"]
        return response
