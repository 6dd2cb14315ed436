"""A small world for the security tests, built on the index's golden dataset (province ``01`` with
communes and a department, ministries ``BTP`` and ``BYT``, March 2026, snapshots computed):

* a ministry system ``HOTICH`` (BTP) and its reconciliation run for ``01`` with one gap;
* a sync-gap request of ``01`` to BTP filed by ``01``'s officer, with its evidence attachments
  (the gap list as CSV and Excel) and a notification;
* users: ``officer`` (province 01) and ``outsider`` (province 04).

``plants`` (texts) are written into the fields a source system controls through a sync before the
index is computed and the run's evidence is frozen: the code, handling unit and officer of the
dossiers (cycling through the texts), and one gap per text with it as dossier code, procedure and
agency code and both values.
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from accounts.models import Role
from complaints.services import notifications
from complaints.services.requests import create_request
from indicators.services import compute
from reconciliation.models import Gap, GapKind, ReconciliationRun, SourceKind, SourceSystem
from tests.accounts.helpers import make_user
from tests.indicators import golden
from tthc.models import Dossier

PERIOD = golden.PERIOD


def build(plants: tuple[str, ...] = (), gap_codes: tuple[str, ...] = ()) -> SimpleNamespace:
    g = golden.build()
    for i, dossier in enumerate(Dossier.objects.order_by("pk")) if plants else ():
        text = plants[i % len(plants)]
        dossier.code = text if i < len(plants) else f"{text}-{i}"
        dossier.handling_unit, dossier.handling_officer = text, plants[(i + 1) % len(plants)]
        dossier.save(update_fields=["code", "handling_unit", "handling_officer"])
    compute.recompute(PERIOD, now=golden.NOW)
    g.period = PERIOD
    g.system = SourceSystem.objects.create(
        code="HOTICH", name="Hộ tịch", kind=SourceKind.MINISTRY, owner=g.M1
    )
    finished = golden.NOW - timedelta(days=10)
    g.run = ReconciliationRun.objects.create(
        period=PERIOD,
        province=g.P1,
        source=g.system,
        started_at=finished,
        finished_at=finished,
        dossiers=12,
        portal_dossiers=8,
        gap_counts={GapKind.MISSING_ON_PORTAL: 1 + len(plants) + len(gap_codes)},
        gap_dossiers=1 + len(plants) + len(gap_codes),
    )
    g.gap = Gap.objects.create(
        run=g.run,
        kind=GapKind.MISSING_ON_PORTAL,
        dossier_code="d4",
        procedure_code="B",
        agency_code="U1",
        source_value="4",
    )
    for text in plants:
        Gap.objects.create(
            run=g.run,
            kind=GapKind.STATUS_DIFFERS,
            dossier_code=text,
            procedure_code=text,
            agency_code=text,
            source_value=text,
            portal_value=text,
            detail=text,
        )
    for code in gap_codes:
        Gap.objects.create(
            run=g.run,
            kind=GapKind.MISSING_ON_PORTAL,
            dossier_code=code,
            procedure_code="B",
            agency_code="U1",
            source_value="4",
        )
    g.officer = make_user("sec-officer", Role.OFFICER, g.P1)
    g.outsider = make_user("sec-outsider", Role.OFFICER, g.P2)
    g.case, _ = create_request(g.P1, g.system, PERIOD, user=g.officer)
    g.attachments = list(g.case.attachments.all())
    notifications.notify([g.officer], "comment", "Bình luận mới", "…", case=g.case)
    g.notification = g.officer.notifications.first()
    return g
