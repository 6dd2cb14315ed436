"""A hand-built dataset for March 2026 whose every component value is computed by hand in
``test_golden.py``. Period 2026-03 (methodology "2026"), judged at the period end
(as_of = 2026-04-01 00:00 Vietnam time). March 2026 has no public holiday: weekdays are
2–6, 9–13, 16–20, 23–27, 30–31.

Agencies: province P1 "01" (communes C1, C2; department U1), province P2 "04" (commune C3, no
dossiers, no feedback); ministry M1 "BTP" (unit M1U), ministry M2 "BYT" (nothing at all).
"""

from __future__ import annotations

from datetime import date, datetime
from types import SimpleNamespace

from complaints.models import Feedback
from indicators.models import CertifiedCopyCommune
from reconciliation.models import ReportedCount, SourceDossier, SourceKind, SourceSystem
from tests.factories import AgencyFactory, DossierFactory, ProcedureFactory, commune, ministry, province
from tthc.calendar import VN_TZ
from tthc.models import AgencyKind, Channel, DossierStatus, PaymentKind, Satisfaction

S = DossierStatus
NOW = datetime(2026, 4, 15, 12, 0, tzinfo=VN_TZ)  # after the period: the period is final
PERIOD = "2026-03"


def vn(month: int, day: int, hour: int = 9, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=VN_TZ)


def build() -> SimpleNamespace:
    g = SimpleNamespace()
    g.P1 = province("01", "Thành phố Hà Nội")
    g.C1 = commune(g.P1, "C1", "Xã Một")
    g.C2 = commune(g.P1, "C2", "Xã Hai")
    g.U1 = AgencyFactory(code="U1", name="Sở Tư pháp", kind=AgencyKind.UNIT, parent=g.P1)
    g.P2 = province("04", "Tỉnh Cao Bằng")
    g.C3 = commune(g.P2, "C3", "Xã Ba")
    g.M1 = ministry("BTP", "Bộ Tư pháp")
    g.M1U = AgencyFactory(code="BTP-CUC", name="Cục Hộ tịch", kind=AgencyKind.UNIT, parent=g.M1)
    g.M2 = ministry("BYT", "Bộ Y tế")

    CertifiedCopyCommune.objects.create(commune=g.C1, since=date(2026, 1, 1))
    CertifiedCopyCommune.objects.create(commune=g.C3, since=date(2026, 4, 5))  # after the period

    proc = dict(ministry=g.M1, level_central=False, level_province=False, level_commune=False)
    # A: commune level, fully online, result-issuing, no fee, citizen-facing, connected, complete.
    g.A = ProcedureFactory(
        code="A",
        **{**proc, "level_commune": True},
        online_level="full",
        fee_bearing=False,
        issues_result=True,
        citizen_facing=True,
        population_data_connected=True,
        content_complete=True,
        legal_basis_effective_on=date(2026, 3, 20),
        published_on=date(2026, 3, 12),
        made_public_on=date(2026, 3, 18),
    )
    # B: province level, partially online, fee-bearing with payment integrated, incomplete content.
    g.B = ProcedureFactory(
        code="B",
        **{**proc, "level_province": True},
        online_level="partial",
        fee_bearing=True,
        payment_integrated=True,
        issues_result=True,
        citizen_facing=True,
        population_data_connected=False,
        content_complete=False,
        legal_basis_effective_on=date(2026, 3, 10),
        published_on=date(2026, 3, 6),
        made_public_on=date(2026, 3, 16),
    )
    # C: province and commune level, not online, fee-bearing without payment, issues no result.
    g.C = ProcedureFactory(
        code="C",
        **{**proc, "level_province": True, "level_commune": True},
        online_level="none",
        fee_bearing=True,
        payment_integrated=False,
        issues_result=False,
        citizen_facing=False,
        content_complete=True,
        legal_basis_effective_on=date(2025, 1, 1),
        published_on=date(2024, 12, 2),
        made_public_on=date(2024, 12, 5),
    )
    # M, N: central level, M1's. Z: central level, M2's, no dates at all.
    g.M = ProcedureFactory(
        code="M",
        **{**proc, "level_central": True},
        online_level="full",
        fee_bearing=True,
        payment_integrated=True,
        issues_result=True,
        content_complete=True,
        legal_basis_effective_on=date(2026, 3, 31),
        published_on=date(2026, 3, 2),
        made_public_on=date(2026, 3, 20),
    )
    g.N = ProcedureFactory(
        code="N",
        **{**proc, "level_central": True},
        online_level="none",
        fee_bearing=False,
        issues_result=True,
        content_complete=False,
        legal_basis_effective_on=date(2025, 6, 2),
        published_on=date(2025, 5, 5),
        made_public_on=date(2025, 5, 6),
    )
    g.Z = ProcedureFactory(
        code="Z",
        ministry=g.M2,
        level_central=True,
        level_province=False,
        level_commune=False,
        online_level="partial",
        fee_bearing=False,
        content_complete=True,
    )

    def dossier(code, procedure, agency, status, received, due, finished=None, channel=Channel.DIRECT, **kw):
        return DossierFactory(
            code=code,
            procedure=procedure,
            receiving_agency=agency,
            status=status,
            received_at=received,
            due_at=due,
            finished_at=finished,
            channel=channel,
            **kw,
        )

    ON = Channel.ONLINE
    g.d = {
        "d1": dossier(
            "d1",
            g.A,
            g.C1,
            S.RETURNED,
            vn(3, 2),
            vn(3, 4, 17),
            vn(3, 3, 10),
            ON,
            has_electronic_result=True,
            has_digitised_components=True,
            data_reused=True,
            linked_personal_store=True,
            population_data_used=True,
            handling_unit="Bộ phận Một cửa",
            handling_officer="Lê Văn A",
        ),
        "d2": dossier(
            "d2",
            g.A,
            g.C1,
            S.FINISHED,
            vn(3, 5),
            vn(3, 6, 17),
            vn(3, 9, 10),
            has_digitised_components=True,
            satisfaction=Satisfaction.DISLIKE,
            handling_unit="Công chức Tư pháp - Hộ tịch",
            handling_officer="Trần Thị B",
        ),
        "d3": dossier(
            "d3",
            g.B,
            g.U1,
            S.FINISHED,
            vn(3, 10),
            vn(3, 20, 17),
            vn(3, 18, 10),
            supplement_count=2,
            has_electronic_result=True,
            has_digitised_components=True,
            fee_amount=50000,
            payment_kind=PaymentKind.PORTAL,
            handling_unit="Sở Tư pháp",
            handling_officer="Phạm Văn C",
        ),
        "d4": dossier("d4", g.B, g.U1, S.PROCESSING, vn(3, 25), vn(4, 3, 17), fee_amount=50000),
        "d5": dossier(
            "d5",
            g.B,
            g.U1,
            S.PROCESSING,
            vn(3, 16),
            vn(3, 27, 17),
            has_digitised_components=True,
            fee_amount=50000,
            payment_kind=PaymentKind.LOCAL_GATEWAY,
            handling_unit="Sở Tư pháp",
            handling_officer="Phạm Văn C",
        ),
        # carry-over: received in February, still open (one supplement) and overdue at period end
        "d6": dossier(
            "d6",
            g.A,
            g.C2,
            S.SUPPLEMENT_REQUESTED,
            vn(2, 24),
            vn(3, 10, 17),
            supplement_count=1,
            handling_unit="Công chức Tư pháp - Hộ tịch",
            handling_officer="Ngô Văn D",
        ),
        # carry-over finished on time in March
        "d7": dossier("d7", g.C, g.C2, S.RETURNED, vn(2, 25), vn(3, 11, 17), vn(3, 5, 10)),
        # finished in February: not in March at all
        "d8": dossier("d8", g.A, g.C1, S.RETURNED, vn(2, 2), vn(2, 5, 17), vn(2, 4, 10)),
        # refused at intake: never received
        "d9": dossier("d9", g.A, g.C2, S.NOT_RECEIVED, vn(3, 12), vn(3, 13, 17), vn(3, 12, 10), ON),
        # withdrawn: received, never judged
        "d10": dossier("d10", g.A, g.C2, S.WITHDRAWN, vn(3, 13), vn(3, 16, 17), vn(3, 14, 10), ON),
        "d11": dossier(
            "d11",
            g.C,
            g.P1,
            S.FINISHED,
            vn(3, 23),
            vn(3, 25, 17),
            vn(3, 24, 10),
            ON,
            has_digitised_components=True,
            population_data_used=True,
            has_complaint=True,
            fee_amount=20000,
        ),
        # finished after the period end: open and within time as of 1 April
        "d12": dossier(
            "d12",
            g.A,
            g.C1,
            S.RETURNED,
            vn(3, 30),
            vn(4, 3, 17),
            vn(4, 2, 9),
            ON,
            has_electronic_result=True,
            has_digitised_components=True,
        ),
        "m1": dossier(
            "m1",
            g.M,
            g.M1U,
            S.FINISHED,
            vn(3, 3),
            vn(3, 10, 17),
            vn(3, 12, 10),
            ON,
            has_electronic_result=True,
            has_digitised_components=True,
            fee_amount=100000,
            payment_kind=PaymentKind.PORTAL,
            handling_unit="Cục Hộ tịch",
            handling_officer="Vũ Thị E",
        ),
        "m2": dossier(
            "m2",
            g.M,
            g.M1,
            S.RETURNED,
            vn(3, 4),
            vn(3, 11, 17),
            vn(3, 6, 10),
            fee_amount=100000,
            satisfaction=Satisfaction.LIKE,
        ),
        "m3": dossier(
            "m3",
            g.N,
            g.M1U,
            S.PROCESSING,
            vn(3, 20),
            vn(3, 31, 17),
            has_digitised_components=True,
            handling_unit="Cục Hộ tịch",
            handling_officer="Vũ Thị E",
        ),
    }

    # --- Sync: the portal's copies and the national reporting system's counts -------------------
    portal = SourceSystem.objects.create(code="DVCQG", name="Cổng DVCQG", kind=SourceKind.PORTAL, owner=g.M1)
    reporting = SourceSystem.objects.create(
        code="BCQG", name="Hệ thống báo cáo", kind=SourceKind.REPORTING, owner=g.M1
    )
    for code in ("d1", "d2", "d3", "d5", "d11", "d6", "m1", "m2"):
        d = g.d[code]
        SourceDossier.objects.create(
            source=portal,
            code=code,
            dossier=d,
            agency=d.receiving_agency,
            procedure=d.procedure,
            status=d.status,
            received_at=d.received_at,
            due_at=d.due_at,
            event_at=d.received_at,
            synced_at=d.received_at,
            digest="x",
        )
    ReportedCount.objects.create(source=reporting, agency=g.P1, period="2026-03", system_code="", received=7)
    ReportedCount.objects.create(
        source=reporting, agency=g.C1, period="2026-03", system_code="HOTICH", received=3
    )
    ReportedCount.objects.create(
        source=reporting, agency=g.U1, period="2026-03", system_code="MOTCUA", received=3
    )
    ReportedCount.objects.create(source=reporting, agency=g.P1, period="2026-02", system_code="", received=99)

    # --- Feedback -----------------------------------------------------------------------------
    def feedback(code, agency, received, **kw):
        return Feedback.objects.create(code=code, agency=agency, received_at=received, **kw)

    g.f = {
        "f1": feedback("f1", g.C1, vn(3, 2), answered_at=vn(3, 10, 10), published_at=vn(3, 11, 10)),
        "f2": feedback(
            "f2", g.U1, vn(3, 3), answered_at=vn(3, 30, 10), published_at=vn(3, 31, 9), disliked=True
        ),
        "f3": feedback("f3", g.P1, vn(3, 20), repeated=True),
        "f4": feedback("f4", g.C2, vn(3, 5), refused_at=vn(3, 10, 9)),
        "f5": feedback("f5", g.C1, vn(2, 10), answered_at=vn(2, 11, 10)),
        "f6": feedback("f6", g.C1, vn(3, 9), answered_at=vn(3, 12, 9), published_at=vn(3, 13, 9)),
    }
    return g
