"""``manage.py seed_demo``: counts, idempotency, determinism and the shape of the demo data.

Runs against a small reference data set of its own (written to a temp dir) so that it is fast and
does not depend on the shipped files; the same tests run on SQLite and PostgreSQL.
"""
import re
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from tthc import calendar
from tthc.models import ApologyLetter, CalendarOverride, Dossier, DossierEvent, DossierStatus
from tthc.services import demo

VN = calendar.VN_TZ
ANCHOR = "2026-06"
AS_OF = datetime(2026, 6, 1, tzinfo=VN)
N = 600

HEADER = "code,name,short_name,kind,parent_code,valid_from,valid_to,successor_code\n"
FILES = {
    "agencies_central.csv": HEADER + """\
CP,Chính phủ,Chính phủ,central,,,,
BTP,Bộ Tư pháp,Tư pháp,ministry,CP,2025-03-01,,
BTC,Bộ Tài chính,Tài chính,ministry,CP,2025-03-01,,
BXD,Bộ Xây dựng,Xây dựng,ministry,CP,2025-03-01,,
BNNMT,Bộ Nông nghiệp và Môi trường,Nông nghiệp và Môi trường,ministry,CP,2025-03-01,,
BKHDT,Bộ Kế hoạch và Đầu tư,Kế hoạch và Đầu tư,ministry,CP,,2025-02-28,BTC
BTP-LLTP,Trung tâm Lý lịch tư pháp quốc gia,Trung tâm LLTP quốc gia,unit,BTP,,,
""",
    "provinces.csv": HEADER + """\
01,Thành phố Hà Nội,Hà Nội,province,CP,,,
48,Thành phố Đà Nẵng,Đà Nẵng,province,CP,,,
04,Tỉnh Cao Bằng,Cao Bằng,province,CP,,,
""",
    "communes.csv": HEADER + """\
00004,Phường Ba Đình,Ba Đình,commune,01,2025-07-01,,
00008,Phường Ngọc Hà,Ngọc Hà,commune,01,2025-07-01,,
00025,Xã Sóc Sơn,Sóc Sơn,commune,01,2025-07-01,,
20194,Phường Hải Châu,Hải Châu,commune,48,2025-07-01,,
20195,Xã Hòa Vang,Hòa Vang,commune,48,2025-07-01,,
01273,Xã Hòa An,Hòa An,commune,04,2025-07-01,,
""",
    "units_demo.csv": HEADER + """\
01-TTPVHCC,Trung tâm Phục vụ hành chính công thành phố Hà Nội,Trung tâm PVHCC,one_stop,01,,,
01-STP,Sở Tư pháp thành phố Hà Nội,Sở Tư pháp,unit,01,,,
48-STC,Sở Tài chính thành phố Đà Nẵng,Sở Tài chính,unit,48,,,
""",
    "procedures.csv": """\
code,name,field_code,field_name,ministry_code,processing_amount,processing_unit,online_level,fee_bearing,issues_result,citizen_facing,central_system,levels,payment_integrated,population_data_connected
1.001193,Thủ tục đăng ký khai sinh,HOTICH,Hộ tịch,BTP,1,working_days,full,0,1,1,HOTICH,commune,0,1
1.000894,Thủ tục đăng ký kết hôn,HOTICH,Hộ tịch,BTP,1,working_days,partial,0,1,1,HOTICH,commune,0,1
1.000656,Thủ tục đăng ký khai tử,HOTICH,Hộ tịch,BTP,1,working_days,full,0,1,1,HOTICH,commune,0,1
2.000815,Chứng thực bản sao từ bản chính giấy tờ,CHUNGTHUC,Chứng thực,BTP,0.5,working_days,partial,1,1,1,,province;commune,1,0
2.000908,Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam,LLTP,Lý lịch tư pháp,BTP,10,working_days,full,1,1,1,LLTP,province;central,1,1
1.010001,Đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên,DKDN,Đăng ký doanh nghiệp,BTC,3,working_days,full,1,1,0,DKDN,province,1,0
1.010002,Đăng ký biến động quyền sử dụng đất,DATDAI,Đất đai,BNNMT,10,working_days,partial,1,1,1,DATDAI,province;commune,0,1
1.010003,Cấp giấy phép xây dựng có thời hạn đối với nhà ở riêng lẻ,CPXD,Cấp phép xây dựng,BXD,15,calendar_days,partial,1,1,1,CPXD,commune,0,0
1.010004,Cấp chứng chỉ hành nghề hoạt động xây dựng hạng I,CCHNXD,Chứng chỉ hành nghề,BXD,20,working_days,full,1,1,0,CCHN,central,1,0
1.010005,Giải quyết hưởng trợ cấp thất nghiệp,LAODONG,Việc làm,BTC,20,calendar_days,partial,0,0,1,,province,0,1
""",
}


@pytest.fixture(scope="session")
def reference_dir(tmp_path_factory):
    path = tmp_path_factory.mktemp("seed_demo_reference")
    for name, text in FILES.items():
        (path / name).write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _no_hooks(settings):
    settings.SEED_DEMO_HOOKS = []  # other apps' demo hooks have their own tests


@pytest.fixture
def seed(reference_dir):
    def run(**options) -> str:
        out = StringIO()
        defaults = {"dossiers": N, "anchor_month": ANCHOR, "data_dir": str(reference_dir), "no_progress": True}
        call_command("seed_demo", stdout=out, **{**defaults, **options})
        return out.getvalue()

    return run


def counts():
    return Dossier.objects.count(), DossierEvent.objects.count(), ApologyLetter.objects.count()


def snapshot():
    return list(
        Dossier.objects.order_by("code").values_list(
            "code", "status", "received_at", "due_at", "finished_at", "channel", "procedure__code",
            "supplement_count", "has_electronic_result", "payment_kind",
        )
    )


def pauses_of(dossier) -> list[tuple[datetime, datetime]]:
    """Completed pausing intervals (supplement / financial obligation) rebuilt from the history."""
    pausing = set(settings.TTHC_PAUSING_STATUSES)
    out, started = [], {}
    for event in sorted(dossier.events.all(), key=lambda e: (e.at, e.pk)):
        if event.to_status in pausing:
            started[event.to_status] = event.at
        elif event.from_status in pausing and event.from_status in started:
            out.append((started.pop(event.from_status), event.at))
    return out


@pytest.mark.django_db
def test_counts_and_report(seed):
    output = seed()
    dossiers, events, letters = counts()
    assert dossiers == N
    assert events > 3 * N
    assert letters > 0
    assert not Dossier.objects.filter(events__isnull=True).exists(), "every dossier has a history"
    assert "Reference data agencies_central.csv: created 7" in output
    assert "Reference data procedures.csv: created 10" in output
    assert f"{N} created, 0 already present" in output
    assert CalendarOverride.objects.count() == len(demo.KNOWN_OVERRIDES)
    statuses = set(Dossier.objects.values_list("status", flat=True))
    assert {DossierStatus.NOT_RECEIVED, DossierStatus.WITHDRAWN, DossierStatus.RETURNED} <= statuses
    window_start = datetime(2025, 5, 1, tzinfo=VN)
    assert not Dossier.objects.filter(submitted_at__lt=window_start).exists()
    assert not Dossier.objects.filter(submitted_at__gte=AS_OF).exists()


@pytest.mark.django_db
def test_second_run_adds_nothing(seed):
    seed()
    before = counts()
    output = seed()
    assert counts() == before
    assert f"0 created, {N} already present" in output
    assert "events 0, apology letters 0" in output


@pytest.mark.django_db
def test_same_seed_same_data_other_seed_other_data(seed):
    seed(seed=42)
    first = snapshot()
    Dossier.objects.all().delete()
    seed(seed=42)
    assert snapshot() == first
    Dossier.objects.all().delete()
    seed(seed=43)
    assert snapshot() != first


@pytest.mark.django_db(transaction=True)
def test_forked_workers_generate_the_same_rows(seed):
    """Days are independent: generating them in worker processes changes nothing but speed."""
    seed(dossiers=300, workers=0, skip_reference=False)
    first = snapshot()
    first_events = DossierEvent.objects.count()
    Dossier.objects.all().delete()
    seed(dossiers=300, workers=2, writers=2, chunk_size=40, skip_reference=True)
    assert snapshot() == first
    assert DossierEvent.objects.count() == first_events


@pytest.mark.django_db
def test_distributions(seed):
    seed()
    qs = Dossier.objects.all()
    on_time, overdue = qs.on_time(as_of=AS_OF).count(), qs.overdue(as_of=AS_OF).count()
    assert 0.75 <= on_time / (on_time + overdue) <= 0.95
    on_time_now, overdue_now = qs.on_time().count(), qs.overdue().count()
    assert 0.75 <= on_time_now / (on_time_now + overdue_now) <= 0.95
    assert qs.open().overdue(as_of=AS_OF).exists(), "some dossiers are open and already overdue"
    assert qs.filter(supplement_count=2).exists(), "some dossiers had two supplement requests"
    assert qs.filter(supplement_count=1).count() > qs.filter(supplement_count=2).count()

    online = qs.filter(channel=2).count() / N
    assert 0.55 <= online <= 0.85
    assert qs.filter(channel=3).exists()
    assert 0.6 <= qs.filter(has_digitised_components=True).count() / N <= 0.8
    assert qs.filter(payment_kind__gt=0).exists()
    assert not qs.filter(payment_kind__gt=0, fee_amount=0).exists()
    assert not qs.filter(payment_kind__gt=0).exclude(channel=2).exists()
    assert qs.filter(receiving_agency__kind="commune").count() > N / 3
    assert qs.filter(receiving_agency__kind="ministry").count() < N / 10
    assert qs.exclude(applicant_kind=1).exists()
    assert qs.filter(paused_duration__gt=timedelta(0)).exists()


@pytest.mark.django_db
def test_rows_are_consistent(seed):
    seed()
    dossiers = list(Dossier.objects.select_related("procedure", "receiving_agency").prefetch_related("events"))
    checked_pauses = 0
    for d in dossiers:
        prefix = d.receiving_agency.code + "-"
        assert d.code.startswith(prefix)
        assert re.fullmatch(r"\d{6}-\d{6}", d.code[len(prefix):])
        assert d.code[len(prefix):len(prefix) + 6] == f"{d.submitted_at.astimezone(VN):%y%m%d}"
        if d.received_at is None:
            assert d.status in (DossierStatus.NEW, DossierStatus.NOT_RECEIVED) and d.due_at is None
            continue
        assert d.received_at >= d.submitted_at
        pauses = pauses_of(d)
        checked_pauses += bool(pauses)
        expected = calendar.due_at(d.received_at, d.procedure.processing_amount, d.procedure.processing_unit, pauses)
        assert d.due_at == expected, d.code
        if d.finished_at is not None:
            assert d.finished_at >= d.received_at
        assert (d.finished_at is None) == (d.status in (2, 4, 5, 6))
        if d.returned_at:
            assert d.status == DossierStatus.RETURNED and d.returned_at >= d.finished_at
        events = sorted(d.events.all(), key=lambda e: (e.at, e.pk))
        assert events[0].to_status == DossierStatus.RECEIVED and events[0].at == d.received_at
        assert events[-1].to_status == d.status and events[-1].at == d.state_at
        assert all(a.to_status == b.from_status for a, b in zip(events, events[1:], strict=False))
        assert sum(e.to_status == DossierStatus.SUPPLEMENT_REQUESTED for e in events) == d.supplement_count
    assert checked_pauses > 0, "some due dates were moved by pauses"


@pytest.mark.django_db
def test_apology_letters(seed):
    seed()
    letters = list(ApologyLetter.objects.select_related("dossier"))
    assert letters
    for letter in letters:
        letter.clean()  # at least one day before the original due date, new date later
        assert letter.original_due_at == letter.dossier.due_at
        assert letter.issued_at.astimezone(VN).date() <= letter.original_due_at.astimezone(VN).date() - timedelta(1)
        assert letter.new_due_at > letter.original_due_at
        assert letter.issued_at > letter.dossier.received_at
        assert letter.dossier.is_overdue(as_of=AS_OF)
        assert calendar.is_working_day(letter.issued_at.astimezone(VN).date())


@pytest.mark.django_db
def test_default_window_ends_at_the_current_month(seed):
    output = seed(dossiers=50, anchor_month=None)
    anchor = demo.anchor_for()
    assert Dossier.objects.count() == 50
    assert not Dossier.objects.filter(submitted_at__gte=anchor).exists()
    assert f"snapshot as of {anchor:%Y-%m-%d}" in output


@pytest.mark.django_db
def test_demo_logins_are_printed(seed, monkeypatch):
    accounts = [
        {"username": "admin.hn", "password": "Demo@2026", "role": "province_admin", "agency_code": "01"},
        {"username": "officer.hn", "password": "Demo@2026", "role": "officer", "agency_code": "00004"},
    ]
    monkeypatch.setattr(demo, "create_demo_accounts", lambda: accounts)
    output = seed(dossiers=10)
    table = output[output.index("Demo logins:"):]
    assert "username" in table and "agency_code" in table
    assert re.search(r"admin\.hn\s+\|\s+Demo@2026\s+\|\s+province_admin\s+\|\s+01", table)


calls = []


def record_hook(seed):
    calls.append(seed)
    return {"seed": seed}


@pytest.mark.django_db
def test_hooks_are_called_after_the_dossiers(seed, settings):
    settings.SEED_DEMO_HOOKS = [f"{__name__}.record_hook"]
    calls.clear()
    output = seed(dossiers=10, seed=7)
    assert calls == [7]
    assert f"{__name__}.record_hook: {{'seed': 7}}" in output
    calls.clear()
    seed(dossiers=10, skip_hooks=True)
    assert calls == []


@pytest.mark.django_db
def test_missing_accounts_module_is_skipped(seed, monkeypatch):
    monkeypatch.setattr(demo, "create_demo_accounts", lambda: None)
    assert "Demo accounts: skipped" in seed(dossiers=10)


@pytest.mark.django_db
def test_bad_options(seed):
    with pytest.raises(CommandError):
        seed(anchor_month="June")
    with pytest.raises(CommandError):
        seed(dossiers=-1)
