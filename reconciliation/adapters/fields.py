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
  with fields the platform does not keep, counts as unchanged;
* every error carries a machine-readable ``reason`` (:data:`REASONS`). Numbers sent as text
  (``"TrangThaiHoSo": "4"``) and empty strings for absent values are accepted, as real provincial
  systems send them; an object or array where text, a code, a number or a date is expected is
  ``wrong_type``, never turned into text; an event time later than now plus
  ``INGEST_FUTURE_MARGIN_HOURS`` is ``future_date`` (it would otherwise win every later update).
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import orjson

from tthc.store.staging import Step, Version

DATE_FIELDS = ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")
#: Dates whose latest value orders the versions of a record (NgayHenTra is a promise, not an event).
EVENT_FIELDS = ("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")
SUPPLEMENT_DATES = ("NgayBoSung", "NgayTiepNhanBoSung")
TERMINAL = frozenset((3, 7, 8, 9, 10))
TRUE_TEXT = frozenset(("1", "true", "True", "TRUE", "x", "X", "yes", "có", "Có"))
MAX_CODE = 64
#: Characters of an offending value quoted in an error message.
SHOWN = 60

# Reasons of per-record errors (the ``reason`` key): what an integrator's program can act on.
INVALID = "invalid"  # a value breaks a rule (unknown code, bad date, required field missing…)
WRONG_TYPE = "wrong_type"  # an object/array (or true/false) where text, a code, a number or a date is expected
NOT_AN_OBJECT = "not_an_object"  # the record (or a progress step) is not a JSON object
BAD_TEXT = "bad_text"  # text with a NUL character or a lone surrogate (cannot be stored)
TOO_LARGE = "too_large"  # the record, a value or the nesting is beyond the configured limits
FUTURE_DATE = "future_date"  # an event time later than now plus the configured margin
OUT_OF_SCOPE = "out_of_scope"  # outside what the source system may write (its remit)
UNKNOWN_DOSSIER = "unknown_dossier"  # a progress step for a dossier this source never synced
REASONS = (INVALID, WRONG_TYPE, NOT_AN_OBJECT, BAD_TEXT, TOO_LARGE, FUTURE_DATE, OUT_OF_SCOPE, UNKNOWN_DOSSIER)
VN = timedelta(hours=7)


@dataclass
class Context:
    """What validation needs from the database, loaded once per batch (a few thousand codes)."""

    procedures: dict[str, int]
    agencies: dict[str, int]
    #: Event times after this (``yyyyMMddHHmmss``, Vietnam time) are refused; ``None``: no bound.
    latest_event: str | None = None
    future_margin: str = ""
    #: What the batch's source may write (``reconciliation.services.remit.Remit``); ``None``: anything.
    remit: object = None

    @classmethod
    def load(cls, now: datetime | None = None) -> Context:
        from django.conf import settings

        from tthc.models import Agency, Procedure

        hours = settings.INGEST_FUTURE_MARGIN_HOURS
        latest = (now or datetime.now(UTC)).astimezone(UTC).replace(tzinfo=None) + VN + timedelta(hours=hours)
        return cls(
            procedures=dict(Procedure.objects.values_list("code", "pk")),
            agencies=dict(Agency.objects.values_list("code", "pk")),
            latest_event=latest.strftime("%Y%m%d%H%M%S"),
            future_margin=f"{hours:g} hours",
        )


#: A step of a dossier's history, and a valid ``HoSo`` (the values stored in ``SourceDossier`` and
#: ``tthc.Dossier``): the types the dossier store writes.
Event = Step
DossierRecord = Version


@dataclass(slots=True)
class ProgressRecord:
    """A valid progress step sent alone (``CapNhatTienDoHoSoMC``)."""

    code: str
    event: Event
    digest: str = ""


class Errors:
    """Collects ``{"index", "MaHoSo", "field", "error", "reason"}`` dicts for one record."""

    __slots__ = ("index", "code", "items")

    def __init__(self, index: int, code: str):
        self.index, self.code, self.items = index, code, []

    def add(self, field_name: str, message: str, reason: str = INVALID) -> None:
        # The code goes into JSON answers and database columns: make it storable (error path only).
        self.items.append({"index": self.index, "MaHoSo": safe_text(self.code), "field": field_name,
                           "error": message, "reason": reason})

    def wrong_type(self, field_name: str, value, expected: str) -> None:
        self.add(field_name, f"expected {expected}, got {json_kind(value)}", WRONG_TYPE)


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def safe_text(value: str) -> str:
    """``value`` with what no text column or UTF-8 answer can hold (NUL, lone surrogates) replaced by U+FFFD."""
    if "\x00" in value or not value.isascii():
        return _UNSTORABLE.sub("\ufffd", value)
    return value


def show(value) -> str:
    """An offending value for an error message: its repr (which escapes NUL and surrogates), cut short."""
    text = repr(value) if value.__class__ is not int or abs(value) < 10 ** 40 else "a very large number"
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def json_kind(value) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "true/false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return "a number"
    return "text"


def is_container(value) -> bool:
    """An object, an array or a boolean: never a code, a number, a date or text."""
    cls = value.__class__
    return cls is dict or cls is list or cls is bool


# --- Scalars -------------------------------------------------------------------------------------

def norm_date(value) -> str | None:
    """``yyyyMMddHHmmss`` (or ``yyyyMMdd``) → 14-digit string; ``None`` if absent; ``ValueError`` if bad.

    No cache: progress timestamps are nearly all distinct, so a cache would only grow. Fields are
    range-checked as strings; only days past the 28th need the calendar.
    """
    if value is None:
        return None
    if value.__class__ is str:
        s = value
    elif is_container(value):
        raise WrongType(value)
    else:
        s = str(value)
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


class WrongType(ValueError):
    """A value of the wrong JSON type (object, array, true/false) where a date or code is expected."""


def _date_error(errors: Errors, name: str, value, expected: str = "yyyyMMddHHmmss, Vietnam time") -> None:
    if is_container(value):
        errors.wrong_type(name, value, f"a date ({expected})")
    else:
        errors.add(name, f"bad date {show(value)} (expected {expected})")


def to_datetime(s: str) -> datetime:
    """A normalised date string as a naive Vietnam-time datetime."""
    return datetime(int(s[:4]), int(s[4:6]), int(s[6:8]), int(s[8:10]), int(s[10:12]), int(s[12:14]))


def _text(raw: dict, key: str, limit: int, errors: Errors, prefix: str = "") -> str:
    """A text field, stripped and cut to ``limit``; numbers become their text (as sent by some
    systems); an object, array or true/false is a ``wrong_type`` error (named ``prefix + key``)."""
    value = raw.get(key)
    if value is None:
        return ""
    if value.__class__ is not str:
        if is_container(value):
            errors.wrong_type(prefix + key, value, "text")
            return ""
        value = str(value)
    if value and (value[0] in " \t\r\n" or value[-1] in " \t\r\n"):
        value = value.strip()
    return value if len(value) <= limit else value[:limit]


_CODES = {**{str(i): i for i in range(11)}, **{i: i for i in range(11)}}


#: ``_small_int`` results besides a number: invalid, wrong JSON type.
BAD, WRONG = -1, -2


def _small_int(value, low: int, high: int, default: int | None = None) -> int | None:
    """Parse a code such as ``"2"`` or ``2``; ``default`` when empty; ``BAD`` when invalid, ``WRONG``
    for an object, array or true/false."""
    if value.__class__ is str or value.__class__ is int:  # not bool: True == 1 as a dict key
        number = _CODES.get(value)
        if number is not None:
            return number if low <= number <= high else -1
    if value is None or value == "":
        return default
    if is_container(value):
        return WRONG
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text:
            return default
        if not (text.isdigit() and text.isascii()) or len(text) > 9:  # "²" is a digit to isdigit()
            return -1
        number = int(text)
    return number if low <= number <= high else -1


def _code_error(errors: Errors, name: str, value, result: int, message: str) -> None:
    """Report a ``_small_int`` failure: ``message`` for a bad value, ``wrong_type`` for a container."""
    if result == WRONG:
        errors.wrong_type(name, value, "a number or numeric text")
    else:
        errors.add(name, message)


def _flag(value) -> bool | None:
    """A yes/no field: ``1``/``"1"``/``true``/``"x"``/``"có"``…; ``None`` for an object or array."""
    if value.__class__ is str:
        return value in TRUE_TEXT or value.strip() in TRUE_TEXT
    if value is None or value is False or value == "" or value == 0:
        return False
    if value is True:
        return True
    if isinstance(value, (int, float)):
        return value > 0
    if value.__class__ is dict or value.__class__ is list:
        return None
    return str(value).strip() in TRUE_TEXT


def _flag_checked(raw: dict, key: str, errors: Errors) -> bool:
    value = _flag(raw.get(key))
    if value is None:
        errors.wrong_type(key, raw.get(key), YES_NO)
        return False
    return value


YES_NO = "a yes/no value (0/1)"
DOCUMENT_FLAGS = ("DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG")


def _document_flags(documents: list, errors: Errors) -> list[bool]:
    """Whether any submitted document (``TaiLieuNop``) was digitised, reused, taken from the personal store."""
    found = [False, False, False]
    for doc in documents:
        if doc.__class__ is dict:
            n = 0
            for key in DOCUMENT_FLAGS:
                value = doc.get(key)
                if value is not None:
                    flag = _flag(value)
                    if flag:
                        found[n] = True
                    elif flag is None:
                        errors.wrong_type(f"TaiLieuNop[{documents.index(doc)}].{key}", value, YES_NO)
                n += 1
    return found


def _electronic_result(results: list, errors: Errors) -> bool:
    """Whether a result (``DanhSachGiayToKetQua``) carries an electronic copy's link."""
    found = False
    for i, result in enumerate(results):
        if result.__class__ is dict:
            value = result.get("DuongDanTepTinKetQua")
            if value.__class__ is str:
                found = found or bool(value.strip())
            elif value is not None:
                found = bool(_text(result, "DuongDanTepTinKetQua", 2000, errors, f"DanhSachGiayToKetQua[{i}].")) or found
    return found


def _items(raw: dict, key: str, errors: Errors) -> list:
    value = raw.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    errors.add(key, "must be a list", WRONG_TYPE)
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
    if raw.__class__ is not dict:
        errors = Errors(index, "")
        errors.add("", f"a record must be a JSON object, not {json_kind(raw)}", NOT_AN_OBJECT)
        return errors.items
    errors = Errors(index, "")
    code = _text(raw, "MaHoSo", 1000, errors)
    errors.code = code
    if not code:
        if not errors.items:
            errors.add("MaHoSo", "is required")
    elif len(code) > MAX_CODE:
        errors.add("MaHoSo", f"is longer than {MAX_CODE} characters")

    procedure_code = _text(raw, "MaTTHC", 100, errors)
    procedure_id = ctx.procedures.get(procedure_code)
    if not procedure_code:
        if "MaTTHC" not in {e["field"] for e in errors.items}:
            errors.add("MaTTHC", "is required")
    elif procedure_id is None:
        errors.add("MaTTHC", f"unknown procedure code {show(procedure_code)}")

    agency_code = _text(raw, "MaDonVi", 100, errors)
    agency_field = "MaDonVi"
    if not agency_code and code:
        agency_code, agency_field = agency_code_from(code) or "", "MaHoSo"
        if not agency_code:
            errors.add("MaHoSo", "no MaDonVi and the code is not <agency code>-<yymmdd>-<sequence>")
    agency_id = ctx.agencies.get(agency_code) if agency_code else None
    if agency_code and agency_id is None:
        errors.add(agency_field, f"unknown agency code {show(agency_code)}")

    value = raw.get("TrangThaiHoSo")
    status = _small_int(value, 1, 10)
    if status is None:
        errors.add("TrangThaiHoSo", "is required")
    elif status < 0:
        _code_error(errors, "TrangThaiHoSo", value, status, f"unknown status {show(value)} (expected 1–10)")
    value = raw.get("KenhThucHien")
    channel = _small_int(value, 1, 3, default=1)
    if channel < 0:
        _code_error(errors, "KenhThucHien", value, channel, f"unknown channel {show(value)} (expected 1, 2 or 3)")
    value = raw.get("LoaiDoiTuong")
    applicant_kind = _small_int(value, 1, 4, default=1)
    if applicant_kind < 0:
        _code_error(errors, "LoaiDoiTuong", value, applicant_kind,
                    f"unknown applicant kind {show(value)} (expected 1–4)")
    value = raw.get("DuocThanhToanTrucTuyen")
    payment_kind = _small_int(value, 0, 2, default=0)
    if payment_kind < 0:
        _code_error(errors, "DuocThanhToanTrucTuyen", value, payment_kind,
                    f"unknown value {show(value)} (expected 0, 1 or 2)")

    dates = {}
    for key in DATE_FIELDS:
        value = raw.get(key)
        try:
            dates[key] = norm_date(value)
        except ValueError:
            _date_error(errors, key, value)
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
    handling_unit = _text(raw, "DonViXuLy", 255, errors)
    applicant_name = _text(raw, "ChuHoSo", 255, errors)
    summary = _text(raw, "TrichYeuHoSo", 500, errors)
    digitised = _flag_checked(raw, "HoSoCoThanhPhanSoHoa", errors)
    population = _flag_checked(raw, "TaiKhoanDuocXacThucVoiVNeID", errors)
    digitised_doc, reused, personal = _document_flags(documents, errors) if documents else (False, False, False)
    digitised = digitised or digitised_doc
    e_result = _electronic_result(results, errors) if results else False
    if errors.items:
        return errors.items

    stamps = [dates[k] for k in EVENT_FIELDS if dates[k]]
    stamps.extend(e.at for e in events)
    stamps.extend(supplements)
    if not stamps:
        errors.add("NgayTiepNhan", "the record carries no event date (NgayNopHoSo, NgayTiepNhan, …), so its version "
                                  "cannot be ordered")
        return errors.items
    event_at = max(stamps)
    handling_agency_id = ctx.agencies.get(handling_unit) if handling_unit else None
    if ctx.remit is not None:  # before anything else about the dossier: may this source write it at all?
        refused = ctx.remit.refusal(procedure_id, agency_id, handling_agency_id, received)
        if refused is not None:
            errors.add(*refused, OUT_OF_SCOPE)
            return errors.items
    if ctx.latest_event is not None and event_at > ctx.latest_event:
        _future(errors, ctx, [(k, dates[k]) for k in EVENT_FIELDS]
                + [("QuaTrinhXuLy", e.at) for e in events] + [("DanhSachHoSoBoSung", s) for s in supplements])
        return errors.items

    population = population or bool(databases)
    previous = None
    for e in reversed(events):
        if e.to_status != status:
            previous = e.to_status
            break

    record = DossierRecord(
        code=code, procedure_id=procedure_id, agency_id=agency_id,
        handling_agency_id=handling_agency_id,
        handling_unit=handling_unit, handling_officer=events[-1].officer if events else "",
        channel=channel, applicant_kind=applicant_kind, applicant_name=applicant_name,
        summary=summary, status=status, previous_status=previous,
        submitted_at=dates["NgayNopHoSo"], received_at=received, due_at=dates["NgayHenTra"],
        finished_at=dates["NgayKetThucXuLy"], returned_at=dates["NgayTra"], refused_at=dates["NgayTuChoi"],
        digitised=digitised, e_result=e_result, data_reused=reused or personal, personal_store=personal,
        population=population, payment_kind=payment_kind, fee_amount=fee,
        supplement_count=supplement_count, paused_seconds=paused, progress_steps=len(events),
        event_at=event_at, events=events,
    )
    record.digest = _digest(record)
    return record


def _future(errors: Errors, ctx: Context, stamps) -> None:
    """One ``future_date`` error per field holding an event time beyond ``ctx.latest_event``."""
    seen = set()
    for name, stamp in stamps:
        if stamp and stamp > ctx.latest_event and name not in seen:
            seen.add(name)
            errors.add(name, f"event time {stamp} is in the future (later than {ctx.latest_event}, now plus "
                             f"{ctx.future_margin}, Vietnam time)", FUTURE_DATE)


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
    if item.__class__ is not dict:
        errors.add(prefix.rstrip("."), f"a progress step must be a JSON object, not {json_kind(item)}",
                   NOT_AN_OBJECT)
        return None
    value = item.get("ThoiDiemXuLy")
    try:
        at = norm_date(value)
    except ValueError:
        _date_error(errors, prefix + "ThoiDiemXuLy", value, "yyyyMMddHHmmss")
        return None
    value = item.get("TrangThai")
    to_status = _small_int(value, 1, 10)
    if at is None:
        errors.add(prefix + "ThoiDiemXuLy", "is required")
    if to_status is None:
        errors.add(prefix + "TrangThai", "is required")
    elif to_status < 0:
        _code_error(errors, prefix + "TrangThai", value, to_status, f"unknown status {show(value)} (expected 1–10)")
    unit = _text(item, "PhongBanXuLy", 255, errors, prefix)
    officer = _text(item, "NguoiXuLy", 255, errors, prefix)
    title = _text(item, "ChucDanh", 255, errors, prefix)
    note = _text(item, "NoiDungXuLy", 4000, errors, prefix)
    if at is None or to_status is None or to_status < 0:
        return None
    return Event(at, None, to_status, unit, officer, title, note)


def _supplements(raw: dict, errors: Errors) -> tuple[list[str], int, int]:
    """``DanhSachHoSoBoSung``: its dates (events), the paused seconds (request → supplement received), the count."""
    stamps, paused = [], 0
    items = _items(raw, "DanhSachHoSoBoSung", errors)
    for i, item in enumerate(items):
        if item.__class__ is not dict:
            errors.add(f"DanhSachHoSoBoSung[{i}]", f"must be a JSON object, not {json_kind(item)}", NOT_AN_OBJECT)
            continue
        pair = []
        for key in SUPPLEMENT_DATES:
            value = item.get(key)
            try:
                pair.append(norm_date(value))
            except ValueError:
                _date_error(errors, f"DanhSachHoSoBoSung[{i}].{key}", value, "yyyyMMddHHmmss")
                pair.append(None)
        asked, answered = pair
        stamps.extend(s for s in pair if s)
        if asked and answered:
            if answered < asked:
                errors.add(f"DanhSachHoSoBoSung[{i}].NgayTiepNhanBoSung", "supplement received before it was requested")
            else:
                paused += int((to_datetime(answered) - to_datetime(asked)) / timedelta(seconds=1))
    return stamps, paused, len(items)


#: A fee above this (đồng) is not a fee but a typing error; it also keeps sums within 64 bits.
MAX_FEE = 10 ** 12


def _fee(raw: dict, errors: Errors) -> int:
    total = 0
    for i, item in enumerate(_items(raw, "DanhSachLePhi", errors)):
        value = item.get("Gia", item.get("SoTien")) if item.__class__ is dict else None
        if value in (None, ""):
            continue
        name = f"DanhSachLePhi[{i}].Gia"
        if is_container(value):
            errors.wrong_type(name, value, "an amount")
            continue
        try:
            amount = int(float(str(value).replace(",", "").strip()))
        except (ValueError, OverflowError):  # OverflowError: "inf"
            errors.add(name, f"not an amount: {show(value)}")
            continue
        if amount < 0:
            errors.add(name, "a fee cannot be negative")
            continue
        if amount > MAX_FEE:
            errors.add(name, f"an amount above {MAX_FEE:,} is not plausible: {show(value)}")
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
    if raw.__class__ is not dict:
        errors = Errors(index, "")
        errors.add("", f"a progress step must be a JSON object, not {json_kind(raw)}", NOT_AN_OBJECT)
        return errors.items
    errors = Errors(index, "")
    code = _text(raw, "MaHoSo", 1000, errors)
    errors.code = code
    if not code:
        if not errors.items:
            errors.add("MaHoSo", "is required")
    elif len(code) > MAX_CODE:
        errors.add("MaHoSo", f"is longer than {MAX_CODE} characters")
    event = _step(raw, errors)
    if errors.items:
        return errors.items
    if ctx.remit is not None and ctx.remit.writes_nothing:  # the others: by their copy, when written
        errors.add(*ctx.remit.refusal(None, None), OUT_OF_SCOPE)
        return errors.items
    if ctx.latest_event is not None and event.at > ctx.latest_event:
        _future(errors, ctx, [("ThoiDiemXuLy", event.at)])
        return errors.items
    digest = hashlib.md5(orjson.dumps([code, event.at, event.to_status, event.unit, event.officer,
                                       event.officer_title, event.note])).hexdigest()
    return ProgressRecord(code, event, digest)
