"""Readiness pages: the public not-ready list, the dashboards (national, ministry, province), the
assessment form and page, province plans and the downloads. Thin: reads go through ``visible_to``
(404 outside the scope), writes through ``readiness.services``."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.audit import AuditContext
from complaints.access import is_supervisor
from core import exports, params
from reconciliation.models import SourceSystem
from tthc.models import Agency, Procedure

from .models import (
    Assessment,
    Classification,
    CriterionResult,
    Outcome,
    PlanStatus,
    current_assessment_exists,
)
from .services import assessments as svc
from .services import plans, publication
from .services.exports import LIST_COLUMNS, ROADMAP_COLUMNS, list_rows, roadmap_rows


def _ctx(request) -> AuditContext:
    return AuditContext.from_request(request)


def _page(request, qs, size: int = 50):
    return Paginator(qs, size).get_page(request.GET.get("page"))


def _format(fmt: str) -> str:
    if fmt not in exports.FORMATS:
        raise Http404("unknown format")
    return fmt


# --- public -----------------------------------------------------------------------------------------
def _public_entries(request):
    entries = publication.roadmap()
    ministry = params.text(request.GET, "ministry", "") or ""  # a NUL byte is a 400, not a query
    if ministry:
        entries = entries.filter(ministry__code=ministry)
    if request.GET.get("overdue") == "1":
        entries = entries.filter(planned_ready_on__lt=timezone.localdate())
    return entries, ministry


def public_list(request):
    """The published list and roadmap of procedures not yet ready, per ministry (no login)."""
    entries, ministry = _public_entries(request)
    page = _page(request, entries)
    ministries = Agency.objects.filter(pk__in=Assessment.objects.not_ready().values("ministry_id")).order_by(
        "code"
    )
    return render(
        request,
        "readiness/public.html",
        {"page": page, "ministries": ministries, "ministry": ministry, "overdue": request.GET.get("overdue")},
    )


def public_export(request, fmt):
    entries, _ministry = _public_entries(request)
    return exports.export_response(
        _format(fmt),
        ROADMAP_COLUMNS,
        roadmap_rows(entries),
        "readiness-roadmap",
        headers=exports.header_mode(request.GET),
    )


# --- dashboards ---------------------------------------------------------------------------------
def _reads_all(user) -> bool:
    return is_supervisor(user)


@login_required
def dashboard(request):
    """National (or, for a ministry's or province's users, their own) readiness at a glance.

    The ministries' part — their procedures' classification and the commitment figure, both measured
    on ministries' procedures — is shown to those who read every ministry or see one of them. A
    province's users see their province's plans and a sentence saying why there is no ministry part,
    not an empty table and a "0 of 0" commitment line.
    """
    reads_all = _reads_all(request.user)
    ministries = Agency.objects.ministries().active()  # merged or abolished bodies have nothing to assess
    provinces = Agency.objects.provinces().active()
    if not reads_all:
        ministries = ministries.visible_to(request.user)
        provinces = provinces.visible_to(request.user)
    rows = publication.ministry_rows(ministries)
    show_ministries = reads_all or bool(rows)
    return render(
        request,
        "readiness/dashboard.html",
        {
            "rows": rows,
            "show_ministries": show_ministries,
            "compliance": (
                publication.compliance(None if reads_all else ministries) if show_ministries else None
            ),
            "provinces": publication.province_rows(provinces),
            "criteria_set": svc.set_in_force(),
        },
    )


def _ministry(request, code: str) -> Agency:
    qs = Agency.objects.ministries()
    if not _reads_all(request.user):
        qs = qs.visible_to(request.user)
    return get_object_or_404(qs, code=code)


def _province(request, code: str) -> Agency:
    qs = Agency.objects.provinces()
    if not _reads_all(request.user):
        qs = qs.visible_to(request.user)
    return get_object_or_404(qs, code=code)


@login_required
def ministry(request, agency):
    """One ministry: its figures, its procedures' current classification, assessments awaiting approval."""
    m = _ministry(request, agency)
    procedures = Procedure.objects.filter(ministry=m)
    show = request.GET.get("show", "")
    if show not in SHOW_FILTERS:
        show = ""
    procedures = _shown(procedures, show)
    query = (params.text(request.GET, "q") or "").strip()
    if query:
        procedures = procedures.filter(Q(code__icontains=query) | Q(name__icontains=query))
    page = _page(request, procedures.order_by("code"))
    current = {
        a.procedure_id: a
        for a in Assessment.objects.current()
        .filter(procedure__in=list(page.object_list))
        .select_related("system")
        .order_by("system__code")
    }
    for p in page.object_list:
        p.current_assessment = current.get(p.pk)
    waiting = Assessment.objects.filter(
        ministry=m, state__in=("draft", "submitted", "returned")
    ).select_related("procedure", "system", "created_by")
    return render(
        request,
        "readiness/ministry.html",
        {
            "ministry": m,
            "row": publication.ministry_rows(Agency.objects.filter(pk=m.pk))[0],
            "page": page,
            "waiting": waiting.order_by("-created_at")[:WAITING_SHOWN],
            "waiting_count": waiting.count(),
            "can_assess": svc.may_assess(request.user, m),
            "criteria_set": svc.set_in_force(),
            "show": show,
            "show_choices": [(k, label) for k, label in SHOW_FILTERS.items()],
            "query": query,
        },
    )


#: Assessments in progress listed on the ministry page, newest first (the API lists them all).
WAITING_SHOWN = 100


#: The ministry page's "show" filter: every procedure, or those in one classification.
SHOW_FILTERS = {
    "": gettext_lazy("All procedures"),
    "pending": gettext_lazy("Not classified"),
    "not_ready": gettext_lazy("Not ready"),
    "overdue": gettext_lazy("Overdue"),
    "ready": gettext_lazy("Ready"),
}


def _shown(procedures, show: str):
    """The procedures of one classification (their current approved assessment, as
    ``AssessmentQuerySet`` defines not ready and overdue), or all of them."""
    if show == "pending":
        return procedures.exclude(current_assessment_exists())
    if show == "ready":
        return procedures.filter(current_assessment_exists(classification=Classification.READY))
    if show in ("not_ready", "overdue"):
        entries = Assessment.objects.not_ready() if show == "not_ready" else Assessment.objects.overdue()
        return procedures.filter(Exists(entries.filter(procedure_id=OuterRef("pk"))))
    return procedures


@login_required
def ministry_export(request, agency, fmt):
    m = _ministry(request, agency)
    entries = (
        Assessment.objects.visible_to(request.user)
        .current()
        .filter(ministry=m)
        .select_related("procedure", "ministry", "system", "criteria_set")
        .order_by("procedure__code", "system__code")
    )
    return exports.export_response(
        _format(fmt),
        LIST_COLUMNS,
        list_rows(entries),
        f"readiness-{m.code}",
        headers=exports.header_mode(request.GET),
    )


# --- assessing ------------------------------------------------------------------------------------
def _steps(text: str) -> list[svc.StepInput]:
    """Roadmap steps, one a line: ``YYYY-MM-DD what is done``."""
    steps = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        day, _sep, action = line.partition(" ")
        try:
            due = date.fromisoformat(day)
        except ValueError as exc:
            raise ValidationError(
                {"steps": _("Line %(n)s: start with the date (YYYY-MM-DD), then the step.") % {"n": number}}
            ) from exc
        if not action.strip():
            raise ValidationError({"steps": _("Line %(n)s: the step is missing.") % {"n": number}})
        steps.append(svc.StepInput(action.strip(), due))
    return steps


@login_required
def assess(request, agency):
    """The assessment form: a procedure of this ministry, one of its systems, one outcome per criterion."""
    m = _ministry(request, agency)
    if not svc.may_assess(request.user, m):
        raise PermissionDenied(
            _("Only officers of %(ministry)s assess its procedures.") % {"ministry": m.name}
        )
    criteria_set = svc.set_in_force()
    criteria = list(criteria_set.criteria.all()) if criteria_set else []
    systems = svc.ministry_systems(m).order_by("code")
    errors: dict = {}
    # Each criterion with what the officer chose, kept when the form comes back with an error.
    rows = [
        (c, request.POST.get(f"outcome-{c.code}", ""), request.POST.get(f"note-{c.code}", ""))
        for c in criteria
    ]
    if request.method == "POST" and criteria_set is not None:
        post = request.POST
        try:
            if refused := _nul_refused(post):
                raise ValidationError({"__all__": refused})
            procedure = (
                Procedure.objects.filter(code=post.get("procedure", "").strip())
                .select_related("ministry")
                .first()
            )
            if procedure is None:
                raise ValidationError({"procedure": _("No procedure with this code.")})
            if procedure.ministry_id != m.pk:  # another ministry's procedure (403, audited by handler403)
                raise PermissionDenied(
                    _("%(code)s is not a procedure of %(ministry)s.")
                    % {"code": procedure.code, "ministry": m.name}
                )
            system = systems.filter(code=post.get("system", "")).first()
            if system is None:
                raise ValidationError({"system": _("Choose one of the ministry's systems.")})
            planned = post.get("planned_ready_on") or None
            results = [
                svc.ResultInput(
                    c.code,
                    post.get(f"outcome-{c.code}", ""),
                    post.get(f"note-{c.code}", ""),
                    request.FILES.get(f"file-{c.code}"),
                )
                for c in criteria
            ]
            assessment = svc.create_assessment(
                procedure,
                system,
                request.user,
                results,
                planned_ready_on=date.fromisoformat(planned) if planned else None,
                steps=_steps(post.get("steps", "")),
                note=post.get("note", ""),
                submit=True,
                context=_ctx(request),
            )
        except ValidationError as exc:
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        except ValueError:
            errors = {"planned_ready_on": [_("Enter a date as YYYY-MM-DD.")]}
        else:
            messages.success(request, _("Assessment submitted for approval."))
            return redirect("readiness:assessment", assessment.pk)
    return render(
        request,
        "readiness/assess.html",
        {
            "ministry": m,
            "criteria_set": criteria_set,
            "rows": rows,
            "systems": systems,
            "outcomes": Outcome.choices,
            "errors": [(FIELD_LABELS.get(field, ""), m) for field, msgs in errors.items() for m in msgs],
            "post": request.POST,
            "initial_procedure": request.POST.get("procedure") or request.GET.get("procedure", ""),
        },
        status=400 if errors else 200,
    )


#: The readiness forms' fields as their labels name them (an error says which one is wrong; the
#: criteria's errors name their criterion themselves).
FIELD_LABELS = {
    "procedure": gettext_lazy("Procedure code"),
    "system": gettext_lazy("System"),
    "planned_ready_on": gettext_lazy("Planned ready date (if not ready)"),
    "steps": gettext_lazy("Roadmap steps"),
    "attachment": gettext_lazy("Attachment"),
    "note": gettext_lazy("Note"),
    "comment": gettext_lazy("Comment"),
    "action": gettext_lazy("Action"),
    "owner_unit": gettext_lazy("Owner unit"),
    "target_on": gettext_lazy("Target date"),
}


def _field_label(name: str) -> str:
    """A posted field of the assessment form as its label names it ("Ghi chú CH-01")."""
    for prefix, label in (("outcome-", _("Outcome")), ("note-", _("Note")), ("file-", _("Attachment"))):
        if name.startswith(prefix):
            return f"{label} {name[len(prefix) :]}"
    return str(FIELD_LABELS.get(name, name))


def _nul_refused(post) -> str | None:
    """What to answer when a posted field holds a NUL byte (PostgreSQL cannot store one): these forms
    are read field by field, not through a Django form whose validator would refuse it."""
    for name, values in post.lists():
        if any("\x00" in v for v in values):
            return f"{_field_label(name)}: {_('A NUL byte is not allowed.')}"
    return None


def _assessment(request, pk: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.visible_to(request.user).select_related(
            "procedure", "ministry", "system", "criteria_set", "created_by", "decided_by"
        ),
        pk=pk,
    )


@login_required
def assessment(request, pk):
    """One assessment: results, roadmap, the history of its procedure × system, the allowed steps."""
    a = _assessment(request, pk)
    return render(
        request,
        "readiness/assessment.html",
        {
            "a": a,
            "results": a.results.select_related("criterion"),
            "steps": a.steps.all(),
            "history": svc.history(a),
            "transitions": svc.available_transitions(request.user, a),
        },
    )


@login_required
@require_POST
def decide(request, pk, name):
    a = _assessment(request, pk)
    if refused := _nul_refused(request.POST):
        messages.error(request, refused)
        return redirect("readiness:assessment", a.pk)
    try:
        svc.transition(a, name, request.user, comment=request.POST.get("comment", ""), context=_ctx(request))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Done."))
    return redirect("readiness:assessment", a.pk)


@login_required
def attachment(request, pk, result):
    a = _assessment(request, pk)  # the gate first: outside the scope, 404
    row = get_object_or_404(CriterionResult, pk=result, assessment=a)
    if not row.attachment:
        raise Http404("no file")
    return FileResponse(
        row.attachment.open("rb"),
        as_attachment=True,
        filename=row.attachment_name or "file",
        content_type=row.attachment_type or "application/octet-stream",
    )


# --- provinces ------------------------------------------------------------------------------------
@login_required
def province(request, agency):
    """A province: per ministry, the procedures it keeps serving on its own system and until when,
    with its plan per procedure and what remains."""
    p = _province(request, agency)
    entries = publication.province_view(p)
    return render(
        request,
        "readiness/province.html",
        {
            "province": p,
            "entries": entries,
            "remaining": sum(1 for e in entries if e.remaining),
            "can_plan": svc.may_act(request.user, p, "officer"),
            "statuses": PlanStatus.choices,
        },
    )


@login_required
@require_POST
def plan(request, agency):
    p = _province(request, agency)
    post = request.POST
    if refused := _nul_refused(post):
        messages.error(request, refused)
        return redirect("readiness:province", p.code)
    procedure = get_object_or_404(Procedure, code=post.get("procedure", ""))
    system = get_object_or_404(SourceSystem, code=post.get("system", ""))
    try:
        target = date.fromisoformat(post.get("target_on", ""))
        plans.save_plan(
            p,
            procedure,
            system,
            request.user,
            action=post.get("action", ""),
            owner_unit=post.get("owner_unit", ""),
            target_on=target,
            status=post.get("status", PlanStatus.PLANNED),
            context=_ctx(request),
        )
    except ValueError:
        messages.error(request, _("Enter the target date as YYYY-MM-DD."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("Plan saved."))
    return redirect("readiness:province", p.code)
