"""Each source's copy records whether its result documents carry an electronic file (``result_missing``)."""

import pytest

from reconciliation.models import SourceDossier

from .fixtures.world import build_world
from .test_ingest_idempotency import send, version

pytestmark = pytest.mark.django_db


def test_the_copy_stores_the_electronic_result(db):
    world = build_world()
    source = world["province_system"]
    send(source, version(10, "20250107100000"))
    assert SourceDossier.objects.get(source=source).e_result is False
    results = [{"MaGiayToKetQua": "KQ-1", "DuongDanTepTinKetQua": "https://example.org/kq-1.pdf"}]
    send(source, version(10, "20250107110000", DanhSachGiayToKetQua=results))
    assert SourceDossier.objects.get(source=source).e_result is True


def test_a_ministry_system_may_sync_a_procedure_assigned_to_it_by_date(db):
    from datetime import date

    from reconciliation.models import ProcedureAssignment
    from tests.factories import ProcedureFactory

    world = build_world()
    moved = ProcedureFactory(code="1.009999", ministry=world["btp"], central_system="")
    ministry = world["ministry_system"]
    report = send(ministry, version(4, "20250106100000", MaTTHC="1.009999"))
    assert report.rejected == 1 and report.errors[0]["field"] == "MaTTHC"  # not its procedure (yet)
    ProcedureAssignment.objects.create(procedure=moved, system_code="HOTICH", valid_from=date(2025, 1, 1))
    report = send(ministry, version(4, "20250106100000", MaTTHC="1.009999"))
    assert report.rejected == 0 and SourceDossier.objects.filter(source=ministry).count() == 1
