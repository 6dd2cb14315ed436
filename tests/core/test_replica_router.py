"""The read-replica router, tested with a second alias pointing at the same database.

The ``replica`` alias is added for the test (as ``DATABASE_REPLICA_URL`` would add it) with the
default test database's settings; rows are committed (transaction=True) so the second connection
sees them, as a replica would after its lag.
"""

from __future__ import annotations

import pytest
from django.db import connections, router, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import User
from core.db_router import REPLICA, ReplicaRouter, primary
from tests.factories import DossierFactory
from tthc.models import Dossier

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def replica(settings, monkeypatch):
    connections.settings[REPLICA] = {**connections["default"].settings_dict}
    settings.TTHC_REPLICA_APPS = ("tthc", "indicators", "reconciliation")
    monkeypatch.setattr(router, "routers", [ReplicaRouter()])
    connection = connections[REPLICA]
    # Django's test case refuses to open undeclared aliases lazily; this one did not exist when it
    # checked, so it is connected here, explicitly.
    connection.connect()
    yield connection
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


def _reads(alias: str, action) -> tuple[list, object]:
    with CaptureQueriesContext(connections[alias]) as captured:
        result = action()
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")
    ], result


def test_reads_of_the_big_tables_go_to_the_replica_and_writes_to_the_primary(replica):
    dossier = DossierFactory()
    assert router.db_for_read(Dossier) == REPLICA and router.db_for_write(Dossier) == "default"
    reads, codes = _reads(REPLICA, lambda: list(Dossier.objects.values_list("code", flat=True)))
    assert reads and codes == [dossier.code]  # the same database through the second connection
    assert router.db_for_read(User) == "default"  # sessions, users, roles: never the replica's lag
    with transaction.atomic():  # a service's read before its write: read-your-writes on the primary
        assert router.db_for_read(Dossier) == "default"
    with primary():
        assert router.db_for_read(Dossier) == "default"
    assert router.allow_migrate(REPLICA, "tthc") is False and router.allow_migrate("default", "tthc") is True


def test_the_api_list_reads_through_the_replica(replica):
    DossierFactory.create_batch(3)
    admin = User.objects.create(username="replica-admin", is_superuser=True)
    client = APIClient()
    client.force_authenticate(admin)
    reads, response = _reads(REPLICA, lambda: client.get("/api/v1/dossiers/"))
    assert response.status_code == 200 and response.json()["count"] == 3
    assert any("tthc_dossier" in sql for sql in reads)


def test_without_a_replica_everything_stays_on_default(monkeypatch):
    monkeypatch.setattr(router, "routers", [ReplicaRouter()])
    assert router.db_for_read(Dossier) == "default"
