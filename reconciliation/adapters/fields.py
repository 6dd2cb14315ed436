"""Validation of one portal record (hồ sơ, ``HoSo``) or progress step (``QuaTrinhXuLy``).

Every adapter hands raw dicts with the portal's field names (docs/domain.md#fields) to these
functions, so a rule exists once whatever the wire format. They are the hot path of ingestion
(tens of thousands of records a second), hence plain functions, tuples and caches rather than
forms or serializers:

* dates stay strings ``yyyyMMddHHmmss`` in Vietnam time (UTC+7, no daylight saving), normalised and
  checked once per distinct value; they compare as strings and the writer turns them into the
  database's timestamp type;
* lookups (procedure and agency codes) are dicts loaded once per batch (:class:`Context`);
* the digest is taken over the *normalised* values, so a record resent in another format, or
  with fields the platform does not keep, counts as unchanged.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import orjson

DATE_FIELDS = ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")
#: Dates whose latest value orders the versions of a record (NgayHenTra is a promise, not an event).
EVENT_FIELDS = ("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")
SUPPLEMENT_DATES = ("NgayBoSung", "NgayTiepNhanBoSung")
TERMINAL = frozenset((3, 7, 8, 9, 10))
TRUE_TEXT = frozenset(("1", "true", "True", "TRUE", "x", "X", "yes", "có", "Có"))
MAX_CODE = 64


@dataclass
class Context:
    """What validation needs from the database, loaded once per batch (a few thousand codes)."""

    procedures: dict[str, int]
    agencies: dict[str, int]

    @classmethod
    def load(cls) -> Context:
        from tthc.models import Agency, Procedure

        return cls(
            procedures=dict(Procedure.objects.values_list("code", "pk")),
            agencies=dict(Agency.objects.values_list("code", "pk")),
        )


@dataclass(slots=True)
class Event:
    at: str
    from_status: int | None
    to_status: int
    unit: str
    officer: str
    officer_title: str
    note: str


@dataclass(slots=True)
class DossierRecord:
    """A valid ``HoSo``: the values stored in ``SourceDossier`` and ``tthc.Dossier``."""

    code: str
    procedure_id: int
    agency_id: int
    handling_agency_id: int | None
    handling_unit: str
    handling_officer: str
    channel: int
    applicant_kind: int
    applicant_name: str
    summary: str
    status: int
    previous_status: int | None
    submitted_at: str | None
    received_at: str | None
    due_at: str | None
    finished_at: str | None
    returned_at: str | None
    refused_at: str | None
    digitised: bool
    e_result: bool
    data_reused: bool
    personal_store: bool
    population: bool
    payment_kind: int
    fee_amount: int
    supplement_count: int
    paused_seconds: int
    progress_steps: int
    event_at: str
    digest: str = ""
    events: list[Event] = field(default_factory=list)
    #: Writer-specific pre-rendered rows (PostgreSQL: COPY text), prepared off the database thread.
    rendered: object = None


@dataclass(slots=True)
class ProgressRecord:
    """A valid progress step sent alone (``CapNhatTienDoHoSoMC``)."""

    code: str
    event: Event
    digest: str = ""


class Errors:
    """Collects ``{"index", "MaHoSo", "field", "error"}`` dicts for one record."""

    __slots__ = ("index", "code", "items")

    def __init__(self, index: int, code: str):
        self.index, self.code, self.items = index, code, []

    def add(self, field_name: str, message: str) -> None:
        self.items.append({"index": self.index, "MaHoSo": self.code, "field": field_name, "error": message})


# --- Scalars -------------------------------------------------------------------------------------

def norm_date(value) -> str | None:
    """``yyyyMMddHHmmss`` (or ``yyyyMMdd``) → 14-digit string; ``None`` if absent; ``ValueError`` if bad.

    No cache: progress timestamps are nearly all distinct, so a cache would only grow. Fields are
    range-checked as strings; only days past the 28th need the calendar.
    """
    if value is None:
        return None
    s = value if value.__class__ is str else str(value)
    n = len(s)
    if n == 14 and s.isdigit() and s.isascii():
        pass
    elif n == 8 and s.isdigit() and s.isascii():
        s += "000000"
    else:
        s = s.strip()
        if not s:
            return None
        if len(s) == 8:
            s += "000000"
        if len(s) != 14 or not s.isdigit() or not s.isascii():
            raise ValueError(value)
    if not ("1990" <= s[:4] <= "2100" and "01" <= s[4:6] <= "12" and "01" <= s[6:8] <= "31"
            and s[8:10] <= "23" and s[10:12] <= "59" and s[12:14] <= "59"):
        raise ValueError(value)
    if s[6:8] > "28":
        try:
            date(int(s[:4]), int(s[4:6]), int(s[6:8]))
        except ValueError:
            raise ValueError(value) from None
    return s


def to_datetime(s: str) -> datetime:
    """A normalised date string as a naive Vietnam-time datetime."""
    return datetime(int(s[:4]), int(s[4:6]), int(s[6:8]), int(s[8:10]), int(s[10:12]), int(s[12:14]))


def _text(raw: dict, key: str, limit: int) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if value.__class__ is not str:
        value = str(value)
    if value and (value[0] in " \t\r\n" or value[-1] in " \t\r\n"):
        value = value.strip()
    return value if len(value) <= limit else value[:limit]


_CODES = {**{str(i): i for i in range(11)}, **{i: i for i in range(11)}}


def _small_int(value, low: int, high: int, default: int | None = None) -> int | None:
    """Parse a code such as ``"2"`` or ``2``; ``default`` when empty; ``-1`` when invalid."""
    if value.__class__ is str or value.__class__ is int:  # not bool: True == 1 as a dict key
        number = _CODES.get(value)
        if number is not None:
            return number if low <= number <= high else -1
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return -1
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text:
            return default
        if not text.isdigit():
            return -1
        number = int(text)
    return number if low <= number <= high else -1


def _flag(value) -> bool:
    if value is None or value is False or value == "" or value == 0:
        return False
    if value is True:
        return True
    if isinstance(value, (int, float)):
        return value > 0
    return str(value).strip() in TRUE_TEXT


def _items(raw: dict, key: str, errors: Errors) -> list:
    value = raw.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    errors.add(key, "must be a list")
    return []


# --- Records -------------------------------------------------------------------------------------


def agency_code_from(code: str) -> str | None:
    """``<agency code>-<yymmdd>-<sequence>`` → the agency code (the code may itself contain '-')."""
    parts = code.rsplit("-", 2)
    if len(parts) != 3 or not parts[0] or not (len(parts[1]) == 6 and parts[1].isdigit()):
        return None
    return parts[0]


def validate_dossier(index: int, raw, ctx: Context) -> DossierRecord | list[dict]:
    """One ``HoSo`` → a :class:`DossierRecord`, or the list of its errors."""
    if not isinstance(raw, dict):
        errors = Errors(index, "")
        errors.add("", "a record must be a JSON object")
        return errors.items
    code = _text(raw, "MaHoSo", 1000)
    errors = Errors(index, code)
    if not code:
        errors.add("MaHoSo", "is required")
    elif len(code) > MAX_CODE:
        errors.add("MaHoSo", f"is longer than {MAX_CODE} characters")

    procedure_code = _text(raw, "MaTTHC", 100)
    procedure_id = ctx.procedures.get(procedure_code)
    if not procedure_code:
        errors.add("MaTTHC", "is required")
    elif procedure_id is None:
        errors.add("MaTTHC", f"unknown procedure code {procedure_code!r}")

    agency_code = _text(raw, "MaDonVi", 100)
    agency_field = "MaDonVi"
    if not agency_code and code:
        agency_code, agency_field = agency_code_from(code) or "", "MaHoSo"
        if not agency_code:
            errors.add("MaHoSo", "no MaDonVi and the code is not <agency code>-<yymmdd>-<sequence>")
    agency_id = ctx.agencies.get(agency_code) if agency_code else None
    if agency_code and agency_id is None:
        errors.add(agency_field, f"unknown agency code {agency_code!r}")

    status = _small_int(raw.get("TrangThaiHoSo"), 1, 10)
    if status is None:
        errors.add("TrangThaiHoSo", "is required")
    elif status < 0:
        errors.add("TrangThaiHoSo", f"unknown status {raw.get('TrangThaiHoSo')!r} (expected 1–10)")
    channel = _small_int(raw.get("KenhThucHien"), 1, 3, default=1)
    if channel < 0:
        errors.add("KenhThucHien", f"unknown channel {raw.get('KenhThucHien')!r} (expected 1, 2 or 3)")
    applicant_kind = _small_int(raw.get("LoaiDoiTuong"), 1, 4, default=1)
    if applicant_kind < 0:
        errors.add("LoaiDoiTuong", f"unknown applicant kind {raw.get('LoaiDoiTuong')!r} (expected 1–4)")
    payment_kind = _small_int(raw.get("DuocThanhToanTrucTuyen"), 0, 2, default=0)
    if payment_kind < 0:
        errors.add("DuocThanhToanTrucTuyen", f"unknown value {raw.get('DuocThanhToanTrucTuyen')!r} (expected 0, 1 or 2)")

    dates = {}
    for key in DATE_FIELDS:
        try:
            dates[key] = norm_date(raw.get(key))
        except ValueError:
            errors.add(key, f"bad date {raw.get(key)!r} (expected yyyyMMddHHmmss, Vietnam time)")
            dates[key] = None
    received = dates["NgayTiepNhan"]
    if received:
        if dates["NgayKetThucXuLy"] and dates["NgayKetThucXuLy"] < received:
            errors.add("NgayKetThucXuLy", "processing finished before the dossier was received (NgayTiepNhan)")
        if dates["NgayHenTra"] and dates["NgayHenTra"] < received:
            errors.add("NgayHenTra", "due before the dossier was received (NgayTiepNhan)")

    events = _events(raw, errors)
    supplements, paused, supplement_count = _supplements(raw, errors)
    fee = _fee(raw, errors)
    documents = _items(raw, "TaiLieuNop", errors)
    results = _items(raw, "DanhSachGiayToKetQua", errors)
    databases = _items(raw, "DSKetNoiCSDL", errors)
    if errors.items:
        return errors.items

    stamps = [dates[k] for k in EVENT_FIELDS if dates[k]]
    stamps.extend(e.at for e in events)
    stamps.extend(supplements)
    if not stamps:
        errors.add("NgayTiepNhan", "the record carries no event date (NgayNopHoSo, NgayTiepNhan, …), so its version "
                                  "cannot be ordered")
        return errors.items

    digitised = _flag(raw.get("HoSoCoThanhPhanSoHoa"))
    reused = personal = False
    for doc in documents:
        if isinstance(doc, dict):
            digitised = digitised or _flag(doc.get("DuocSoHoa"))
            reused = reused or _flag(doc.get("DuocTaiSuDung"))
            personal = personal or _flag(doc.get("DuocLayTuKhoDMQG"))
    e_result = any(isinstance(r, dict) and _text(r, "DuongDanTepTinKetQua", 2000) for r in results)
    population = _flag(raw.get("TaiKhoanDuocXacThucVoiVNeID")) or bool(databases)
    handling_unit = _text(raw, "DonViXuLy", 255)
    previous = None
    for e in reversed(events):
        if e.to_status != status:
            previous = e.to_status
            break

    record = DossierRecord(
        code=code, procedure_id=procedure_id, agency_id=agency_id,
        handling_agency_id=ctx.agencies.get(handling_unit) if handling_unit else None,
        handling_unit=handling_unit, handling_officer=events[-1].officer if events else "",
        channel=channel, applicant_kind=applicant_kind, applicant_name=_text(raw, "ChuHoSo", 255),
        summary=_text(raw, "TrichYeuHoSo", 500), status=status, previous_status=previous,
        submitted_at=dates["NgayNopHoSo"], received_at=received, due_at=dates["NgayHenTra"],
        finished_at=dates["NgayKetThucXuLy"], returned_at=dates["NgayTra"], refused_at=dates["NgayTuChoi"],
        digitised=digitised, e_result=e_result, data_reused=reused or personal, personal_store=personal,
        population=population, payment_kind=payment_kind, fee_amount=fee,
        supplement_count=supplement_count, paused_seconds=paused, progress_steps=len(events),
        event_at=max(stamps), events=events,
    )
    record.digest = _digest(record)
    return record


def _events(raw: dict, errors: Errors) -> list[Event]:
    """``QuaTrinhXuLy`` embedded in a HoSo: sorted, de-duplicated steps with their from-status."""
    steps = []
    for i, item in enumerate(_items(raw, "QuaTrinhXuLy", errors)):
        event = _step(item, errors, f"QuaTrinhXuLy[{i}].")
        if event is not None:
            steps.append(event)
    steps.sort(key=lambda e: (e.at, e.to_status))
    unique, seen, previous = [], set(), None
    for e in steps:
        if (e.at, e.to_status) in seen:
            continue
        seen.add((e.at, e.to_status))
        e.from_status = previous
        previous = e.to_status
        unique.append(e)
    return unique


def _step(item, errors: Errors, prefix: str = "") -> Event | None:
    if not isinstance(item, dict):
        errors.add(prefix.rstrip("."), "a progress step must be a JSON object")
        return None
    try:
        at = norm_date(item.get("ThoiDiemXuLy"))
    except ValueError:
        errors.add(prefix + "ThoiDiemXuLy", f"bad date {item.get('ThoiDiemXuLy')!r} (expected yyyyMMddHHmmss)")
        return None
    to_status = _small_int(item.get("TrangThai"), 1, 10)
    if at is None:
        errors.add(prefix + "ThoiDiemXuLy", "is required")
    if to_status is None:
        errors.add(prefix + "TrangThai", "is required")
    elif to_status < 0:
        errors.add(prefix + "TrangThai", f"unknown status {item.get('TrangThai')!r} (expected 1–10)")
    if at is None or to_status is None or to_status < 0:
        return None
    return Event(at, None, to_status, _text(item, "PhongBanXuLy", 255), _text(item, "NguoiXuLy", 255),
                 _text(item, "ChucDanh", 255), _text(item, "NoiDungXuLy", 4000))


def _supplements(raw: dict, errors: Errors) -> tuple[list[str], int, int]:
    """``DanhSachHoSoBoSung``: its dates (events), the paused seconds (request → supplement received), the count."""
    stamps, paused = [], 0
    items = _items(raw, "DanhSachHoSoBoSung", errors)
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            errors.add(f"DanhSachHoSoBoSung[{i}]", "must be a JSON object")
            continue
        pair = []
        for key in SUPPLEMENT_DATES:
            try:
                pair.append(norm_date(item.get(key)))
            except ValueError:
                errors.add(f"DanhSachHoSoBoSung[{i}].{key}", f"bad date {item.get(key)!r} (expected yyyyMMddHHmmss)")
                pair.append(None)
        asked, answered = pair
        stamps.extend(s for s in pair if s)
        if asked and answered:
            if answered < asked:
                errors.add(f"DanhSachHoSoBoSung[{i}].NgayTiepNhanBoSung", "supplement received before it was requested")
            else:
                paused += int((to_datetime(answered) - to_datetime(asked)) / timedelta(seconds=1))
    return stamps, paused, len(items)


def _fee(raw: dict, errors: Errors) -> int:
    total = 0
    for i, item in enumerate(_items(raw, "DanhSachLePhi", errors)):
        value = item.get("Gia", item.get("SoTien")) if isinstance(item, dict) else None
        if value in (None, ""):
            continue
        try:
            amount = int(float(str(value).replace(",", "").strip()))
        except ValueError:
            errors.add(f"DanhSachLePhi[{i}].Gia", f"not an amount: {value!r}")
            continue
        if amount < 0:
            errors.add(f"DanhSachLePhi[{i}].Gia", "a fee cannot be negative")
            continue
        total += amount
    return total


_DIGESTED = tuple(n for n in DossierRecord.__slots__ if n not in ("digest", "events", "rendered"))


def _digest(record: DossierRecord) -> str:
    """md5 of the stored values and history: equal digests ⇔ nothing to write."""
    values = [getattr(record, name) for name in _DIGESTED]
    values.append([(e.at, e.from_status, e.to_status, e.unit, e.officer, e.officer_title, e.note) for e in record.events])
    return hashlib.md5(orjson.dumps(values)).hexdigest()


def validate_progress(index: int, raw, ctx: Context) -> ProgressRecord | list[dict]:
    """One progress step of ``CapNhatTienDoHoSoMC`` (it names its dossier with ``MaHoSo``)."""
    if not isinstance(raw, dict):
        errors = Errors(index, "")
        errors.add("", "a progress step must be a JSON object")
        return errors.items
    code = _text(raw, "MaHoSo", 1000)
    errors = Errors(index, code)
    if not code:
        errors.add("MaHoSo", "is required")
    elif len(code) > MAX_CODE:
        errors.add("MaHoSo", f"is longer than {MAX_CODE} characters")
    event = _step(raw, errors)
    if errors.items:
        return errors.items
    digest = hashlib.md5(orjson.dumps([code, event.at, event.to_status, event.unit, event.officer,
                                       event.officer_title, event.note])).hexdigest()
    return ProgressRecord(code, event, digest)
