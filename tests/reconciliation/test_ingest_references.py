"""Source copies name their source, batch, agency and procedure without a database constraint
(ADR 0020): the writer checks and holds them once per chunk instead. A reference deleted after the
batch was validated fails the chunk with a clear error and stores nothing of it."""

import json
from dataclasses import replace

import pytest
from django.db import connection

from reconciliation.adapters.fields import Context
from reconciliation.models import BatchStatus, IngestBatch, SourceDossier
from reconciliation.services import ingest as ingest_module
from reconciliation.services.ingest import ingest
from reconciliation.services.writer import ReferenceLost
from tthc.models import Agency, Dossier, Procedure

from .fixtures.world import build_world, stream

pytestmark = pytest.mark.django_db(transaction=True)

CODE = "00004-250105-000301"


def payload(code=CODE):
    return stream(
        json.dumps(
            {
                "service": "DongBoHoSoMC",
                "data": [
                    {
                        "MaHoSo": code,
                        "MaTTHC": "1.001193",
                        "TrangThaiHoSo": "2",
                        "NgayNopHoSo": "20250105080000",
                        "NgayTiepNhan": "20250105083000",
                        "NgayHenTra": "20250110170000",
                    }
                ],
            }
        )
    )


@pytest.fixture
def world():
    return build_world()


def _validated_against(monkeypatch, **changes):
    """Validation sees the reference data as it was when the batch began (``changes``: ids since deleted)."""
    original = Context.load

    def load(now=None):
        ctx = original(now)
        for name, mapping in changes.items():
            setattr(ctx, name, {**getattr(ctx, name), **mapping})
        return replace(ctx)

    monkeypatch.setattr(Context, "load", staticmethod(load))


@pytest.mark.parametrize(
    ("field", "code", "expected"),
    [
        ("procedures", "1.001193", "procedure ids 987654 no longer exist"),
        ("agencies", "00004", "agency ids 987654 no longer exist"),
    ],
)
def test_a_reference_deleted_after_validation_fails_the_chunk(world, monkeypatch, field, code, expected):
    _validated_against(monkeypatch, **{field: {code: 987654}})
    with pytest.raises(ReferenceLost, match=expected):  # the portal: no remit to refuse it first
        ingest(world["portal"], payload(), "portal")
    batch = IngestBatch.objects.get()
    assert batch.status == BatchStatus.FAILED
    assert expected in batch.error
    assert not SourceDossier.objects.exists()
    assert not Dossier.objects.exists()


def test_the_references_of_a_valid_chunk_are_stored(world):
    report = ingest(world["province_system"], payload(), "portal")
    assert report.created == 1
    copy = SourceDossier.objects.get()
    assert copy.agency == Agency.objects.get(code="00004")
    assert copy.procedure == Procedure.objects.get(code="1.001193")
    assert copy.batch == IngestBatch.objects.get()
    assert copy.source == world["province_system"]


def test_a_batch_deleted_while_it_is_written_fails_the_chunk(world, monkeypatch):
    original = ingest_module._write_chunk

    def write_then_lose_the_batch(writer, batch, *args, **kwargs):
        IngestBatch.objects.filter(pk=batch.pk).delete()
        return original(writer, batch, *args, **kwargs)

    monkeypatch.setattr(ingest_module, "_write_chunk", write_then_lose_the_batch)
    with pytest.raises(ReferenceLost, match="was deleted while it was written"):
        ingest(world["province_system"], payload(), "portal")
    assert not SourceDossier.objects.exists()
    assert not Dossier.objects.exists()


@pytest.mark.postgres  # row locks: SQLite lets one writer in at a time and has none
def test_the_chunk_holds_its_agencies_and_procedures_until_it_commits(world):
    """``FOR KEY SHARE`` on the referenced rows, as a foreign key's check takes: another connection
    cannot lock them for deletion meanwhile, and can once the transaction ends."""
    import psycopg
    from django.db import transaction

    from tthc.store import store_for

    agency, procedure = Agency.objects.get(code="00004"), Procedure.objects.get(code="1.001193")
    other = psycopg.connect(**connection.get_connection_params(), autocommit=True)

    def try_lock(table, pk):
        other.execute(f"SELECT 1 FROM {table} WHERE id = %s FOR UPDATE NOWAIT", [pk]).fetchall()

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            assert store_for().hold_references(cursor, [agency.pk], [procedure.pk]) == []
            for table, pk in ((Agency._meta.db_table, agency.pk), (Procedure._meta.db_table, procedure.pk)):
                with pytest.raises(psycopg.errors.LockNotAvailable):
                    try_lock(table, pk)
        try_lock(Agency._meta.db_table, agency.pk)
        try_lock(Procedure._meta.db_table, procedure.pk)
    finally:
        other.close()
