"""FilterSets: they narrow what the gate already scoped (``visible_to``), never widen it."""

from __future__ import annotations

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtering import BooleanFilter

from ..models import Assessment, AssessmentState, Classification, Criterion
from ..services.publication import province_q


class CriterionFilter(filters.FilterSet):
    set = filters.CharFilter(field_name="criteria_set__code", help_text=_("Code of the criteria set."))
    version = filters.NumberFilter(field_name="criteria_set__version", help_text=_("Version of the set."))
    group = filters.CharFilter(field_name="group", help_text=_("Criteria group."))
    required = BooleanFilter(field_name="required", help_text=_("Required criteria only (true)."))
    in_force = BooleanFilter(method="filter_in_force", help_text=_("Criteria of the set in force today."))

    class Meta:
        model = Criterion
        fields = ["set", "version", "group", "required", "in_force"]

    def filter_in_force(self, queryset, name, value):
        if not value:
            return queryset
        from ..models import CriteriaSet

        current = CriteriaSet.objects.in_force().values("pk")[:1]
        return queryset.filter(criteria_set__in=current)


class AssessmentFilter(filters.FilterSet):
    ministry = filters.CharFilter(field_name="ministry__code", help_text=_("Code of the ministry."))
    procedure = filters.CharFilter(field_name="procedure__code", help_text=_("Procedure code."))
    system = filters.CharFilter(field_name="system__code", help_text=_("Code of the ministry system."))
    state = filters.MultipleChoiceFilter(choices=AssessmentState.choices, help_text=_("State (repeatable)."))
    classification = filters.ChoiceFilter(choices=Classification.choices, help_text=_("Classification."))
    current = BooleanFilter(field_name="is_current", help_text=_("The current (in force) assessments."))

    class Meta:
        model = Assessment
        fields = ["ministry", "procedure", "system", "state", "classification", "current"]


class RoadmapFilter(filters.FilterSet):
    ministry = filters.CharFilter(field_name="ministry__code", help_text=_("Code of the ministry."))
    procedure = filters.CharFilter(field_name="procedure__code", help_text=_("Procedure code."))
    system = filters.CharFilter(field_name="system__code", help_text=_("Code of the ministry system."))
    overdue = BooleanFilter(method="filter_overdue", help_text=_("Planned date passed (true)."))
    provincial = BooleanFilter(
        method="filter_provincial",
        help_text=_("Procedures handled at province or commune level (those provinces keep serving)."),
    )

    class Meta:
        model = Assessment
        fields = ["ministry", "procedure", "system", "overdue", "provincial"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        q = {"planned_ready_on__lt": timezone.localdate()}
        return queryset.filter(**q) if value else queryset.exclude(**q)

    def filter_provincial(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(province_q()) if value else queryset.exclude(province_q())
