"""The sync API answers every failure with JSON an integrator's program can act on —
``{"error", "retry", "detail"}`` — and a database failure is a 503 with ``Retry-After`` after which
the same batch can simply be sent again (the final state is the same as one clean run)."""

import json

import pytest
from django.db import InterfaceError, OperationalError, transaction

from reconciliation.api import views as sync
from reconciliation.models import BatchStatus, IngestBatch, RejectedRecord, SourceDossier
from reconciliation.services.ingest import ingest
from reconciliation.services.writer import Writer
from tests.reconciliation.fixtures.world import stream
from tthc.models import Dossier, DossierEvent

from .ingest_world import URL, build_security_world, client_for, envelope, hanoi_record, post

pytestmark = pytest.mark.django_db

BAD = hanoi_record(900, MaTTHC="9.999999")


@pytest.fixture
def world():
    return build_security_world()


def state() -> dict:
    """What ingestion stored, without the ids, times and batch pointers that differ between runs."""

    def rows(model, order, *skip):
        return [
            {k: v for k, v in row.items() if k not in skip} for row in model.objects.order_by(*order).values()
        ]

    return {
        "dossiers": rows(Dossier, ["code"], "id", "created_at", "updated_at"),
        "events": [
            (e.dossier.code, e.at, e.from_status, e.to_status, e.note)
            for e in DossierEvent.objects.select_related("dossier").order_by(
                "dossier__code", "at", "to_status"
            )
        ],
        "copies": rows(SourceDossier, ["source_id", "code"], "id", "dossier_id", "synced_at", "batch_id"),
        "rejects": rows(RejectedRecord, ["dossier_code"], "id", "batch_id", "replayed_in_id", "index"),
    }


def clean_run(send) -> dict:
    """The state one successful run leaves, measured inside a rolled-back savepoint."""
    with transaction.atomic():
        send()
        expected = state()
        transaction.set_rollback(True)
    assert not Dossier.objects.exists()
    return expected


def failing(after: int = 0):
    """A ``write_dossiers`` that works ``after`` times, then finds the database gone."""
    real, calls = Writer.write_dossiers, []

    def write(self, records, stale):
        calls.append(len(records))
        if len(calls) > after:
            raise OperationalError("server closed the connection unexpectedly")
        return real(self, records, stale)

    return write


def assert_failure(response, code: int, retry: bool) -> dict:
    assert response.status_code == code, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert set(answer) == {"error", "retry", "detail"} and answer["retry"] is retry
    assert answer["error"] == answer["detail"] and answer["error"]
    return answer


def test_a_database_failure_is_a_503_and_a_retry_gives_the_same_state(world, monkeypatch, settings):
    settings.SYNC_RETRY_AFTER_SECONDS = 45
    api = client_for("HTTT-01")
    body = envelope(*[hanoi_record(n) for n in range(20)], BAD)
    expected = clean_run(lambda: post(api, body))

    monkeypatch.setattr(Writer, "write_dossiers", failing())
    response = post(api, body)
    assert_failure(response, 503, retry=True)
    assert response["Retry-After"] == "45"
    assert IngestBatch.objects.get().status == BatchStatus.FAILED
    assert not Dossier.objects.exists() and not RejectedRecord.objects.exists()  # the chunk rolled back whole

    monkeypatch.undo()
    retry = post(api, body)
    assert retry.status_code == 200 and (retry.json()["created"], retry.json()["rejected"]) == (20, 1)
    assert state() == expected


def test_a_failure_after_some_chunks_then_a_retry_gives_the_same_state(world, monkeypatch):
    source = world["province_system"]
    body = json.dumps(envelope(hanoi_record(1), BAD, *[hanoi_record(n) for n in range(2, 7)]))
    expected = clean_run(lambda: ingest(source, stream(body), "portal", chunk_size=2))

    monkeypatch.setattr(Writer, "write_dossiers", failing(after=1))
    with pytest.raises(OperationalError):
        ingest(source, stream(body), "portal", chunk_size=2)
    assert Dossier.objects.count() == 1 and RejectedRecord.objects.count() == 1  # the first chunk stays

    monkeypatch.undo()
    report = ingest(source, stream(body), "portal", chunk_size=2)
    assert (report.created, report.unchanged, report.rejected) == (5, 1, 1)
    assert state() == expected  # the first chunk's reject is not kept twice


@pytest.mark.parametrize(
    "error",
    [OperationalError("the database system is starting up"), InterfaceError("connection already closed")],
)
def test_the_database_unavailable_before_ingesting_is_a_503_too(world, monkeypatch, error):
    def unavailable(user):
        raise error

    monkeypatch.setattr(sync, "source_for_user", unavailable)
    response = post(client_for("HTTT-01"), envelope(hanoi_record(1)))
    assert_failure(response, 503, retry=True)
    assert int(response["Retry-After"]) > 0


def test_an_internal_error_is_a_json_500(world, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("a defect")

    monkeypatch.setattr(sync, "run_batch", broken)
    assert_failure(post(client_for("HTTT-01"), envelope(hanoi_record(1))), 500, retry=False)


def test_every_refusal_answers_the_same_shape(world, client):
    from rest_framework.test import APIClient

    body = json.dumps(envelope(hanoi_record(1)))
    assert_failure(APIClient().generic("POST", URL, body, content_type="application/json"), 401, retry=False)
    bad_token = APIClient()
    bad_token.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert_failure(post(bad_token, body), 401, retry=False)
    api = client_for("HTTT-01")
    assert_failure(api.get(URL), 405, retry=False)
    assert_failure(post(api, b"{", "application/json"), 400, retry=False)
    assert_failure(post(api, b"<HoSo/>", "application/xml"), 415, retry=False)
    world["province_system"].__class__.objects.filter(code="HTTT-01").update(active=False)
    assert "not active" in assert_failure(post(api, body), 403, retry=False)["error"]


def test_too_many_records_is_a_413_in_the_same_shape(world, monkeypatch):
    monkeypatch.setattr(sync, "MAX_RECORDS", 2)
    answer = assert_failure(
        post(client_for("HTTT-01"), envelope(*[hanoi_record(n) for n in range(3)])), 413, retry=False
    )
    assert "at most 2 records" in answer["error"]
