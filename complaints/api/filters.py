"""FilterSets for requests: they narrow what the gate already scoped (``visible_to``), never widen it."""

from __future__ import annotations

import django_filters as filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filtering import BooleanFilter
from tthc.period_fields import PeriodFilter

from ..models import RequestSystem, Route, SyncGapRequest
from ..workflow import OPEN, OVERDUE_STATES, PROVINCE_TURN, State

#: ``?awaiting=``: whose turn it is (``complaints.workflow``).
AWAITING = (("ministry", _("The ministry's answer")), ("province", _("The province's decision")))
_AWAITING_STATES = {"ministry": OVERDUE_STATES, "province": PROVINCE_TURN}


class RequestFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=State.choices, help_text=_("State (repeatable)."))
    period = PeriodFilter(help_text=_("Month reviewed, YYYY-MM."))
    ministry = filters.CharFilter(field_name="ministry__code", help_text=_("Code of the addressed ministry."))
    province = filters.CharFilter(field_name="province__code", help_text=_("Code of the filing province."))
    system = filters.CharFilter(method="filter_system", help_text=_("Code of a listed ministry system."))
    route = filters.ChoiceFilter(
        choices=Route.choices, help_text=_("Addressed to a ministry or the portal operator.")
    )
    open = BooleanFilter(method="filter_open", help_text=_("Still open (true) or finished (false)."))
    overdue = BooleanFilter(method="filter_overdue", help_text=_("Past the response deadline now."))
    awaiting = filters.ChoiceFilter(
        choices=AWAITING,
        method="filter_awaiting",
        empty_label=_("Anyone"),
        help_text=_(
            "Whose turn it is: the ministry owes an answer (ministry), or an answer or a rejection awaits "
            "the province's decision (province)."
        ),
    )

    class Meta:
        model = SyncGapRequest
        fields = ["state", "period", "ministry", "province", "system", "route", "open", "overdue", "awaiting"]

    def filter_system(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=RequestSystem.objects.filter(source__code=value).values("request_id"))

    def filter_open(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(state__in=OPEN) if value else queryset.exclude(state__in=OPEN)

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = SyncGapRequest.objects.overdue(timezone.now()).values("pk")
        return queryset.filter(pk__in=late) if value else queryset.exclude(pk__in=late)

    def filter_awaiting(self, queryset, name, value):
        return queryset.filter(state__in=_AWAITING_STATES[value]) if value else queryset
