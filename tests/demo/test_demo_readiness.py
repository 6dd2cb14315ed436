"""The readiness demo: each state is shown, through the services, once."""

from datetime import date

import pytest
from django.urls import reverse

from demo.readiness import seed_demo_readiness
from readiness.models import Assessment, PlanStatus, ProvincePlan


@pytest.mark.django_db
def test_demo_shows_each_state(seed, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    seed()
    report = seed_demo_readiness(today=date(2026, 12, 5))
    assert report["assessments"] >= 5 and report["not_ready"] >= 1
    current = Assessment.objects.current()
    assert set(current.values_list("ministry__code", flat=True)) >= {"BTP", "BNNMT"}
    assert current.filter(classification="ready").exists()
    assert current.filter(
        classification="not_ready", planned_ready_on__lt=date(2026, 12, 5)
    ).exists()  # overdue
    assert Assessment.objects.filter(superseded_by__isnull=False).exists()  # history
    assert Assessment.objects.filter(state="submitted").exists()  # awaiting approval
    assert ProvincePlan.objects.filter(province__code="01", status=PlanStatus.DONE).exists()
    assert not current.exclude(decided_at__month=6).exists()  # classified in June 2026
    html = client.get(reverse("readiness:public")).content.decode()
    assert "roadmap-entry overdue" in html
    again = seed_demo_readiness(today=date(2026, 12, 5))
    assert again["already_present"] and Assessment.objects.count() == report["assessments"]
