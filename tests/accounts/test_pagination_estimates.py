"""Large API lists on PostgreSQL are not counted: the planner's estimate is the count, and says so."""

import pytest
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role
from tthc.models import Dossier

from .helpers import make_user

pytestmark = pytest.mark.django_db


def _analyse():
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Dossier._meta.db_table}")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner estimates are PostgreSQL's")
def test_a_list_the_planner_expects_to_be_large_is_estimated_not_counted(tree, settings):
    api = APIClient()
    api.force_authenticate(make_user("nat", Role.NATIONAL_ADMIN, tree.a["VPCP"]))
    _analyse()
    total = Dossier.objects.count()
    assert total >= 4
    settings.API_COUNT_CAP = 10_000
    settings.API_COUNT_ESTIMATE_ABOVE = 1
    body = api.get("/api/v1/dossiers/?page_size=2").json()
    assert body["count_estimated"] is True and body["count_capped"] is False
    assert body["count"] == total  # the statistics of an analysed table: exact here
    settings.API_COUNT_CAP = 2
    body = api.get("/api/v1/dossiers/?page_size=2").json()
    assert body["count_estimated"] is True and body["count_capped"] is True and body["count"] == 2
    settings.API_COUNT_ESTIMATE_ABOVE = 10**9  # above the estimate: counted
    settings.API_COUNT_CAP = 10_000
    body = api.get("/api/v1/dossiers/?page_size=2").json()
    assert body["count_estimated"] is False and body["count"] == total


def test_counts_are_exact_where_there_is_no_planner(tree, settings):
    api = APIClient()
    api.force_authenticate(make_user("nat", Role.NATIONAL_ADMIN, tree.a["VPCP"]))
    settings.API_COUNT_ESTIMATE_ABOVE = 1
    body = api.get("/api/v1/dossiers/?page_size=2").json()
    if connection.vendor != "postgresql":
        assert body["count_estimated"] is False and body["count"] == Dossier.objects.count()
    else:
        assert "count_estimated" in body
