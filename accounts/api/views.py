"""``GET /api/v1/me/``: the authenticated user and their active role assignments."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import gate
from .serializers import MeSerializer


class MeView(APIView):
    """The authenticated user and their active role assignments."""

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request):
        user = request.user
        user.is_national = gate.is_national(user)
        user.assignments = list(gate.active_assignments(user))
        return Response(MeSerializer(user).data)
