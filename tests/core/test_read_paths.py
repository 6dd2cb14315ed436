"""The list read paths: ``field__any`` (one array parameter), the serializers' direct reads, the
cached choice labels — each gives what Django or REST framework gives, and what it saves is visible."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from core.serializers import FastReadMixin
from reconciliation.models import Gap, GapKind
from tests.factories import AgencyFactory, DossierFactory
from tthc.api.serializers import DossierSerializer
from tthc.models import Agency, Dossier, DossierStatus

pytestmark = pytest.mark.django_db


# --- field__any ------------------------------------------------------------------------------------


def test_any_selects_what_in_selects_with_one_parameter_on_postgresql():
    agencies = [AgencyFactory() for _ in range(4)]
    for agency in agencies:
        DossierFactory(receiving_agency=agency)
    ids = [agencies[0].pk, agencies[2].pk, agencies[2].pk, None]  # a repeat and a NULL, as __in takes
    wanted = set(Dossier.objects.filter(receiving_agency_id__in=ids).values_list("pk", flat=True))
    assert len(wanted) == 2
    with CaptureQueriesContext(connection) as captured:
        assert set(Dossier.objects.filter(receiving_agency__any=ids).values_list("pk", flat=True)) == wanted
        assert (
            set(Dossier.objects.filter(receiving_agency_id__any=ids).values_list("pk", flat=True)) == wanted
        )
        assert set(Agency.objects.filter(pk__any=ids).values_list("pk", flat=True)) == {
            agencies[0].pk,
            agencies[2].pk,
        }
    if connection.vendor == "postgresql":
        for query in captured.captured_queries:
            assert "= ANY(" in query["sql"] and " IN (" not in query["sql"], query["sql"]
        sql, params = Dossier.objects.filter(receiving_agency__any=ids).query.sql_with_params()
        assert sql.count("%s") == 1 and sorted(params[0]) == sorted({agencies[0].pk, agencies[2].pk})


def test_any_of_nothing_matches_nothing_without_a_statement():
    DossierFactory()
    with CaptureQueriesContext(connection) as captured:
        assert list(Dossier.objects.filter(receiving_agency_id__any=[])) == []
        assert list(Dossier.objects.filter(receiving_agency_id__any=[None])) == []
    assert captured.captured_queries == []
    # Inside an OR the empty arm drops out, as __in's does.
    d = DossierFactory()
    q = Dossier.objects.filter(receiving_agency_id__any=[]) | Dossier.objects.filter(pk=d.pk)
    assert list(q) == [d]


# --- FastReadMixin ----------------------------------------------------------------------------------


class _Plain(DossierSerializer):
    """DossierSerializer's fields read by REST framework's own machinery (the mixin bypassed)."""

    to_representation = serializers.ModelSerializer.to_representation


def test_the_dossier_serializer_writes_what_rest_framework_writes():
    assert DossierSerializer.to_representation is FastReadMixin.to_representation  # the fast path is in use
    now = timezone.now()
    handler = AgencyFactory()
    rows = [
        DossierFactory(),  # open, received, due later
        DossierFactory(handling_agency=handler, filing_place=2, fee_amount=15000, satisfaction=1),
        DossierFactory(status=DossierStatus.NOT_RECEIVED, received_at=None, submitted_at=None, due_at=None),
        DossierFactory(
            status=DossierStatus.RETURNED,
            finished_at=now - timedelta(days=1),
            returned_at=now,
            paused_duration=timedelta(days=1, hours=3),
            supplement_count=2,
        ),
    ]
    objs = list(
        Dossier.objects.filter(pk__in=[r.pk for r in rows])
        .select_related("procedure", "receiving_agency", "handling_agency")
        .order_by("pk")
    )
    for language in ("vi", "en"):
        with translation.override(language):
            fast = JSONRenderer().render(DossierSerializer(objs, many=True).data)
            plain = JSONRenderer().render(_Plain(objs, many=True).data)
        assert fast == plain
    data = DossierSerializer(objs, many=True).data
    assert data[1]["handling_agency"] == handler.code and data[0]["handling_agency"] is None
    assert data[2]["received_at"] is None and data[3]["is_overdue"] is True


def test_a_missing_attribute_gets_rest_frameworks_handling():
    class WithDefault(DossierSerializer):
        nowhere = serializers.CharField(source="procedure.not_there", read_only=True, default="—")

        class Meta(DossierSerializer.Meta):
            fields = [*DossierSerializer.Meta.fields, "nowhere"]

    d = Dossier.objects.select_related("procedure").get(pk=DossierFactory().pk)
    assert WithDefault(d).data["nowhere"] == "—"


# --- ChoiceLabelsMixin ---------------------------------------------------------------------------------


def test_choice_labels_are_djangos_in_the_active_language():
    d = DossierFactory(status=DossierStatus.PROCESSING)
    labels = {}
    for language in ("vi", "en", "vi"):
        with translation.override(language):
            labels[language] = d.get_status_display()
            assert labels[language] == str(DossierStatus.PROCESSING.label)
    assert labels["vi"] != labels["en"]  # one cache per language, not the first one's labels for all
    d.status = 99  # not a choice: Django answers the value itself
    assert d.get_status_display() == 99
    gap = Gap(kind=GapKind.MISSING_ON_PORTAL)
    with translation.override("vi"):
        assert gap.get_kind_display() == str(GapKind.MISSING_ON_PORTAL.label)
