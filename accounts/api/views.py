"""``GET /api/v1/me/`` and the API's exception handler (refused writes go to the audit log)."""
from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import SAFE_METHODS
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from . import audit, gate
from .models import Role, RoleAssignment, User


class AssignedAgencySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()


class AssignmentSerializer(serializers.ModelSerializer):
    role = serializers.ChoiceField(choices=Role.choices, help_text="One of " + ", ".join(Role.values))
    role_label = serializers.CharField(source="get_role_display")
    agency = AssignedAgencySerializer()

    class Meta:
        model = RoleAssignment
        fields = ["id", "role", "role_label", "agency", "include_subunits", "granted_at", "valid_until"]


class MeSerializer(serializers.ModelSerializer):
    is_national = serializers.BooleanField(help_text="Sees every agency (national administrator or superuser).")
    assignments = AssignmentSerializer(many=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "is_system", "is_national", "assignments"]


class MeView(APIView):
    """The authenticated user and their active role assignments."""

    @extend_schema(responses=MeSerializer, operation_id="me_retrieve")
    def get(self, request):
        user = request.user
        user.is_national = gate.is_national(user)
        user.assignments = list(gate.active_assignments(user))
        return Response(MeSerializer(user).data)


urlpatterns = [path("me/", MeView.as_view(), name="api-me")]


def exception_handler(exc, context):
    """DRF's handler, plus an audit row when an authenticated user's write is refused (403)."""
    response = drf_exception_handler(exc, context)
    request = context.get("request")
    if (
        response is not None
        and response.status_code == 403
        and request is not None
        and request.method not in SAFE_METHODS
        and getattr(request, "user", None) is not None
        and request.user.is_authenticated
    ):
        audit.record_denial(
            request.user, f"{request.method} {request.path}"[:200], getattr(exc, "detail", exc),
            context=audit.AuditContext.from_request(request, source="api"),
        )
    return response
