"""``/api/v1/source-systems/``: the source systems a user may see; national administrators manage them.

Reading follows the gate (``SourceSystem.objects.visible_to``: a user's own agencies' systems plus
the national ones every province is compared against). Creating, changing and issuing a token are
national configuration: anyone else gets 403 with the reason. A token appears in exactly two
responses — the creation's and ``rotate-token``'s — and is never readable afterwards (only its
digest is stored); national administrators see its prefix and when it was last used.
"""
from __future__ import annotations

from datetime import datetime

import django_filters as filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts import gate
from accounts.audit import AuditContext
from accounts.models import ApiToken
from core.converters import CODE_REGEX
from tthc.models import Agency

from ..models import SourceKind, SourceSystem
from ..services.sources import create_source_system, rotate_source_token, update_source_system


class NationalAdminWrites(BasePermission):
    """Reads for every authenticated user (the queryset is scoped); writes for national administrators."""

    message = _("Only national administrators may create or change source systems or issue their API tokens.")

    def has_permission(self, request, view):
        return request.method in SAFE_METHODS or gate.is_national(request.user)


class SourceSystemFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=SourceKind.choices, help_text=_("Kind of source system."))
    owner = filters.CharFilter(field_name="owner__code", help_text=_("Owning agency code."))
    active = filters.BooleanFilter(help_text=_("Active systems only (true) or inactive only (false)."))

    class Meta:
        model = SourceSystem
        fields = ["kind", "owner", "active"]


class SourceSystemSerializer(serializers.ModelSerializer):
    owner = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all(),
                                         help_text="Code of the owning agency.")
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    token_prefix = serializers.SerializerMethodField(
        help_text="First characters of the active API token (national administrators only; null otherwise).")
    token_last_used_at = serializers.SerializerMethodField(
        help_text="When the active API token was last used (national administrators only; null otherwise).")

    class Meta:
        model = SourceSystem
        fields = ["code", "name", "kind", "kind_label", "owner", "active", "created_at", "token_prefix",
                  "token_last_used_at"]
        read_only_fields = ["created_at"]
        # The service checks "one active portal/reporting system" and names the system in the way.
        validators = []

    def _token(self, obj) -> ApiToken | None:
        return self.context.get("tokens", {}).get(obj.code)

    def get_token_prefix(self, obj) -> str | None:
        token = self._token(obj)
        return token.prefix if token else None

    def get_token_last_used_at(self, obj) -> datetime | None:
        token = self._token(obj)
        return serializers.DateTimeField().to_representation(token.last_used_at) if token and token.last_used_at else None


class SourceSystemCreatedSerializer(SourceSystemSerializer):
    token = serializers.CharField(read_only=True, help_text="The new API token, shown once; send it as "
                                                            "`Authorization: Token <key>`.")

    class Meta(SourceSystemSerializer.Meta):
        fields = [*SourceSystemSerializer.Meta.fields, "token"]


class TokenSerializer(serializers.Serializer):
    code = serializers.CharField()
    token = serializers.CharField(help_text="The new API token, shown once; the previous one no longer works.")
    token_prefix = serializers.CharField()


def _as_drf(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


FORBIDDEN = OpenApiResponse(description="Not a national administrator")
INVALID = OpenApiResponse(description="Invalid values, a code change, or a second active portal/reporting system")


@extend_schema_view(
    list=extend_schema(summary="Source systems you may see"),
    retrieve=extend_schema(summary="One source system"),
    create=extend_schema(summary="Create a source system (national administrators)",
                         responses={201: SourceSystemCreatedSerializer, 400: INVALID, 403: FORBIDDEN}),
    update=extend_schema(summary="Change a source system (national administrators)",
                         responses={200: SourceSystemSerializer, 400: INVALID, 403: FORBIDDEN}),
    partial_update=extend_schema(summary="Change a source system (national administrators)",
                                 responses={200: SourceSystemSerializer, 400: INVALID, 403: FORBIDDEN}),
)
class SourceSystemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                          mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Source systems: provincial systems, ministries' centralized systems, the portal, the reporting system."""

    serializer_class = SourceSystemSerializer
    permission_classes = [IsAuthenticated, NationalAdminWrites]
    filterset_class = SourceSystemFilter
    lookup_field = "code"
    lookup_value_regex = CODE_REGEX

    def get_queryset(self):
        return SourceSystem.objects.visible_to(self.request.user).select_related("owner").order_by("code")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "tokens": {}}

    def _with_tokens(self, serializer_class, instances, **kwargs):
        """National administrators see each system's active token prefix and last use (one query a page)."""
        tokens = {}
        if gate.is_national(self.request.user):
            codes = [s.code for s in instances]
            for token in (ApiToken.objects.active().filter(user__system_account__system_code__in=codes)
                          .select_related("user__system_account")):
                tokens[token.user.system_account.system_code] = token
        context = {**self.get_serializer_context(), "tokens": tokens}
        return serializer_class(instances, context=context, **kwargs)

    def _context(self) -> AuditContext:
        return AuditContext.from_request(self.request, "api")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._with_tokens(self.get_serializer_class(), page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        return Response(self._with_tokens(self.get_serializer_class(), [self.get_object()], many=True).data[0])

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            source, key = create_source_system(data["code"], data["name"], data["kind"], data["owner"],
                                               creator=request.user, active=data.get("active", True),
                                               context=self._context())
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        source.token = key
        body = self._with_tokens(SourceSystemCreatedSerializer, [source], many=True).data[0]
        return Response(body, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        source = self.get_object()
        partial = kwargs.pop("partial", False)
        sent = request.data.get("code", source.code) if hasattr(request.data, "get") else source.code
        if sent != source.code:
            raise ValidationError({"code": ["A source system's code cannot change (procedures and reported counts "
                                            "refer to it): create a new system and deactivate this one."]})
        serializer = self.get_serializer(source, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = {k: v for k, v in serializer.validated_data.items() if k in ("name", "kind", "owner", "active")}
        try:
            source = update_source_system(request.user, source, context=self._context(), **values)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(self._with_tokens(SourceSystemSerializer, [source], many=True).data[0])

    @extend_schema(request=None, responses={200: TokenSerializer, 403: FORBIDDEN},
                   summary="Issue a new API token (national administrators); the old one stops working")
    @action(detail=True, methods=["post"], url_path="rotate-token", url_name="rotate-token")
    def rotate_token(self, request, code=None):
        source = self.get_object()
        key = rotate_source_token(request.user, source, context=self._context())
        return Response({"code": source.code, "token": key, "token_prefix": key[:8]})


router = SimpleRouter()
router.register("source-systems", SourceSystemViewSet, basename="source-system")
