"""The ranked agency (a province, in practice) that received the most dossiers in a period: the
benchmarks' worst case for one province's documents and pages. Call after ``django.setup()``."""

from __future__ import annotations


def busiest_ranked_agency(period) -> str | None:
    """Its code, or ``None`` when nothing was received in the period."""
    from django.db.models import Count

    from tthc.models import Dossier

    top = (
        Dossier.objects.filter(received_at__gte=period.start, received_at__lt=period.end)
        .values("receiving_agency__ranked_agency__code")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return top["receiving_agency__ranked_agency__code"] if top else None
