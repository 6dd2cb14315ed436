"""What is asked for: a document kind and its parameters, resolved through the permission gate.

``resolve(kind, params, user)`` checks the parameters (unknown kind, malformed period, missing option),
then finds the object the document is about *among the objects the user may see* — the same
``visible_to(user)`` querysets the pages use — so an out-of-scope request, province or dossier is
:class:`NotFound` (a 404), exactly like its page. The command and the beat act as the national
administrator (``accounts.services.users.cli_actor``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from complaints.access import is_supervisor
from complaints.models import SyncGapRequest
from core import formatting
from indicators.models import IndicatorSnapshot
from tthc.models import Agency, AgencyKind, Dossier
from tthc.periods import KINDS, Period

from .. import kinds

PDF, DOCX = "pdf", "docx"
PARAMS = ("request", "agency", "period", "dossier")


class DocumentError(ValueError):
    """A document cannot be rendered; ``code`` says why (``unknown_kind``, ``bad_format``,
    ``missing_option``, ``bad_period``, ``bad_value``, ``not_found``, ``nothing_to_report``,
    ``too_many_pages``), ``field`` which parameter."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code, self.field, self.message = code, field, message


class NotFound(DocumentError):
    def __init__(self, message: str, field: str = "") -> None:
        super().__init__("not_found", message, field)


@dataclass(frozen=True)
class KindSpec:
    name: str
    required: tuple[str, ...]
    formats: tuple[str, ...]
    period_kinds: tuple[str, ...] = ("month",)


KIND_SPECS: dict[str, KindSpec] = {
    "request_letter": KindSpec("request_letter", ("request",), (PDF, DOCX), ()),
    "monthly_report": KindSpec("monthly_report", ("agency",), (PDF,)),
    "scorecard": KindSpec("scorecard", ("agency",), (PDF,), KINDS),
    "national_report": KindSpec("national_report", (), (PDF,)),
    "apology_letter": KindSpec("apology_letter", ("dossier",), (PDF, DOCX), ()),
}


@dataclass
class Target:
    """A resolved document: the kind, format, normalised parameters and the objects it is about."""

    kind: str
    fmt: str
    params: dict[str, str]
    user: Any
    period: Period | None = None
    agency: Agency | None = None  # the gate's anchor (the job's agency); None for national documents
    case: SyncGapRequest | None = None
    snapshot: IndicatorSnapshot | None = None
    dossier: Dossier | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> KindSpec:
        return KIND_SPECS[self.kind]

    def filename(self) -> str:
        parts = [self.kind.replace("_", "-")]
        parts += [self.params[p] for p in PARAMS if self.params.get(p)]
        stem = "-".join(parts)
        safe = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in stem)
        return f"{safe[:150]}.{self.fmt}"


def _clean(params: Mapping[str, Any]) -> dict[str, str]:
    out = {}
    for name in PARAMS:
        value = params.get(name)
        if value is None:
            continue
        text = str(value).strip()
        if "\x00" in text or len(text) > 100:
            raise DocumentError("bad_value", _("%(name)s: not a valid value.") % {"name": name}, name)
        if text:
            out[name] = text
    return out


def _period(spec: KindSpec, params: dict[str, str]) -> Period | None:
    if not spec.period_kinds:
        return None
    text = params.get("period")
    if not text:
        period = Period.last_closed()
    else:
        try:
            period = Period.parse(text, kinds=spec.period_kinds)
        except ValueError as exc:
            raise DocumentError("bad_period", _("period: %(error)s") % {"error": exc}, "period") from exc
    params["period"] = str(period)
    return period


def resolve(kind: str, params: Mapping[str, Any], user: Any, fmt: str = PDF) -> Target:
    spec = KIND_SPECS.get(kind)
    if spec is None:
        raise DocumentError(
            "unknown_kind",
            _("Unknown document kind %(kind)r (one of: %(kinds)s).")
            % {"kind": kind, "kinds": ", ".join(KIND_SPECS)},
            "kind",
        )
    fmt = (fmt or PDF).lower()
    if fmt not in spec.formats:
        raise DocumentError(
            "bad_format",
            _("%(kind)s is available as %(formats)s, not %(fmt)s.")
            % {"kind": kinds.kind_label(kind), "formats": ", ".join(spec.formats), "fmt": fmt},
            "format",
        )
    clean = _clean(params)
    for name in spec.required:
        if not clean.get(name):
            # Worded for a page or an API answer; the command says "--name" itself.
            raise DocumentError(
                "missing_option",
                _("%(kind)s: %(label)s (%(name)s) is required.")
                % {"kind": kinds.kind_label(kind), "label": kinds.PARAM_LABELS.get(name, name), "name": name},
                name,
            )
    period = _period(spec, clean)
    used = {name: clean[name] for name in (*spec.required, "period") if name in clean}
    target = Target(kind, fmt, used, user, period=period)
    RESOLVERS[kind](target)
    return target


# --- per kind: find the object among those the user may see ---------------------------------------------
def _request(target: Target) -> None:
    raw = target.params["request"]
    if not raw.isdigit():
        raise DocumentError("bad_value", _("request: a request id is a number."), "request")
    case = (
        SyncGapRequest.objects.visible_to(target.user)
        .select_related("province", "ministry")
        .filter(pk=int(raw))
        .first()
    )
    if case is None:
        raise NotFound(_("No request %(id)s is visible to you.") % {"id": raw}, "request")
    target.case, target.agency = case, case.province


def _province(target: Target) -> None:
    code = target.params["agency"]
    agency = Agency.objects.visible_to(target.user).filter(code=code).first()
    if agency is None:
        raise NotFound(_("No agency %(code)s is visible to you.") % {"code": code}, "agency")
    if agency.kind != AgencyKind.PROVINCE:
        raise DocumentError(
            "bad_value", _("%(code)s is not a province: the monthly report is a province's.") % {"code": code}
        )
    target.agency = agency
    _snapshot(target, IndicatorSnapshot.objects.all())


def _snapshot(target: Target, snapshots: Any) -> None:
    assert target.agency is not None and target.period is not None
    snapshot = (
        snapshots.filter(agency=target.agency, period=str(target.period)).select_related("agency").first()
    )
    if snapshot is None:
        raise DocumentError(
            "nothing_to_report",
            _("No index score for %(code)s in %(period)s: nothing to report.")
            % {"code": target.agency.code, "period": formatting.month(target.period)},
        )
    target.snapshot = snapshot


def _scorecard(target: Target) -> None:
    """Like the dashboard: the score of a ranked agency whose subtree the user sees any part of."""
    code = target.params["agency"]
    visible = IndicatorSnapshot.objects.visible_to(target.user).filter(agency__code=code)
    agency = Agency.objects.filter(code=code).first()
    if agency is None or not visible.exists():
        raise NotFound(_("No score of %(code)s is visible to you.") % {"code": code}, "agency")
    target.agency = agency
    _snapshot(target, visible)


def _national(target: Target) -> None:
    """For the supervising bodies (national administrators, BTP's KSTT, the Government Office)."""
    if not is_supervisor(target.user):
        raise NotFound(_("The national report is for the supervising bodies."))


def _dossier(target: Target) -> None:
    code = target.params["dossier"]
    dossier = (
        Dossier.objects.visible_to(target.user)
        .filter(code=code)
        .select_related("receiving_agency", "handling_agency", "procedure", "apology_letter")
        .first()
    )
    if dossier is None:
        raise NotFound(_("No dossier %(code)s is visible to you.") % {"code": code}, "dossier")
    if not hasattr(dossier, "apology_letter"):
        raise DocumentError(
            "nothing_to_report", _("Dossier %(code)s has no apology letter recorded.") % {"code": code}
        )
    target.dossier, target.agency = dossier, dossier.receiving_agency


RESOLVERS = {
    "request_letter": _request,
    "monthly_report": _province,
    "scorecard": _scorecard,
    "national_report": _national,
    "apology_letter": _dossier,
}
