"""The Period at every boundary: the parser, the query parser, the model field, the form, filter and
serializer fields, the URL converter, and the two "which month" functions."""

from __future__ import annotations

from datetime import UTC, datetime

import django_filters
import pytest
from django.core.exceptions import ValidationError
from django.db import models
from django.http import QueryDict
from django.urls import reverse
from rest_framework import serializers

from core.params import InvalidParameter
from indicators.models import IndicatorSnapshot
from reconciliation.models import ReconciliationRun, SourceKind, SourceSystem
from tests.factories import province
from tthc import period_fields
from tthc.period_fields import (
    PeriodConverter,
    PeriodError,
    PeriodField,
    PeriodFilter,
    PeriodFormField,
    PeriodSerializerField,
    from_query,
    parse,
)
from tthc.periods import KINDS, MONTH, Period

OCT = Period.month(2026, 10)


# --- Which month ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "current", "closed"),
    [
        (datetime(2026, 3, 31, 16, 59, tzinfo=UTC), "2026-03", "2026-02"),  # 23:59 on 31 March in Vietnam
        (datetime(2026, 3, 31, 17, 0, tzinfo=UTC), "2026-04", "2026-03"),  # 00:00 on 1 April in Vietnam
        (datetime(2027, 1, 1, 0, 0, tzinfo=UTC), "2027-01", "2026-12"),  # across the year
    ],
)
def test_current_and_last_closed_months_are_in_vietnam_time(now, current, closed):
    assert str(Period.current(now)) == current
    assert str(Period.last_closed(now)) == closed


def test_which_month_reads_django_clock(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: datetime(2026, 7, 10, tzinfo=UTC))
    assert Period.current() == Period.month(2026, 7) and Period.last_closed() == Period.month(2026, 6)


# --- The parser -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kinds", "expected"),
    [
        ("2026-10", MONTH, OCT),
        ("2026-1", MONTH, Period.month(2026, 1)),
        (" 2026-10 ", MONTH, OCT),
        (OCT, MONTH, OCT),
        ("2026-Q4", KINDS, Period.quarter(2026, 4)),
        ("2026", KINDS, Period.of_year(2026)),
    ],
)
def test_parse_accepts(text, kinds, expected):
    assert parse(text, kinds) == expected


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("2026-13", MONTH),
        ("2026-00", MONTH),
        ("garbage", MONTH),
        ("", MONTH),
        ("2026-Q4", MONTH),
        ("2026", MONTH),
        (Period.quarter(2026, 1), MONTH),
        ("2026-13", KINDS),
        ("0001-01", KINDS),
        ("9999-12", KINDS),
        ("2026-10-01", KINDS),
    ],
)
def test_parse_refuses_with_a_message_for_a_person(text, kinds):
    with pytest.raises(PeriodError) as caught:
        parse(text, kinds)
    assert isinstance(caught.value, ValueError)
    assert "YYYY-MM" in str(caught.value)


def test_the_message_names_the_value_briefly():
    with pytest.raises(PeriodError) as caught:
        parse("2026-13" + "x" * 100 + "\x00")
    assert (
        "2026-13xxx" in str(caught.value)
        and "x" * 30 not in str(caught.value)
        and "\x00" not in str(caught.value)
    )


# --- The query parser -------------------------------------------------------------------------------


def test_from_query_default_and_errors():
    assert from_query(QueryDict("period=2026-10")) == OCT
    assert from_query(QueryDict("")) is None
    assert from_query(QueryDict("period="), default=OCT) == OCT
    assert from_query(QueryDict(""), default=Period.last_closed) == Period.last_closed()
    assert from_query(QueryDict("month=2026-10"), "month") == OCT
    assert from_query(QueryDict("period=2026-Q4"), kinds=KINDS) == Period.quarter(2026, 4)
    for bad in ("period=2026-13", "period=2026-Q4", "period=%00"):
        with pytest.raises(InvalidParameter) as caught:
            from_query(QueryDict(bad))
        assert caught.value.name == "period" and list(caught.value.detail) == ["period"]


# --- The model field --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_model_field_holds_a_period_whether_assigned_or_read():
    system = SourceSystem.objects.create(code="S", name="S", kind=SourceKind.MINISTRY, owner=province("01"))
    run = ReconciliationRun(
        period="2026-1", province=system.owner, source=system, started_at=datetime.now(UTC)
    )
    assert run.period == Period.month(2026, 1)  # assigned text becomes a Period at once
    run.save()
    run.refresh_from_db()
    assert run.period == Period.month(2026, 1)
    assert ReconciliationRun.objects.values_list("period", flat=True).get() == Period.month(2026, 1)
    for value in ("2026-01", "2026-1", Period.month(2026, 1)):
        assert ReconciliationRun.objects.filter(period=value).count() == 1
    assert ReconciliationRun.objects.filter(period__in=[OCT, "2026-01"]).count() == 1
    from django.db import connection

    with connection.cursor() as cursor:  # stored exactly as before: the text
        cursor.execute("SELECT period FROM reconciliation_reconciliationrun")
        assert cursor.fetchone()[0] == "2026-01"
    run.full_clean(exclude=["gap_counts"])  # a Period passes the field's own validation


@pytest.mark.django_db
def test_the_model_field_refuses_what_it_cannot_hold():
    with pytest.raises(ValidationError):
        ReconciliationRun(period="2026-13")
    with pytest.raises(ValidationError):
        ReconciliationRun(period="2026-Q1")  # a run is a month
    with pytest.raises(ValueError):
        ReconciliationRun.objects.filter(period="garbage").exists()
    assert IndicatorSnapshot(period="2026-Q1").period == Period.quarter(2026, 1)  # snapshots take every kind
    assert ReconciliationRun(period=None).period is None


def test_the_model_field_is_stored_as_a_charfield():
    field = ReconciliationRun._meta.get_field("period")
    name, path, args, kwargs = field.deconstruct()
    assert path == "django.db.models.CharField" and kwargs["max_length"] == 7
    assert isinstance(field.formfield(), PeriodFormField)
    snapshot_field = IndicatorSnapshot._meta.get_field("period")
    assert snapshot_field.kinds == KINDS and snapshot_field.formfield().kinds == KINDS
    assert isinstance(PeriodField(), models.CharField)


# --- Forms, filters, serializers ----------------------------------------------------------------------


def test_the_form_field():
    field = PeriodFormField(required=False)
    assert field.clean("2026-10") == OCT and field.clean("") is None
    assert field.prepare_value(OCT) == "2026-10"
    with pytest.raises(ValidationError) as caught:
        field.clean("2026-13")
    assert "2026-13" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        PeriodFormField().clean("")  # required
    assert PeriodFormField(kinds=KINDS).clean("2026") == Period.of_year(2026)


@pytest.mark.django_db
def test_the_filter():
    class RunFilter(django_filters.FilterSet):
        period = PeriodFilter()

        class Meta:
            model = ReconciliationRun
            fields = ["period"]

    assert RunFilter(QueryDict("")).is_valid()
    bad = RunFilter(QueryDict("period=2026-13"), queryset=ReconciliationRun.objects.all())
    assert not bad.is_valid() and list(bad.errors) == ["period"]
    good = RunFilter(QueryDict("period=2026-10"), queryset=ReconciliationRun.objects.all())
    assert good.is_valid() and good.form.cleaned_data["period"] == OCT and list(good.qs) == []


def test_the_serializer_field():
    class Body(serializers.Serializer):
        period = PeriodSerializerField()
        shown = PeriodSerializerField(kinds=KINDS, read_only=True)

    body = Body(data={"period": "2026-10"})
    assert body.is_valid() and body.validated_data["period"] == OCT
    for bad in ("2026-13", "2026-Q4", "", 202610):
        body = Body(data={"period": bad})
        assert not body.is_valid() and "period" in body.errors, bad
    assert Body({"period": OCT, "shown": Period.quarter(2026, 4)}).data == {
        "period": "2026-10",
        "shown": "2026-Q4",
    }

    # The accepted text is documented on writable fields only.
    def patterns(field):
        return [v.regex.pattern for v in field.validators if hasattr(v, "regex")]

    assert patterns(Body().fields["period"]) == [period_fields.PATTERNS[MONTH]] and not patterns(
        Body().fields["shown"]
    )


# --- The URL converter ------------------------------------------------------------------------------


def test_the_converter():
    converter = PeriodConverter()
    assert converter.to_python("2026-10") == OCT and converter.to_python("2026-Q4") == Period.quarter(2026, 4)
    assert converter.to_url(OCT) == "2026-10" and converter.to_url("2026-10") == "2026-10"
    with pytest.raises(InvalidParameter):  # a 400 (config.views.bad_request), not "no match" (404)
        converter.to_python("2026-13")
    assert reverse("indicators:component", args=["01", OCT, "ON_TIME"]) == "/indicators/01/2026-10/ON_TIME/"
    assert (
        period_fields.PeriodConverter.regex == period_fields.CODE_REGEX
    )  # the schema's pattern is unchanged
