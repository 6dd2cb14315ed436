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
