"""Words for what reconciliation stores as codes: the portal's field names (``TrangThaiHoSo``), the
suspicious patterns (``status_jump``), the compact timestamps (``20261118082400``) and the lag of a
late sync. Pages and exports show these labels; the codes stay in the data, the API and the CSV's
machine columns.
"""

from __future__ import annotations

import re

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import formatting
from tthc.models import DossierStatus

#: The portal's field names (Decision 766's data exchange format) and what they mean.
PORTAL_FIELDS: dict[str, str | Promise] = {
    "MaHoSo": _("Dossier code"),
    "MaTTHC": _("Procedure code"),
    "TrangThaiHoSo": _("Dossier status"),
    "KenhThucHien": _("Submission channel"),
    "NgayNopHoSo": _("Submission date"),
    "NgayTiepNhan": _("Date received"),
    "NgayHenTra": _("Promised return date"),
    "NgayKetThucXuLy": _("Date processing finished"),
    "NgayTra": _("Date returned"),
    "NgayTuChoi": _("Date refused"),
    "NgayBoSung": _("Date supplement requested"),
    "NgayTiepNhanBoSung": _("Date supplement received"),
}
#: Suspicious patterns (``GapKind.SUSPICIOUS``) by their tag in a gap's values.
PATTERNS: dict[str, str | Promise] = {
    "status_jump": _("status jumped without the steps between"),
    "finish_equals_sync": _("finish time equals the sync time"),
    "no_processing_step": _("no processing step recorded"),
}
_TOKEN = re.compile(r"\b(?:20\d{12}|[A-Za-z]+(?:_[a-z]+)*)\b")
_LAG = re.compile(r"^lag (-?\d+(?:\.\d+)?) h$")
#: The detail of a ``not_synced`` gap (reconciliation.services.not_synced).
_NOT_SYNCED = re.compile(r"^(\d+) dossiers reported but not on the portal$")


def field_label(name: object) -> str:
    """``TrangThaiHoSo`` → "Trạng thái hồ sơ" (other labels unchanged)."""
    return str(PORTAL_FIELDS.get(str(name), name))


def humanize(text: object) -> str:
    """A gap's stored value or detail in words: field names, patterns and timestamps replaced."""
    if text in (None, ""):
        return ""
    value = str(text)
    if missing := _NOT_SYNCED.match(value):
        return str(_("%(n)s dossiers reported but not on the portal")) % {
            "n": formatting.number(int(missing.group(1)))
        }
    if lag := _LAG.match(value):
        return str(_("synced %(hours)s hours late")) % {"hours": formatting.number(lag.group(1), 1)}

    def word(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.isdigit():
            return formatting.portal_timestamp(token)
        if token in PORTAL_FIELDS:
            return str(PORTAL_FIELDS[token])
        if token in PATTERNS:
            return str(PATTERNS[token])
        return token

    return _TOKEN.sub(word, value)


def status_label(value: object) -> str:
    """A status code (``10``) as "10 – Đã trả kết quả"; other values through ``humanize``."""
    text = str(value or "").strip()
    if text.isdigit() and int(text) in DossierStatus.values:
        return f"{text} – {DossierStatus(int(text)).label}"
    return humanize(text)


def value_label(value: object, kind: str | None = None) -> str:
    """A gap's compared value in words for its kind: a count as such — the progress steps of
    ``progress_missing`` ("3 bước"), the dossiers of ``not_synced`` ("12 hồ sơ") — else a status
    code with its name or a timestamp as a date and time (``status_label``)."""
    text = str(value or "").strip()
    if text.isdigit() and kind == "progress_missing":
        return ngettext("%(n)s step", "%(n)s steps", int(text)) % {"n": formatting.number(int(text))}
    if text.isdigit() and kind == "not_synced":
        return ngettext("%(n)s dossier", "%(n)s dossiers", int(text)) % {"n": formatting.number(int(text))}
    return status_label(text)


class GapValue(tuple):
    """A compared value with its gap's kind, for the export's label (the code column keeps the value)."""

    __slots__ = ()

    def __new__(cls, kind: str, value: object) -> GapValue:
        return super().__new__(cls, (kind, value))

    @property
    def label(self) -> str:
        return value_label(self[1], self[0])

    @property
    def stored(self) -> object:
        return self[1]
