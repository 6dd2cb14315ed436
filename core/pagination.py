"""Pagination for lists over millions of rows: the API's pages and the admin's changelists.

An exact ``COUNT(*)`` of a province's scoped dossiers reads most of the table's pages (their rows
are spread over it by time); a capped count (``SELECT count(*) FROM (… LIMIT cap + 1)``) reads at
most ``cap + 1`` rows, so every page costs about the same whatever the scope. Below the cap the
count is exact; ``cap + 1`` means "more than the cap". One paginator serves both users:

- the API (``CappedCountPagination``): ``API_COUNT_CAP`` (0 = always exact), on every database; the
  response says ``count_capped: true`` and pages stop at the cap — narrow the filters to go further;
- the admin (``EstimatedCountPaginator``): ``ADMIN_COUNT_CAP`` on PostgreSQL only, and an unfiltered
  changelist shows the planner's estimate (``pg_class.reltuples``) instead of counting.

Totals come from the indicators, not from list pagination.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


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


class CappedCountPaginator(Paginator):
    """A Django paginator whose count stops at ``cap()`` (the API's: ``API_COUNT_CAP``)."""

    def cap(self) -> int:
        return settings.API_COUNT_CAP

    @property
    def queryset(self) -> QuerySet[Any]:
        """The object list: a queryset in every use (the API's lists and the admin's changelists)."""
        return cast("QuerySet[Any]", self.object_list)

    @cached_property
    def count(self) -> int:
        return capped_count(self.queryset, self.cap())


class EstimatedCountPaginator(CappedCountPaginator):
    """The admin's: counts without a full scan on PostgreSQL, a normal count elsewhere.

    Unfiltered: the planner's estimate when it is above the cap. Filtered: the count capped at
    ``ADMIN_COUNT_CAP``.
    """

    def cap(self) -> int:
        return settings.ADMIN_COUNT_CAP

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
    """The API's default: page-number pages with a bounded page size."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class CappedCountPagination(DefaultPagination):
    """For dossier-sized API lists: the count stops at ``API_COUNT_CAP`` and says so."""

    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data: Any) -> Response:
        assert self.page is not None  # set by paginate_queryset, which DRF calls first
        cap, count = settings.API_COUNT_CAP, self.page.paginator.count
        capped = bool(cap) and count > cap
        return Response(
            {
                "count": cap if capped else count,
                "count_capped": capped,
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
        response["required"] = [*response.get("required", []), "count_capped"]
        return response
