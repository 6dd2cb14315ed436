"""Page-number pagination whose count stops at a cap, for lists over millions of dossiers.

An exact ``COUNT(*)`` of a province's scoped dossiers reads most of the table's pages (their rows
are spread over it by time); a capped count (``SELECT count(*) FROM (… LIMIT cap + 1)``) reads at
most ``cap`` rows, so every page costs about the same whatever the scope. Below the cap the count
is exact; above it the response says ``count_capped: true`` and pages stop at the cap — narrow the
filters to go further. Totals come from the indicators, not from list pagination.
``API_COUNT_CAP`` (default 10,000; 0 = always exact) sets the cap.
"""
from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.response import Response

from ..pagination import DefaultPagination


def count_cap() -> int:
    return int(getattr(settings, "API_COUNT_CAP", 10_000))


class CappedCountPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        cap = count_cap()
        if not cap:
            return super().count
        return self.object_list.order_by()[: cap + 1].count()


class CappedCountPagination(DefaultPagination):
    django_paginator_class = CappedCountPaginator

    def get_paginated_response(self, data):
        cap, count = count_cap(), self.page.paginator.count
        capped = bool(cap) and count > cap
        return Response({
            "count": cap if capped else count,
            "count_capped": capped,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when more rows match than API_COUNT_CAP: count is the cap; narrow the filters.",
        }
        response["required"] = [*response.get("required", []), "count_capped"]
        return response
