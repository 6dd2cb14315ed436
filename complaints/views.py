"""Pages: the province's monthly review and requests, the ministry inbox, the supervisors' overview,
the case page and the notification list. Thin: reads go through ``visible_to`` (404 outside scope),
writes through ``complaints.services``; the buttons are ``available_transitions`` — the table."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Max, Value, When
from django.forms import Form
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import AuditContext
from accounts.models import User
from core import charts, params
from core.exports import export_format, header_mode
from reconciliation.models import GapKind
from tthc import period_fields
from tthc.periods import Period

from . import access, exports
from .api.filters import RequestFilter
from .forms import AssignForm, AttachmentForm, CommentForm, DraftForm, TransitionForm
from .machine import WorkflowError
from .models import Notification, SyncGapRequest
from .services import attachments, deadlines, letters, notifications, report, signed_letters, summary
from .services import requests as svc
from .services.report import counts_by_state, open_by_ministry, overdue_ranking
from .workflow import OPEN, OVERDUE_STATES, WORKFLOW, State


def _ctx(request):
    return AuditContext.from_request(request)


def _visible(request):
    return SyncGapRequest.objects.visible_to(request.user).select_related("province", "ministry")


def _overdue_first(qs, now):
    """The lists' order: the ministry's answers past their deadline, then the answers it still owes
    (nearest deadline first), then the cases that wait on someone else (an answer for the province to
    decide on, a closed case), each by deadline."""
    turn = Case(
        When(state__in=OVERDUE_STATES, response_due_at__lt=now, then=Value(0)),
        When(state__in=OVERDUE_STATES, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    # The lists show each case's province, ministry and systems: fetched with the page, not per row.
    return (
        qs.annotate(_turn=turn)
        .order_by("_turn", "response_due_at", "pk")
        .select_related("province", "ministry")
        .prefetch_related("systems__source")
    )


def _export(request, flt, now):
    """``?export=csv|xlsx``: the list the filters select, every row, in the page's order."""
    fmt = export_format(request.GET)
    if fmt is None:
        return None
    return exports.export_response(
        _overdue_first(flt.qs, now), fmt, exports.filename_for(request.GET), headers=header_mode(request.GET)
    )


def _with_countdowns(cases, now):
    for case in cases:
        awaiting = case.state in OVERDUE_STATES
        case.countdown = (
            deadlines.countdown(case.response_due_at, now, case.response_days) if awaiting else None
        )
    return cases


def _redirect_within_site(request, target: str, fallback: str):
    """Redirect to ``target`` only when it stays on this site (no open redirect through ``next``)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def _page(request, qs, size=50):
    return Paginator(qs, size).get_page(request.GET.get("page"))


@login_required
def request_list(request):
    """My requests (the province's, or addressed to my ministry), filterable by ministry, state, month."""
    now = timezone.now()
    data = request.GET.copy()
    if "open" not in data and "state" not in data:
        data["open"] = "true"
    flt = RequestFilter(data, queryset=_visible(request))
    params.check_form(flt.form, "period")
    if export := _export(request, flt, now):
        return export
    page = _page(request, _overdue_first(flt.qs, now))
    _with_countdowns(page.object_list, now)
    context = {"filter": flt, "page": page, "now": now, "charts": _charts(flt.qs, now)}
    # "Nothing sent yet, N drafts await a signature": only when nothing has been sent (an empty page
    # of a narrower filter lists no rows instead), and never computed for a page that lists some.
    if not page.object_list and not _visible(request).filed().exists():
        context.update(_drafts_waiting(request))
    return render(request, "complaints/list.html", context)


def _charts(qs, now) -> dict:
    """Requests by state and, per ministry, open within the deadline vs overdue (core.charts)."""
    labels = dict(State.choices)
    by_state = counts_by_state(qs)
    by_ministry = open_by_ministry(qs, now)[:15]
    return {
        "by_state": charts.bars(
            [charts.Bar(str(labels[s]), n) for s, n in by_state], title=_("Requests by state"), row_height=20
        )
        if by_state
        else "",
        "by_ministry": charts.stacked_bars(
            [charts.StackedRow(r["name"], (r["on_time"], r["overdue"])) for r in by_ministry],
            [charts.Series(_("Within the deadline"), "#1d7a35"), charts.Series(_("Overdue"), "#a61c1c")],
            title=_("Requests awaiting an answer, by ministry"),
        )
        if by_ministry
        else "",
    }


def _drafts_waiting(request) -> dict:
    """For the empty states: the province's drafts awaiting a leader's signature, and whether this user
    may sign them (else the page says who can)."""
    provinces = access.filing_provinces(request.user)
    drafts = _visible(request).filter(province__in=provinces, state=State.DRAFT)
    found = drafts.aggregate(n=Count("pk"), latest=Max("period"))
    first = drafts.order_by("pk").first() if found["n"] else None
    return {
        "drafts_waiting": found["n"],
        "drafts_period": found["latest"],
        "can_sign": first is not None and "province_leader" in access.actors_for(request.user, first),
    }


@login_required
def review(request):
    """The province's monthly review of a month's drafts (default: the last closed month) with their
    evidence, submitted one by one or in bulk."""
    period = period_fields.from_query(request.GET, default=Period.last_closed)
    provinces = access.filing_provinces(request.user)
    cases = list(
        _visible(request)
        .filter(province__in=provinces, period=period)
        .prefetch_related("attachments")
        .order_by("state", "-gap_total", "pk")
    )
    for case in cases:
        case.evidence_files = [a for a in case.attachments.all() if a.kind != "document" and not a.superseded]
        case.gap_rows = [(label, n) for label, n, _latest in gap_rows(case) if n]
    drafts = [c for c in cases if c.state == State.DRAFT]
    can_bulk = any("province_leader" in access.actors_for(request.user, c) for c in drafts)
    return render(
        request,
        "complaints/review.html",
        {
            "period": period,
            "previous": period.previous(),
            "next": period.next(),
            "cases": cases,
            "drafts": drafts,
            "can_bulk": can_bulk,
        },
    )


@login_required
@require_POST
def bulk_submit(request):
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit() and len(i) < 19]
    cases = list(_visible(request).filter(pk__in=ids, state=State.DRAFT))
    if not cases:
        messages.warning(
            request,
            _("No draft was selected.") if not ids else _("None of the selected requests is still a draft."),
        )
    submitted, errors = svc.bulk_submit(cases, request.user, context=_ctx(request))
    if submitted:
        messages.success(request, _("%(n)s request(s) submitted.") % {"n": len(submitted)})
    for pk, error in errors.items():
        messages.error(request, f"#{pk}: {error}")
    return _redirect_within_site(request, request.POST.get("next", ""), "complaints:review")


@login_required
def inbox(request):
    """The ministry's inbox: requests addressed to it, overdue first, with the time left in working days/hours."""
    now = timezone.now()
    qs = _visible(request).filter(access.ministry_side_q(request.user))
    show = request.GET.get("show", "open")
    if show == "open":
        qs = qs.filter(state__in=OPEN)
    page = _page(request, _overdue_first(qs, now))
    _with_countdowns(page.object_list, now)
    return render(request, "complaints/inbox.html", {"page": page, "show": show, "now": now})


@login_required
def supervision(request):
    """National supervisors: every case, and the ministries ranked by overdue cases."""
    if not access.is_supervisor(request.user):
        raise PermissionDenied(_("This page is for the supervising bodies."))
    now = timezone.now()
    # The provinces' drafts are their working papers: supervision lists filed cases, open ones by default.
    qs = _visible(request).filed()
    data = request.GET.copy()
    if "open" not in data and "state" not in data:
        data["open"] = "true"
    flt = RequestFilter(data, queryset=qs)
    params.check_form(flt.form, "period")
    if export := _export(request, flt, now):
        return export
    page = _page(request, _overdue_first(flt.qs, now))
    _with_countdowns(page.object_list, now)
    return render(
        request,
        "complaints/supervision.html",
        {
            "filter": flt,
            "page": page,
            "ranking": overdue_ranking(qs, now),
            "charts": _charts(flt.qs, now),
            "now": now,
        },
    )


def _case(request, pk) -> SyncGapRequest:
    return get_object_or_404(
        _visible(request).select_related("province_assignee", "ministry_assignee"), pk=pk
    )


@login_required
def detail(request, pk):
    case = _case(request, pk)
    notifications.mark_case_read(request.user, case)
    return _detail_page(request, case)


def _detail_page(request, case, bound: Form | None = None, status: int = 200):
    """The case's page; ``bound``: a form the user sent back with an error, shown again with what
    they typed (in place of the same empty form) instead of a redirect that would lose it."""
    now = timezone.now()
    actions = svc.available_transitions(case, request.user, now)
    actors = access.actors_for(request.user, case)
    forms = [
        bound
        if isinstance(bound, TransitionForm) and bound.transition.target == t.target
        else TransitionForm(t)
        for t in actions
    ]
    assign_forms = []
    for side in ("province", "ministry"):
        if f"{side}_officer" in actors:
            users = _side_users(case, side)
            assign_forms.append(
                (
                    side,
                    AssignForm(
                        initial={"side": side, "assignee": getattr(case, f"{side}_assignee")},
                        users=users,
                        prefix=f"assign-{side}",
                    ),
                )
            )
    return render(
        request,
        "complaints/detail.html",
        {
            "case": case,
            "events": case.events.select_related("actor").order_by("at", "pk"),
            "attachments": case.attachments.order_by("superseded", "uploaded_at", "pk"),
            "systems": case.systems.select_related("source").order_by("source__code"),
            "transition_forms": forms,
            "can_write": bool(actors),
            "can_edit": case.state == State.DRAFT and access.is_province_side(request.user, case),
            "draft_form": bound
            if isinstance(bound, DraftForm)
            else DraftForm(initial={"subject": case.subject, "body": case.body}),
            "comment_form": bound if isinstance(bound, CommentForm) else CommentForm(),
            "attachment_form": AttachmentForm(),
            "assign_forms": assign_forms,
            "countdown": deadlines.countdown(case.response_due_at, now, case.response_days)
            if case.state in OVERDUE_STATES
            else None,
            "overdue": case.is_overdue(now),
            "state_label": WORKFLOW.label(case.state),
            "gap_rows": gap_rows(case),
            "signed_letter": signed_letters.stored(case),
            "signature": letters.signature_line(case) if case.signed_at else "",
        },
        status=status,
    )


def gap_rows(case) -> list[tuple[str, int, int | None]]:
    """(kind label, count at filing, count in the latest verification run) for the evidence table."""
    filed, latest = case.gap_counts or {}, case.latest_gap_counts
    kinds = sorted({*filed, *(latest or {})}, key=lambda k: -int(filed.get(k, 0)))
    label = dict(GapKind.choices)
    return [
        (label.get(k, k), int(filed.get(k, 0)), None if latest is None else int(latest.get(k, 0)))
        for k in kinds
    ]


def _side_users(case, side):
    people = notifications.province_users(case) if side == "province" else notifications.ministry_users(case)
    return User.objects.filter(pk__in=[u.pk for u in people]).order_by("username")


def _field_label(name: str, labels: dict[str, Any]) -> str:
    """A field's name as the form shows it: the transition's own label, else the model's."""
    if name in labels:
        return str(labels[name])
    try:
        return capfirst(str(SyncGapRequest._meta.get_field(name).verbose_name))
    except FieldDoesNotExist:
        return name


def _errors_text(pairs) -> str:
    """``(label, messages)`` pairs as one sentence: "Label: message; Label: message."."""
    parts = [f"{label}: {' '.join(str(m) for m in msgs)}".rstrip(".") for label, msgs in pairs]
    return "; ".join(parts) + "." if parts else ""


def _form_errors(request, form: Form) -> None:
    messages.error(
        request,
        _errors_text(
            (form.fields[k].label if k in form.fields else _field_label(k, {}), v)
            for k, v in form.errors.items()
        ),
    )


def _fail(request, exc, labels: dict[str, Any] | None = None):
    if isinstance(exc, ValidationError):
        text = (
            _errors_text((_field_label(k, labels or {}), v) for k, v in exc.message_dict.items())
            if hasattr(exc, "error_dict")
            else " ".join(exc.messages)
        )
    else:
        text = str(exc)
    messages.error(request, text)


@login_required
@require_POST
def transition(request, pk):
    case = _case(request, pk)
    target = request.POST.get("to", "")
    rule = WORKFLOW.get(case.state, target)
    if rule is None:
        messages.error(request, _("This action is no longer possible."))
        return redirect("complaints:detail", pk=pk)
    form = TransitionForm(rule, request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _detail_page(request, case, form, status=400)
    fields = {k: v for k, v in form.cleaned_data.items() if k != "comment"}
    try:
        svc.transition(
            case,
            target,
            request.user,
            comment=form.cleaned_data.get("comment", ""),
            context=_ctx(request),
            **fields,
        )
    except (WorkflowError, ValidationError, PermissionDenied) as exc:
        _fail(request, exc, {spec.name: spec.label for spec in rule.fields})
        return _detail_page(request, _case(request, pk), form, status=400)
    messages.success(request, _("The request is now “%(state)s”.") % {"state": WORKFLOW.label(target)})
    return redirect("complaints:detail", pk=pk)


@login_required
@require_POST
def edit(request, pk):
    case = _case(request, pk)
    form = DraftForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _detail_page(request, case, form, status=400)
    try:
        svc.edit_draft(case, request.user, context=_ctx(request), **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc, {name: field.label for name, field in form.fields.items()})
        return _detail_page(request, _case(request, pk), form, status=400)
    messages.success(request, _("The draft was saved."))
    return redirect("complaints:detail", pk=pk)


@login_required
@require_POST
def comment(request, pk):
    case = _case(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _detail_page(request, case, form, status=400)
    try:
        svc.add_comment(case, request.user, form.cleaned_data["comment"], context=_ctx(request))
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc, {"comment": form.fields["comment"].label})
        return _detail_page(request, _case(request, pk), form, status=400)
    return redirect("complaints:detail", pk=pk)


@login_required
@require_POST
def attach(request, pk):
    case = _case(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        if "file" in request.FILES:  # a file was chosen but refused (empty…): say why
            _form_errors(request, form)
        else:
            messages.error(request, _("Choose a file to attach."))
    else:
        try:
            svc.add_attachment(case, request.user, form.cleaned_data["file"], context=_ctx(request))
            messages.success(request, _("The file was attached."))
        except (ValidationError, PermissionDenied) as exc:
            _fail(request, exc, {"file": form.fields["file"].label})
    return redirect("complaints:detail", pk=pk)


@login_required
@require_POST
def assign(request, pk):
    case = _case(request, pk)
    side = request.POST.get("side", "")
    form = AssignForm(
        request.POST,
        users=_side_users(case, side) if side in ("province", "ministry") else None,
        prefix=f"assign-{side}",
    )
    if form.is_valid():
        try:
            svc.assign(
                case, request.user, side=side, assignee=form.cleaned_data["assignee"], context=_ctx(request)
            )
        except (ValidationError, PermissionDenied) as exc:
            _fail(request, exc)
        else:
            assignee = form.cleaned_data["assignee"]
            messages.success(
                request,
                _("Assigned to %(name)s.") % {"name": assignee.get_full_name() or assignee.username}
                if assignee
                else _("The assignment was removed."),
            )
    else:
        messages.error(request, _("Choose an assignee."))
    return redirect("complaints:detail", pk=pk)


@login_required
def download(request, pk, attachment_id):
    """Files are served through the gate (the case must be visible), never from a public media URL."""
    return attachments.download_response(_case(request, pk), attachment_id)


@login_required
def notification_list(request):
    if request.method == "POST":
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()] or None
        notifications.mark_read(request.user, ids)
        return redirect("complaints:notifications")
    qs = Notification.objects.for_user(request.user).select_related("request").order_by("-created_at", "-pk")
    return render(
        request,
        "complaints/notifications.html",
        {
            "page": _page(request, qs),
            "unread": notifications.unread_count(request.user),
        },
    )


@login_required
def open_notification(request, pk):
    """Mark one notification read and follow its link."""
    n = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    if n.read_at is None:
        notifications.mark_read(request.user, [n.pk])
    return _redirect_within_site(request, n.url, "complaints:notifications")


@login_required
def chairman_summary(request):
    """The monthly summary for the Chairman of the provincial People's Committee (seed 000, item 2)."""
    period, province = summary.scope_from_query(request.user, request.GET)
    data = summary.monthly_summary(request.user, period, province)
    return render(request, "complaints/summary.html", {"data": data, "period": period, "province": province})


@login_required
def moj_report(request):
    """The section of the monthly TTHC reform report to the Ministry of Justice (Cục Kiểm soát TTHC)."""
    period, province = summary.scope_from_query(request.user, request.GET)
    data = report.monthly_report_section(period, province, user=request.user)
    return render(
        request, "complaints/moj_report.html", {"data": data, "period": period, "province": province}
    )
