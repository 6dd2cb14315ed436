"""django-filter FilterSets for the agencies and dossiers API.

They narrow a queryset that the permission gate has already scoped (``visible_to``); they never
widen it. Agency filters resolve codes to ids first so the dossier table is filtered on its own
indexes (``receiving_agency_id IN (...)``) rather than through a join.
"""

from __future__ import annotations

from datetime import UTC

import django_filters as filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField, IsoDateTimeRangeField, RangeField
from drf_spectacular.utils import extend_schema_field

from core.filtering import BooleanFilter

from .. import filing
from ..models import Agency, AgencyKind, Channel, Dossier, DossierStatus


class _UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 date-time compared in UTC. Python accepts offsets up to ±23:59 and PostgreSQL only
    up to ±15:59, and a date at the edge of years 1–9999 may leave the range once shifted: both are a
    clear 400, never a database error."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return value
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(
                _("Enter a date and time between the years 1 and 9999 (UTC)."), code="invalid"
            ) from None


class _UtcIsoDateTimeRangeField(IsoDateTimeRangeField):
    def __init__(self, *args, **kwargs):
        RangeField.__init__(self, (_UtcIsoDateTimeField(), _UtcIsoDateTimeField()), *args, **kwargs)


class UtcIsoDateTimeFromToRangeFilter(filters.IsoDateTimeFromToRangeFilter):
    """``…_after`` / ``…_before`` in ISO 8601, any offset (compared in UTC)."""

    field_class = _UtcIsoDateTimeRangeField


@extend_schema_field(
    {
        "type": "string",
        "enum": [*(p.key for p in filing.places()), filing.NOT_STATED],
        "description": "Where the dossier was filed (NoiNopHoSo, tthc/data/filing_places.csv): portal "
        "(the national portal), ministry (a ministry's system), province (a provincial system), "
        "none (not stated).",
    }
)
class FilingPlaceFilter(filters.ChoiceFilter):
    """``filing_place=portal|ministry|province|none`` (``NoiNopHoSo``, :mod:`tthc.filing`) on the column
    ``filing_place`` — of the model or of an annotation (``lookup``)."""

    def __init__(self, *args, lookup: str = "filing_place", **kwargs):
        kwargs.setdefault("choices", filing.filter_choices)
        super().__init__(*args, **kwargs)
        self.lookup = lookup

    def filter(self, qs, value):
        return qs.filter(filing.q(value, self.lookup)) if value else qs


class AgencyFilter(filters.FilterSet):
    kind = filters.MultipleChoiceFilter(
        choices=AgencyKind.choices, distinct=False, help_text=_("Agency kind (repeatable).")
    )
    parent = filters.CharFilter(field_name="parent__code", help_text=_("Code of the parent agency."))
    active = BooleanFilter(method="filter_active", help_text=_("In force today (true) or not (false)."))

    class Meta:
        model = Agency
        fields = ["kind", "parent", "active"]

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = Agency.objects.active().values("pk")
        return queryset.filter(pk__in=active) if value else queryset.exclude(pk__in=active)


class DossierFilter(filters.FilterSet):
    # distinct=False: these filter the dossier row itself (no join can duplicate it), and a DISTINCT
    # over every selected column would sort the whole scoped set on each page.
    status = filters.MultipleChoiceFilter(
        choices=DossierStatus.choices, distinct=False, help_text=_("TrangThaiHoSo code 1–10 (repeatable).")
    )
    channel = filters.MultipleChoiceFilter(
        choices=Channel.choices, distinct=False, help_text=_("KenhThucHien code (repeatable).")
    )
    filing_place = FilingPlaceFilter(
        help_text=_(
            "Where the dossier was filed (NoiNopHoSo): portal (the national portal), ministry, province, "
            "or none (not stated)."
        ),
    )
    procedure = filters.CharFilter(field_name="procedure__code", help_text=_("Procedure (TTHC) code."))
    receiving_agency = filters.CharFilter(
        method="filter_receiving_agency", help_text=_("Code of the receiving agency (that agency only).")
    )
    receiving_agency_subtree = filters.CharFilter(
        method="filter_receiving_subtree",
        help_text=_("Code of an agency: dossiers received by it or any unit below it."),
    )
    received_at = UtcIsoDateTimeFromToRangeFilter(
        help_text=_("received_at_after / received_at_before (ISO 8601).")
    )
    due_at = UtcIsoDateTimeFromToRangeFilter(help_text=_("due_at_after / due_at_before (ISO 8601)."))
    overdue = BooleanFilter(method="filter_overdue", help_text=_("Overdue as of now (true) or not (false)."))
    open = BooleanFilter(method="filter_open", help_text=_("Still open (true) or finished (false)."))
    received = BooleanFilter(
        field_name="received_at",
        lookup_expr="isnull",
        exclude=True,
        help_text=_(
            "Received (true) or never received — refused at intake or only submitted (false); "
            "the list shows the never-received after all the others."
        ),
    )

    class Meta:
        model = Dossier
        fields = [
            "status",
            "channel",
            "filing_place",
            "procedure",
            "receiving_agency",
            "receiving_agency_subtree",
            "received_at",
            "due_at",
            "overdue",
            "open",
            "received",
        ]

    def filter_receiving_agency(self, queryset, name, value):
        return queryset.filter(receiving_agency_id__in=Agency.objects.filter(code=value).values("pk"))

    def filter_receiving_subtree(self, queryset, name, value):
        root = Agency.objects.filter(code=value).values_list("path", flat=True).first()
        if root is None:
            return queryset.none()
        ids = list(Agency.objects.subtree(root).values_list("pk", flat=True))
        return queryset.filter(receiving_agency_id__in=ids)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        overdue = Dossier.objects.overdue(timezone.now())
        if value:
            return queryset & overdue  # the same WHERE, ANDed in: no subquery
        return queryset.exclude(pk__in=overdue.values("pk"))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.open() if value else queryset.finished()
