"""Read-only viewsets; every queryset starts from ``visible_to(request.user)``, so out-of-scope
details answer 404 and lists never include them."""

from rest_framework import viewsets

from core.converters import CODE_REGEX, CODEPATH_REGEX
from core.pagination import CappedCountPagination

from ..models import Agency, Dossier
from .filters import AgencyFilter, DossierFilter
from .serializers import AgencySerializer, DossierSerializer


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    """Agencies the user may see, by code."""

    serializer_class = AgencySerializer
    filterset_class = AgencyFilter
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX  # agency codes have no "/" (database constraint)

    def get_queryset(self):
        return (
            Agency.objects.visible_to(self.request.user)
            .select_related("parent", "successor")
            .order_by("path")
        )


class DossierViewSet(viewsets.ReadOnlyModelViewSet):
    """Dossiers the user may see (received or handled in scope, or under a ministry in scope), newest
    receipt first and never-received dossiers last (``received=false`` lists those alone)."""

    serializer_class = DossierSerializer
    filterset_class = DossierFilter
    pagination_class = CappedCountPagination
    lookup_field = "code"
    lookup_value_regex = CODEPATH_REGEX  # MaHoSo may contain "/": the code is the route's last part

    def get_queryset(self):
        return (
            Dossier.objects.visible_to(self.request.user)
            .select_related("procedure", "receiving_agency", "handling_agency")
            .newest_first()
        )
