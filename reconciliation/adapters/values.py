"""The values of a portal record one by one: dates, codes, yes/no flags, text, lists, and the
errors they raise (each with a machine-readable ``reason``) — read by :mod:`.fields`.

Dates stay strings ``yyyyMMddHHmmss`` in Vietnam time (UTC+7, no daylight saving), normalised and
checked once per value; numbers sent as text (``"TrangThaiHoSo": "4"``) and empty strings for absent
values are accepted, as real provincial systems send them; an object or array where text, a code,
a number or a date is expected is ``wrong_type``, never turned into text.
"""

from __future__ import annotations

import re
from datetime import date, datetime

TRUE_TEXT = frozenset(("1", "true", "True", "TRUE", "x", "X", "yes", "có", "Có"))
MAX_CODE = 64
#: Characters of an offending value quoted in an error message.
SHOWN = 60

# Reasons of per-record errors (the ``reason`` key): what an integrator's program can act on.
INVALID = "invalid"  # a value breaks a rule (unknown code, bad date, required field missing…)
WRONG_TYPE = (
    "wrong_type"  # an object/array (or true/false) where text, a code, a number or a date is expected
)
NOT_AN_OBJECT = "not_an_object"  # the record (or a progress step) is not a JSON object
BAD_TEXT = "bad_text"  # text with a NUL character or a lone surrogate (cannot be stored)
TOO_LARGE = "too_large"  # the record, a value or the nesting is beyond the configured limits
FUTURE_DATE = "future_date"  # an event time later than now plus the configured margin
OUT_OF_SCOPE = "out_of_scope"  # outside what the source system may write (its remit)
UNKNOWN_DOSSIER = "unknown_dossier"  # a progress step for a dossier this source never synced
REASONS = (
    INVALID,
    WRONG_TYPE,
    NOT_AN_OBJECT,
    BAD_TEXT,
    TOO_LARGE,
    FUTURE_DATE,
    OUT_OF_SCOPE,
    UNKNOWN_DOSSIER,
)


class Errors:
    """Collects ``{"index", "MaHoSo", "field", "error", "reason"}`` dicts for one record."""

    __slots__ = ("index", "code", "items")

    def __init__(self, index: int, code: str):
        self.index, self.code, self.items = index, code, []

    def add(self, field_name: str, message: str, reason: str = INVALID) -> None:
        # The code goes into JSON answers and database columns: make it storable (error path only).
        self.items.append(
            {
                "index": self.index,
                "MaHoSo": safe_text(self.code),
                "field": field_name,
                "error": message,
                "reason": reason,
            }
        )

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
    text = repr(value) if value.__class__ is not int or abs(value) < 10**40 else "a very large number"
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
    if value.__class__ is str and _DATE14.fullmatch(value) is not None:  # the common case, one match
        if value[6:8] > "28":
            _in_calendar(value)
        return value
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
    if not (
        "1990" <= s[:4] <= "2100"
        and "01" <= s[4:6] <= "12"
        and "01" <= s[6:8] <= "31"
        and s[8:10] <= "23"
        and s[10:12] <= "59"
        and s[12:14] <= "59"
    ):
        raise ValueError(value)
    if s[6:8] > "28":
        _in_calendar(s, value)
    return s


#: ``yyyyMMddHHmmss`` in the accepted ranges (years 1990–2100), ASCII digits only: the same rule as
#: :func:`norm_date`'s field checks, in one match.
_DATE14 = re.compile(
    r"(?:199[0-9]|20[0-9][0-9]|2100)(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])(?:[01][0-9]|2[0-3])[0-5][0-9][0-5][0-9]"
)


def _in_calendar(s: str, value=None) -> None:
    """Days past the 28th: the month must have them (``ValueError`` naming ``value`` otherwise)."""
    try:
        date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    except ValueError:
        raise ValueError(s if value is None else value) from None


class WrongType(ValueError):
    """A value of the wrong JSON type (object, array, true/false) where a date or code is expected."""


def date_error(errors: Errors, name: str, value, expected: str = "yyyyMMddHHmmss, Vietnam time") -> None:
    if is_container(value):
        errors.wrong_type(name, value, f"a date ({expected})")
    else:
        errors.add(name, f"bad date {show(value)} (expected {expected})")


def to_datetime(s: str) -> datetime:
    """A normalised date string as a naive Vietnam-time datetime."""
    return datetime(int(s[:4]), int(s[4:6]), int(s[6:8]), int(s[8:10]), int(s[10:12]), int(s[12:14]))


def text_field(raw: dict, key: str, limit: int, errors: Errors, prefix: str = "") -> str:
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


#: ``small_int`` results besides a number: invalid, wrong JSON type.
BAD, WRONG = -1, -2


def small_int(value, low: int, high: int, default: int | None = None) -> int | None:
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


def code_error(errors: Errors, name: str, value, result: int, message: str) -> None:
    """Report a ``small_int`` failure: ``message`` for a bad value, ``wrong_type`` for a container."""
    if result == WRONG:
        errors.wrong_type(name, value, "a number or numeric text")
    else:
        errors.add(name, message)


def yes_no(value) -> bool | None:
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


def flag_checked(raw: dict, key: str, errors: Errors) -> bool:
    value = yes_no(raw.get(key))
    if value is None:
        errors.wrong_type(key, raw.get(key), YES_NO)
        return False
    return value


YES_NO = "a yes/no value (0/1)"
DOCUMENT_FLAGS = ("DuocSoHoa", "DuocTaiSuDung", "DuocLayTuKhoDMQG")


def document_flags(documents: list, errors: Errors) -> list[bool]:
    """Whether any submitted document (``TaiLieuNop``) was digitised, reused, taken from the personal store."""
    found = [False, False, False]
    for doc in documents:
        if doc.__class__ is dict:
            n = 0
            for key in DOCUMENT_FLAGS:
                value = doc.get(key)
                if value is not None:
                    flag = yes_no(value)
                    if flag:
                        found[n] = True
                    elif flag is None:
                        errors.wrong_type(f"TaiLieuNop[{documents.index(doc)}].{key}", value, YES_NO)
                n += 1
    return found


def electronic_result(results: list, errors: Errors) -> bool:
    """Whether a result (``DanhSachGiayToKetQua``) carries an electronic copy's link."""
    found = False
    for i, result in enumerate(results):
        if result.__class__ is dict:
            value = result.get("DuongDanTepTinKetQua")
            if value.__class__ is str:
                found = found or bool(value.strip())
            elif value is not None:
                found = (
                    bool(
                        text_field(
                            result, "DuongDanTepTinKetQua", 2000, errors, f"DanhSachGiayToKetQua[{i}]."
                        )
                    )
                    or found
                )
    return found


def list_field(raw: dict, key: str, errors: Errors) -> list:
    value = raw.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    errors.add(key, "must be a list", WRONG_TYPE)
    return []
