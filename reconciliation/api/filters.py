"""FilterSets of the reconciliation API; the runs and gaps ones are shared with the gap list page and
the exports.

They only narrow a queryset the permission gate has already scoped (``visible_to``), so the page,
its CSV/Excel export and the API list the same rows for the same query string.
"""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from tthc.api.filters import FilingPlaceFilter
from tthc.period_fields import PeriodFilter

from ..models import Gap, GapKind, ReconciliationRun, SourceKind, SourceSystem

TAB_GAPS, TAB_SUSPICIOUS = "gaps", "suspicious"
GAP_TABS = ((TAB_GAPS, _("Gaps")), (TAB_SUSPICIOUS, _("Suspicious patterns")))


class RunFilter(filters.FilterSet):
    period = PeriodFilter(field_name="period", help_text=_("Month, YYYY-MM."))
    province = filters.CharFilter(field_name="province__code", help_text=_("Province (agency) code."))
    source = filters.CharFilter(field_name="source__code", help_text=_("Source system code."))
    source_kind = filters.ChoiceFilter(
        field_name="source__kind",
        choices=SourceKind.choices,
        help_text=_("Kind of the compared source system."),
    )

    class Meta:
        model = ReconciliationRun
        fields = ["period", "province", "source", "source_kind"]


class GapFilingPlaceFilter(FilingPlaceFilter):
    """Where the gap's dossier was filed: the dossier's column, annotated (``with_filing_place``)."""

    def filter(self, qs, value):
        return super().filter(qs.with_filing_place(), value) if value else qs


class GapFilter(filters.FilterSet):
    period = PeriodFilter(field_name="run__period", help_text=_("Month, YYYY-MM."))
    province = filters.CharFilter(field_name="run__province__code", help_text=_("Province (agency) code."))
    source = filters.CharFilter(field_name="run__source__code", help_text=_("Source system code."))
    kind = filters.MultipleChoiceFilter(choices=GapKind.choices, help_text=_("Gap kind (repeatable)."))
    procedure = filters.CharFilter(field_name="procedure_code", help_text=_("Procedure (TTHC) code."))
    agency = filters.CharFilter(field_name="agency_code", help_text=_("Receiving agency code."))
    dossier = filters.CharFilter(field_name="dossier_code", help_text=_("Dossier code (MaHoSo)."))
    tab = filters.ChoiceFilter(
        choices=GAP_TABS,
        method="filter_tab",
        help_text=_(
            "gaps: the gaps that count (suspicious flags excluded unless configured otherwise); "
            "suspicious: the suspicious-pattern flags only. Empty: both."
        ),
    )
    filing_place = GapFilingPlaceFilter(
        help_text=_(
            "Where the gap's dossier was filed (NoiNopHoSo): portal (the national portal), ministry, "
            "province, or none (not stated)."
        ),
    )

    class Meta:
        model = Gap
        fields = [
            "period",
            "province",
            "source",
            "kind",
            "procedure",
            "agency",
            "dossier",
            "tab",
            "filing_place",
        ]

    def filter_tab(self, queryset, name, value):
        return queryset.flags() if value == TAB_SUSPICIOUS else queryset.counted()


class SourceSystemFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=SourceKind.choices, help_text=_("Kind of source system."))
    owner = filters.CharFilter(field_name="owner__code", help_text=_("Owning agency code."))
    active = filters.BooleanFilter(help_text=_("Active systems only (true) or inactive only (false)."))

    class Meta:
        model = SourceSystem
        fields = ["kind", "owner", "active"]


RUN_KEYS = ("period", "province", "source")


def gap_list(user, params, base=None):
    """The gap list's rows for ``params`` (a ``GapFilter``'s data), in the unique (run, kind,
    dossier_code) index's order.

    When the parameters name one run the user may see (period, province and source), its gaps are
    selected by ``run_id`` alone — no join conditions on the run, its province or its source, whose
    combined selectivity the planner underestimates into "sort every gap of the run" (256 ms for
    80,000 gaps) instead of reading the first 50 from the index (0.4 ms). Otherwise the filter runs
    as usual and several runs sort plain columns (not the run's Meta ordering through two joins).
    Returns ``(filterset, queryset)``; the filterset holds the user's parameters (form, validation).
    """
    base = base if base is not None else Gap.objects.visible_to(user)
    base = base.select_related("run__province", "run__source").order_by("run_id", "kind", "dossier_code")
    filterset = GapFilter(params, queryset=base)
    keys = {k: params.get(k) for k in RUN_KEYS}
    if not all(keys.values()) or not filterset.is_valid():
        return filterset, filterset.qs
    ids = list(
        ReconciliationRun.objects.visible_to(user)
        .filter(
            period=filterset.form.cleaned_data["period"],
            province__code=keys["province"],
            source__code=keys["source"],
        )
        .values_list("pk", flat=True)[:2]
    )
    if len(ids) != 1:
        return filterset, filterset.qs
    rest = params.copy()
    for key in RUN_KEYS:
        rest.pop(key, None)
    pinned = Gap.objects.filter(run_id=ids[0]).select_related("run__province", "run__source")
    return filterset, GapFilter(rest, queryset=pinned.order_by("run_id", "kind", "dossier_code")).qs
