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
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson

from tthc.filing import codes as filing_codes
from tthc.models import Agency, Procedure
from tthc.store.staging import Step, Version

from .values import (  # noqa: F401 - reasons and helpers re-exported for the other modules
    BAD_TEXT,
    FUTURE_DATE,
    INVALID,
    MAX_CODE,
    NOT_AN_OBJECT,
    OUT_OF_SCOPE,
    REASONS,
    TOO_LARGE,
    UNKNOWN_DOSSIER,
    WRONG_TYPE,
    Errors,
    WrongType,
    code_error,
    date_error,
    document_flags,
    electronic_result,
    flag_checked,
    is_container,
    json_kind,
    list_field,
    norm_date,
    safe_text,
    show,
    small_int,
    text_field,
    to_datetime,
)

DATE_FIELDS = ("NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")
#: Dates whose latest value orders the versions of a record (NgayHenTra is a promise, not an event).
EVENT_FIELDS = ("NgayNopHoSo", "NgayTiepNhan", "NgayKetThucXuLy", "NgayTra", "NgayTuChoi")
SUPPLEMENT_DATES = ("NgayBoSung", "NgayTiepNhanBoSung")
TERMINAL = frozenset((3, 7, 8, 9, 10))
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
    code = text_field(raw, "MaHoSo", 1000, errors)
    errors.code = code
    if not code:
        if not errors.items:
            errors.add("MaHoSo", "is required")
    elif len(code) > MAX_CODE:
        errors.add("MaHoSo", f"is longer than {MAX_CODE} characters")

    procedure_code = text_field(raw, "MaTTHC", 100, errors)
    procedure_id = ctx.procedures.get(procedure_code)
    if not procedure_code:
        if "MaTTHC" not in {e["field"] for e in errors.items}:
            errors.add("MaTTHC", "is required")
    elif procedure_id is None:
        errors.add("MaTTHC", f"unknown procedure code {show(procedure_code)}")

    agency_code = text_field(raw, "MaDonVi", 100, errors)
    agency_field = "MaDonVi"
    if not agency_code and code:
        agency_code, agency_field = agency_code_from(code) or "", "MaHoSo"
        if not agency_code:
            errors.add("MaHoSo", "no MaDonVi and the code is not <agency code>-<yymmdd>-<sequence>")
    agency_id = ctx.agencies.get(agency_code) if agency_code else None
    if agency_code and agency_id is None:
        errors.add(agency_field, f"unknown agency code {show(agency_code)}")

    value = raw.get("TrangThaiHoSo")
    status = small_int(value, 1, 10)
    if status is None:
        errors.add("TrangThaiHoSo", "is required")
    elif status < 0:
        code_error(errors, "TrangThaiHoSo", value, status, f"unknown status {show(value)} (expected 1–10)")
    value = raw.get("KenhThucHien")
    channel = small_int(value, 1, 3, default=1)
    if channel < 0:
        code_error(
            errors, "KenhThucHien", value, channel, f"unknown channel {show(value)} (expected 1, 2 or 3)"
        )
    value = raw.get("LoaiDoiTuong")
    applicant_kind = small_int(value, 1, 4, default=1)
    if applicant_kind < 0:
        code_error(
            errors,
            "LoaiDoiTuong",
            value,
            applicant_kind,
            f"unknown applicant kind {show(value)} (expected 1–4)",
        )
    value = raw.get("NoiNopHoSo")
    filing_place = small_int(value, 0, 99) or None  # 0, like empty: not stated
    if filing_place is not None and filing_place not in filing_codes():
        code_error(
            errors,
            "NoiNopHoSo",
            value,
            filing_place,
            f"unknown filing place {show(value)} (expected one of "
            f"{', '.join(str(c) for c in sorted(filing_codes()))}: tthc/data/filing_places.csv)",
        )
        filing_place = None
    value = raw.get("DuocThanhToanTrucTuyen")
    payment_kind = small_int(value, 0, 2, default=0)
    if payment_kind < 0:
        code_error(
            errors,
            "DuocThanhToanTrucTuyen",
            value,
            payment_kind,
            f"unknown value {show(value)} (expected 0, 1 or 2)",
        )

    dates = {}
    for key in DATE_FIELDS:
        value = raw.get(key)
        try:
            dates[key] = norm_date(value)
        except ValueError:
            date_error(errors, key, value)
            dates[key] = None
    received = dates["NgayTiepNhan"]
    if received:
        if dates["NgayKetThucXuLy"] and dates["NgayKetThucXuLy"] < received:
            errors.add(
                "NgayKetThucXuLy", "processing finished before the dossier was received (NgayTiepNhan)"
            )
        if dates["NgayHenTra"] and dates["NgayHenTra"] < received:
            errors.add("NgayHenTra", "due before the dossier was received (NgayTiepNhan)")

    events = _events(raw, errors)
    supplements, paused, supplement_count = _supplements(raw, errors)
    fee = _fee(raw, errors)
    documents = list_field(raw, "TaiLieuNop", errors)
    results = list_field(raw, "DanhSachGiayToKetQua", errors)
    databases = list_field(raw, "DSKetNoiCSDL", errors)
    handling_unit = text_field(raw, "DonViXuLy", 255, errors)
    applicant_name = text_field(raw, "ChuHoSo", 255, errors)
    summary = text_field(raw, "TrichYeuHoSo", 500, errors)
    digitised = flag_checked(raw, "HoSoCoThanhPhanSoHoa", errors)
    population = flag_checked(raw, "TaiKhoanDuocXacThucVoiVNeID", errors)
    digitised_doc, reused, personal = (
        document_flags(documents, errors) if documents else (False, False, False)
    )
    digitised = digitised or digitised_doc
    e_result = electronic_result(results, errors) if results else False
    if errors.items:
        return errors.items

    stamps = [dates[k] for k in EVENT_FIELDS if dates[k]]
    stamps.extend(e.at for e in events)
    stamps.extend(supplements)
    if not stamps:
        errors.add(
            "NgayTiepNhan",
            "the record carries no event date (NgayNopHoSo, NgayTiepNhan, …), so its version "
            "cannot be ordered",
        )
        return errors.items
    event_at = max(stamps)
    handling_agency_id = ctx.agencies.get(handling_unit) if handling_unit else None
    if ctx.remit is not None:  # before anything else about the dossier: may this source write it at all?
        refused = ctx.remit.refusal(procedure_id, agency_id, handling_agency_id, received)
        if refused is not None:
            errors.add(*refused, OUT_OF_SCOPE)
            return errors.items
    if ctx.latest_event is not None and event_at > ctx.latest_event:
        _future(
            errors,
            ctx,
            [(k, dates[k]) for k in EVENT_FIELDS]
            + [("QuaTrinhXuLy", e.at) for e in events]
            + [("DanhSachHoSoBoSung", s) for s in supplements],
        )
        return errors.items

    population = population or bool(databases)
    previous = None
    for e in reversed(events):
        if e.to_status != status:
            previous = e.to_status
            break

    record = DossierRecord(
        code=code,
        procedure_id=procedure_id,
        agency_id=agency_id,
        handling_agency_id=handling_agency_id,
        handling_unit=handling_unit,
        handling_officer=events[-1].officer if events else "",
        channel=channel,
        applicant_kind=applicant_kind,
        applicant_name=applicant_name,
        summary=summary,
        status=status,
        previous_status=previous,
        submitted_at=dates["NgayNopHoSo"],
        received_at=received,
        due_at=dates["NgayHenTra"],
        finished_at=dates["NgayKetThucXuLy"],
        returned_at=dates["NgayTra"],
        refused_at=dates["NgayTuChoi"],
        digitised=digitised,
        e_result=e_result,
        data_reused=reused or personal,
        personal_store=personal,
        population=population,
        payment_kind=payment_kind,
        fee_amount=fee,
        supplement_count=supplement_count,
        paused_seconds=paused,
        progress_steps=len(events),
        event_at=event_at,
        filing_place=filing_place,
        events=events,
    )
    record.digest = _digest(record)
    return record


def _future(errors: Errors, ctx: Context, stamps) -> None:
    """One ``future_date`` error per field holding an event time beyond ``ctx.latest_event``."""
    seen = set()
    for name, stamp in stamps:
        if stamp and stamp > ctx.latest_event and name not in seen:
            seen.add(name)
            errors.add(
                name,
                f"event time {stamp} is in the future (later than {ctx.latest_event}, now plus "
                f"{ctx.future_margin}, Vietnam time)",
                FUTURE_DATE,
            )


def _events(raw: dict, errors: Errors) -> list[Event]:
    """``QuaTrinhXuLy`` embedded in a HoSo: sorted, de-duplicated steps with their from-status."""
    steps = []
    for i, item in enumerate(list_field(raw, "QuaTrinhXuLy", errors)):
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
        errors.add(
            prefix.rstrip("."), f"a progress step must be a JSON object, not {json_kind(item)}", NOT_AN_OBJECT
        )
        return None
    value = item.get("ThoiDiemXuLy")
    try:
        at = norm_date(value)
    except ValueError:
        date_error(errors, prefix + "ThoiDiemXuLy", value, "yyyyMMddHHmmss")
        return None
    value = item.get("TrangThai")
    to_status = small_int(value, 1, 10)
    if at is None:
        errors.add(prefix + "ThoiDiemXuLy", "is required")
    if to_status is None:
        errors.add(prefix + "TrangThai", "is required")
    elif to_status < 0:
        code_error(
            errors, prefix + "TrangThai", value, to_status, f"unknown status {show(value)} (expected 1–10)"
        )
    unit = text_field(item, "PhongBanXuLy", 255, errors, prefix)
    officer = text_field(item, "NguoiXuLy", 255, errors, prefix)
    title = text_field(item, "ChucDanh", 255, errors, prefix)
    note = text_field(item, "NoiDungXuLy", 4000, errors, prefix)
    value = item.get("NgayKetThucTheoQuyDinh")  # the step's own deadline (lateness per step)
    try:
        due = norm_date(value)
    except ValueError:
        date_error(errors, prefix + "NgayKetThucTheoQuyDinh", value, "yyyyMMddHHmmss")
        return None
    if at is None or to_status is None or to_status < 0:
        return None
    return Event(at, None, to_status, unit, officer, title, note, due)


def _supplements(raw: dict, errors: Errors) -> tuple[list[str], int, int]:
    """``DanhSachHoSoBoSung``: its dates (events), the paused seconds (request → supplement received), the count."""
    stamps, paused = [], 0
    items = list_field(raw, "DanhSachHoSoBoSung", errors)
    for i, item in enumerate(items):
        if item.__class__ is not dict:
            errors.add(
                f"DanhSachHoSoBoSung[{i}]", f"must be a JSON object, not {json_kind(item)}", NOT_AN_OBJECT
            )
            continue
        pair = []
        for key in SUPPLEMENT_DATES:
            value = item.get(key)
            try:
                pair.append(norm_date(value))
            except ValueError:
                date_error(errors, f"DanhSachHoSoBoSung[{i}].{key}", value, "yyyyMMddHHmmss")
                pair.append(None)
        asked, answered = pair
        stamps.extend(s for s in pair if s)
        if asked and answered:
            if answered < asked:
                errors.add(
                    f"DanhSachHoSoBoSung[{i}].NgayTiepNhanBoSung",
                    "supplement received before it was requested",
                )
            else:
                paused += int((to_datetime(answered) - to_datetime(asked)) / timedelta(seconds=1))
    return stamps, paused, len(items)


#: A fee above this (đồng) is not a fee but a typing error; it also keeps sums within 64 bits.
MAX_FEE = 10**12


def _fee(raw: dict, errors: Errors) -> int:
    total = 0
    for i, item in enumerate(list_field(raw, "DanhSachLePhi", errors)):
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


_DIGESTED = tuple(
    n
    for n in DossierRecord.__slots__
    if n not in ("digest", "events", "rendered", "filing_place", "correction", "floor")
)


def _digest(record: DossierRecord) -> str:
    """md5 of the stored values and history: equal digests ⇔ nothing to write. Whether a version was
    sent as a correction is not a value; the filing place counts only when stated (so digests of
    records without it are those stored before the field existed)."""
    values = [getattr(record, name) for name in _DIGESTED]
    if record.filing_place is not None:
        values.append(record.filing_place)
    values.append(
        [
            (e.at, e.from_status, e.to_status, e.unit, e.officer, e.officer_title, e.note)
            + ((e.due_at,) if e.due_at else ())  # digests of records without step deadlines unchanged
            for e in record.events
        ]
    )
    return hashlib.md5(orjson.dumps(values)).hexdigest()


def validate_progress(index: int, raw, ctx: Context) -> ProgressRecord | list[dict]:
    """One progress step of ``CapNhatTienDoHoSoMC`` (it names its dossier with ``MaHoSo``)."""
    if raw.__class__ is not dict:
        errors = Errors(index, "")
        errors.add("", f"a progress step must be a JSON object, not {json_kind(raw)}", NOT_AN_OBJECT)
        return errors.items
    errors = Errors(index, "")
    code = text_field(raw, "MaHoSo", 1000, errors)
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
    digest = hashlib.md5(
        orjson.dumps(
            [code, event.at, event.to_status, event.unit, event.officer, event.officer_title, event.note]
            + ([event.due_at] if event.due_at else [])
        )
    ).hexdigest()
    return ProgressRecord(code, event, digest)
