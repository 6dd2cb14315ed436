"""Serializers of ``GET /api/v1/me/``."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Role, RoleAssignment, User


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
    is_national = serializers.BooleanField(
        help_text="Sees every agency (national administrator or superuser)."
    )
    assignments = AssignmentSerializer(many=True)

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "is_system", "is_national", "assignments"]
