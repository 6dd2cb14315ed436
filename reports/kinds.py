"""What people call the documents and their parameters (the job page): ``monthly_report``
is "Báo cáo tháng", ``period=2026-10`` is "Kỳ: 10/2026"."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from core import formatting

KIND_LABELS = {
    "request_letter": _("Request letter to a ministry"),
    "monthly_report": _("Monthly report of a province"),
    "scorecard": _("766 index scorecard"),
    "national_report": _("National report"),
    "apology_letter": _("Apology letter"),
}
PARAM_LABELS = {
    "agency": _("Agency"),
    "period": _("Period"),
    "request": _("Request to a ministry"),
    "dossier": _("Dossier"),
}


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def described(params: dict[str, Any], names: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """``[(label, value)]`` of a document's parameters, in the order above; ``names`` gives a value
    its name (an agency's code → "Thành phố Hà Nội (01)", a request's id → its reference)."""
    names = names or {}
    out = []
    for key in sorted(params, key=lambda k: list(PARAM_LABELS).index(k) if k in PARAM_LABELS else 99):
        value = str(params[key])
        shown = formatting.month(value) if key == "period" else names.get(key, value)
        out.append((str(PARAM_LABELS.get(key, key)), shown))
    return out
