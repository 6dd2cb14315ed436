"""Mutations of a sync-gap request, one public function each (Zulip's ``do_*``, Signalen's manager).

Every function opens ``transaction.atomic()``, locks the case with ``select_for_update()``, checks
the rule (the transition table in ``complaints.workflow`` for state changes), appends the timeline
row, writes the audit row in the same transaction, and leaves e-mails to ``transaction.on_commit``
(through ``complaints.services.notifications``). Pages, the API, commands and tasks call these and
nothing else. A refusal by role is written to the audit log outside the refused transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.audit import AuditContext
from reconciliation.models import ReconciliationRun, SourceKind, SourceSystem
from tthc.models import Agency, AgencyKind
from tthc.periods import MONTH, Period

from .. import access
from ..machine import Context, Transition, TransitionDenied, WorkflowError
from ..models import EventKind, RequestEvent, Route, SyncGapRequest
from ..workflow import PROVINCE_LEADER, PROVINCE_OFFICER, WORKFLOW, State
from . import deadlines, evidence, letters, notifications, signing

if TYPE_CHECKING:
    from ..models import RequestAttachment

AUDIT_CREATE = "request.create"
AUDIT_TRANSITION = "request.transition"
AUDIT_EDIT = "request.edit"
AUDIT_ASSIGN = "request.assign"
AUDIT_COMMENT = "request.comment"
AUDIT_ATTACH = "request.attachment"


def _jsonable(value: Any) -> Any:
    """Dates as ISO strings and decimals as strings, in nested dicts and lists too (timeline fields)."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _lock(case: SyncGapRequest | int) -> SyncGapRequest:
    pk = case.pk if isinstance(case, SyncGapRequest) else case
    return (
        SyncGapRequest.objects.select_for_update(of=("self",))
        .select_related("province", "ministry", "province_assignee", "ministry_assignee")
        .get(pk=pk)
    )


def _event(
    case: SyncGapRequest,
    kind: str,
    actor: Any,
    now: datetime,
    *,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    fields: dict[str, Any] | None = None,
) -> RequestEvent:
    return RequestEvent.objects.create(
        request=case,
        kind=kind,
        actor=actor,
        at=now,
        from_state=from_state,
        to_state=to_state,
        comment=comment or "",
        fields=_jsonable(fields or {}),
    )


def _audit(
    action: str, actor: Any, case: SyncGapRequest, details: dict[str, Any], context: AuditContext | None
) -> None:
    details = {"request": case.reference, **details}
    if actor is None:
        details["actor"] = "system"
    audit.record(
        action, actor=actor, target=case, agency=case.province, details=_jsonable(details), context=context
    )


# --- Creating ---------------------------------------------------------------------------------------
def ministry_of(agency: Agency) -> Agency:
    """The ministry (or ministry-level body) a system's owner belongs to: the addressee of the letter."""
    ministries = (AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL)
    if agency.kind in ministries:
        return agency
    ranked = agency.ranked_agency if agency.ranked_agency_id else None
    if ranked is not None and ranked.kind in ministries:
        return ranked
    found = agency.ancestors().filter(kind__in=ministries).order_by("-depth").first()
    return found or agency


def portal_operator() -> Agency | None:
    """The agency operating the national portal (``TTHC_PORTAL_OPERATOR_AGENCY``, Bộ Công an)."""
    return Agency.objects.filter(code=settings.TTHC_PORTAL_OPERATOR_AGENCY).first()


def ministry_runs(
    province: Agency, ministry: Agency, period: Period | str, route: str = Route.MINISTRY
) -> list[ReconciliationRun]:
    """The month's finished runs of the province against the centralized systems the request covers:
    the ministry's own systems, or (portal route) every ministry system."""
    runs = (
        ReconciliationRun.objects.filter(
            province=province, period=str(period), source__kind=SourceKind.MINISTRY, finished_at__isnull=False
        )
        .select_related("source__owner")
        .order_by("source__code")
    )
    if route == Route.PORTAL_OPERATOR:
        return list(runs)
    return [run for run in runs if ministry_of(run.source.owner).pk == ministry.pk]


def _with_findings(runs: list[ReconciliationRun], route: str = Route.MINISTRY) -> list[ReconciliationRun]:
    threshold = settings.TTHC_REQUEST_DRAFT_THRESHOLD
    if route == Route.PORTAL_OPERATOR:
        from .portal import fault_counts

        faults = fault_counts(runs)
        return [run for run in runs if faults.get(run.pk, 0) > threshold]
    return [run for run in runs if run.total_gaps > threshold]


def _addressee(target: Agency | SourceSystem) -> Agency:
    if isinstance(target, SourceSystem):
        if target.kind != SourceKind.MINISTRY:
            raise ValidationError({"source": _("Requests are addressed to a ministry's centralized system.")})
        return ministry_of(target.owner)
    if target.kind not in (AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL):
        raise ValidationError(
            {"ministry": _("Requests are addressed to a ministry or a ministry-level body.")}
        )
    return target


def create_request(
    province: Agency,
    addressee: Agency | SourceSystem,
    period: Period | str,
    *,
    user: Any = None,
    runs: list[ReconciliationRun] | None = None,
    route: str = Route.MINISTRY,
    now: datetime | None = None,
    context: AuditContext | None = None,
) -> tuple[SyncGapRequest, bool]:
    """A draft request for province × ministry × month (× route), listing the ministry's systems
    with findings (pre-filled from their runs); or the existing one.

    ``addressee`` is the ministry (or one of its systems, which names it). ``user=None`` is the monthly
    preparation. A second attempt (a re-run, a double click, a race between two workers) answers with
    the request that exists: the unique constraint decides.
    """
    period = Period.parse(period, MONTH)
    if user is not None and not access.may_file_for(user, province):
        audit.record_denial(
            user, AUDIT_CREATE, "not an officer of the province", agency=province, context=context
        )
        raise PermissionDenied(_("Only the province's officers and leaders can file its requests."))
    if province.kind != AgencyKind.PROVINCE:
        raise ValidationError({"province": _("Requests are filed by provinces.")})
    if route == Route.PORTAL_OPERATOR:
        operator = portal_operator()
        if operator is None:
            raise ValidationError(
                {"ministry": _("No portal operator agency is configured (TTHC_PORTAL_OPERATOR_AGENCY).")}
            )
        ministry = operator
    else:
        ministry = _addressee(addressee)
    key = {"province": province, "ministry": ministry, "period": period, "route": route}
    existing = SyncGapRequest.objects.filter(**key).first()
    if existing is not None:
        return existing, False
    now = now or timezone.now()
    if runs is None:
        every = ministry_runs(province, ministry, period, route)
        if isinstance(addressee, SourceSystem):
            every = [r for r in every if r.source_id == addressee.pk] or every
        runs = _with_findings(every, route) or (every if route == Route.MINISTRY else [])
    try:
        with transaction.atomic():
            case = SyncGapRequest(
                **key,
                created_by=user,
                state=State.DRAFT,
                state_changed_at=now,
                response_days=settings.TTHC_REQUEST_RESPONSE_DAYS,
                province_assignee=user,
            )
            case.save()
            if runs:
                evidence.copy_figures(case, runs)
                case.evidence_at = now
            case.subject, case.body = letters.render(case, case.response_days)
            case.save()
            if runs:
                evidence.attach_gap_lists(case, runs, now, user)
            _event(
                case,
                EventKind.CREATED,
                user,
                now,
                to_state=State.DRAFT,
                fields={
                    "runs": [r.pk for r in runs],
                    "systems": [r.source.code for r in runs],
                    "gap_total": case.gap_total,
                    "points_at_stake": case.points_at_stake,
                },
            )
            _audit(
                AUDIT_CREATE,
                user,
                case,
                {"period": str(period), "ministry": ministry.code, "route": route},
                context,
            )
    except IntegrityError:
        existing = SyncGapRequest.objects.filter(**key).first()
        if existing is None:
            raise
        return existing, False
    return case, True


# --- Transitions ------------------------------------------------------------------------------------
def available_transitions(case: SyncGapRequest, user: Any, now: datetime | None = None) -> list[Transition]:
    """What ``user`` may do with ``case`` now: exactly what the pages and the API offer."""
    ctx = Context(access.actors_for(user, case), now or timezone.now())
    return WORKFLOW.available(case, case.state, ctx)


def _new_deadline(case: SyncGapRequest, now: datetime) -> None:
    days = settings.TTHC_REQUEST_RESPONSE_DAYS
    plan = deadlines.schedule(now, days)
    case.response_days = days
    case.deadline_round += 1
    case.response_due_at = plan.due_at
    case.reminder_at, case.notice_at, case.escalation_at = (
        plan.reminder_at,
        plan.notice_at,
        plan.escalation_at,
    )


def _on_submitted(
    case: SyncGapRequest, fields: dict[str, Any], now: datetime, actor: Any, source_state: str
) -> None:
    if source_state == State.DRAFT:
        listed = {entry.source_id: entry.run_id for entry in case.systems.all()}
        every = ministry_runs(case.province, case.ministry, case.period, case.route)
        runs = [r for r in every if r.source_id in listed] + _with_findings(
            [r for r in every if r.source_id not in listed], case.route
        )
        stale = bool(runs) and (
            {r.source_id: r.pk for r in runs} != listed
            or any(r.finished_at and case.evidence_at and r.finished_at > case.evidence_at for r in runs)
        )
        if stale:
            _refresh_evidence(case, runs, now, actor)
        signing.sign(case, actor, fields, now)
        case.submitted_at = now
    _new_deadline(case, now)


def _refresh_evidence(case: SyncGapRequest, runs: list[ReconciliationRun], now: datetime, actor: Any) -> None:
    """A newer run replaced the draft's: freeze it instead, and rewrite the letter unless the province
    edited it (its wording wins; the timeline says the figures changed under it)."""
    before = {"gap_total": case.gap_total, "points_at_stake": case.points_at_stake}
    evidence.freeze(case, runs, now, actor)
    edited = case.events.filter(kind=EventKind.EDIT).exists()
    if not edited:
        case.subject, case.body = letters.render(case, settings.TTHC_REQUEST_RESPONSE_DAYS)
    _event(
        case,
        EventKind.EVIDENCE,
        actor,
        now,
        fields={
            "runs": [r.pk for r in runs],
            "before": before,
            "gap_total": case.gap_total,
            "points_at_stake": case.points_at_stake,
            "letter_rewritten": not edited,
        },
    )


def _on_acknowledged(
    case: SyncGapRequest, fields: dict[str, Any], now: datetime, actor: Any, source_state: str
) -> None:
    case.acknowledged_at = case.acknowledged_at or now


def _on_in_progress(
    case: SyncGapRequest, fields: dict[str, Any], now: datetime, actor: Any, source_state: str
) -> None:
    case.acknowledged_at = case.acknowledged_at or now
    case.fix_plan, case.fix_target_date = fields["fix_plan"], fields["target_date"]


def _on_answered(
    case: SyncGapRequest, fields: dict[str, Any], now: datetime, actor: Any, source_state: str
) -> None:
    case.acknowledged_at = case.acknowledged_at or now
    case.answer, case.resolution, case.answered_at = fields["answer"], fields["resolution"], now


def _on_reopened(
    case: SyncGapRequest, fields: dict[str, Any], now: datetime, actor: Any, source_state: str
) -> None:
    case.resolution = ""
    _new_deadline(case, now)


def _on_escalated(
    case: SyncGapRequest, fields: dict[str, Any], now: datetime, actor: Any, source_state: str
) -> None:
    case.escalated_at = now


def _on_closed(
    case: SyncGapRequest, fields: dict[str, Any], now: datetime, actor: Any, source_state: str
) -> None:
    case.closed_at = now


#: What a transition into a state changes on the case besides its state (case, fields, now, actor, from).
Effect = Callable[[SyncGapRequest, dict[str, Any], datetime, Any, str], None]
EFFECTS: dict[str, Effect] = {
    State.SUBMITTED: _on_submitted,
    State.ACKNOWLEDGED: _on_acknowledged,
    State.IN_PROGRESS: _on_in_progress,
    State.ANSWERED: _on_answered,
    State.REOPENED: _on_reopened,
    State.ESCALATED: _on_escalated,
    State.VERIFIED_CLOSED: _on_closed,
    State.CLOSED: _on_closed,
    State.DISCARDED: _on_closed,
}


def _check_signer(ctx: Context) -> None:
    """Submitting is signing: an officer of the province is told so, in plain words."""
    if PROVINCE_OFFICER in ctx.actors and PROVINCE_LEADER not in ctx.actors:
        raise TransitionDenied(
            _(
                "Only a leader of the province (or a role above it) can sign and submit a request; "
                "an officer drafts and edits it."
            )
        )


def transition(
    case: SyncGapRequest,
    target: str,
    user: Any = None,
    *,
    comment: str = "",
    now: datetime | None = None,
    context: AuditContext | None = None,
    extra: dict[str, Any] | None = None,
    **fields: Any,
) -> SyncGapRequest:
    """Move ``case`` to ``target`` as ``user`` (``None``: the platform), with the fields it requires.

    Raises ``UnknownTransition`` / ``GuardFailed`` (no such move now), ``TransitionDenied`` (not your
    role; audited) or ``ValidationError`` (missing or invalid fields). ``extra`` is stored on the
    timeline row as given (the system's evidence, e.g. a verification run's figures).
    """
    now = now or timezone.now()
    _check_length("comment", comment)
    try:
        with transaction.atomic():
            locked = _lock(case)
            ctx = Context(access.actors_for(user, locked), now)
            if locked.state == State.DRAFT and str(target) == State.SUBMITTED:
                _check_signer(ctx)
            rule = WORKFLOW.check(locked, locked.state, str(target), ctx)
            cleaned = rule.clean(fields, deadlines.local_date(now))
            source_state = locked.state
            effect = EFFECTS.get(rule.target)
            if effect:
                effect(locked, cleaned, now, user, source_state)
            locked.state, locked.state_changed_at = rule.target, now
            locked.save()
            if source_state == State.DRAFT and rule.target == State.SUBMITTED:
                signing.freeze_letter(locked, now)
            event = _event(
                locked,
                EventKind.TRANSITION,
                user,
                now,
                from_state=source_state,
                to_state=rule.target,
                comment=comment,
                fields={**cleaned, **(extra or {})},
            )
            _audit(
                AUDIT_TRANSITION, user, locked, {"from": source_state, "to": rule.target, **cleaned}, context
            )
            notifications.on_transition(locked, event, actor=user)
    except TransitionDenied as exc:
        audit.record_denial(
            user,
            AUDIT_TRANSITION,
            exc,
            target=case,
            agency=case.province,
            context=context,
            details={"to": str(target), "from": case.state},
        )
        raise
    return locked


def bulk_submit(
    cases: Iterable[SyncGapRequest],
    user: Any,
    *,
    now: datetime | None = None,
    context: AuditContext | None = None,
) -> tuple[list[SyncGapRequest], dict[int, str]]:
    """A leader submits several drafts at once; each is its own transaction (one failure spoils none).

    Returns (submitted, {id: error}). Only leaders bulk-submit: an officer submits one by one.
    """
    submitted: list[SyncGapRequest] = []
    errors: dict[int, str] = {}
    for case in cases:
        if PROVINCE_LEADER not in access.actors_for(user, case):
            errors[case.pk] = _("Only a province leader can submit requests in bulk.")
            audit.record_denial(
                user,
                "request.bulk_submit",
                errors[case.pk],
                target=case,
                agency=case.province,
                context=context,
            )
            continue
        try:
            submitted.append(transition(case, State.SUBMITTED, user, now=now, context=context))
        except (WorkflowError, ValidationError, PermissionDenied) as exc:
            errors[case.pk] = "; ".join(getattr(exc, "messages", None) or [str(exc)])
    return submitted, errors


# --- Other changes ----------------------------------------------------------------------------------
def edit_draft(
    case: SyncGapRequest,
    user: Any,
    *,
    subject: str,
    body: str,
    now: datetime | None = None,
    context: AuditContext | None = None,
) -> SyncGapRequest:
    """The province edits the letter of a draft (and only of a draft)."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(case)
        if locked.state != State.DRAFT or not access.is_province_side(user, locked):
            raise PermissionDenied(_("Only the province can edit a request, and only while it is a draft."))
        subject, body = (subject or "").strip(), (body or "").strip()
        if not subject or not body:
            raise ValidationError(_("The subject and the body cannot be empty."))
        _check_length("subject", subject, SyncGapRequest._meta.get_field("subject").max_length)
        changed = [
            name for name, value in (("subject", subject), ("body", body)) if getattr(locked, name) != value
        ]
        if not changed:
            return locked
        locked.subject, locked.body = subject, body
        locked.save(update_fields=["subject", "body", "updated_at"])
        _event(locked, EventKind.EDIT, user, now, fields={"changed": changed})
        _audit(AUDIT_EDIT, user, locked, {"changed": changed}, context)
    return locked


def assign(
    case: SyncGapRequest,
    user: Any,
    *,
    side: str,
    assignee: Any,
    now: datetime | None = None,
    context: AuditContext | None = None,
) -> SyncGapRequest:
    """Give the case to a person on one side ("province" or "ministry"); officers of that side may."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock(case)
        actors = access.actors_for(user, locked)
        side_actor = {"province": "province_officer", "ministry": "ministry_officer"}.get(side)
        if side_actor is None:
            raise ValidationError({"side": _("Choose the province or the ministry side.")})
        if side_actor not in actors:
            raise PermissionDenied(_("Only that side's officers can assign its work."))
        if assignee is not None and side_actor not in access.actors_for(assignee, locked):
            raise ValidationError({"assignee": _("The assignee must be an officer of that side.")})
        setattr(locked, f"{side}_assignee", assignee)
        locked.save(update_fields=[f"{side}_assignee", "updated_at"])
        _event(
            locked,
            EventKind.ASSIGNMENT,
            user,
            now,
            fields={"side": side, "assignee": assignee.username if assignee else None},
        )
        _audit(
            AUDIT_ASSIGN, user, locked, {"side": side, "assignee": assignee.pk if assignee else None}, context
        )
        if assignee is not None and assignee != user:
            notifications.notify(
                [assignee],
                "transition",
                _("[%(ref)s] Assigned to you") % {"ref": locked.reference},
                locked.subject,
                case=locked,
            )
    return locked


def _may_write(user: Any, case: SyncGapRequest) -> bool:
    return bool(access.actors_for(user, case))


def _check_length(name: str, text: str, limit: int | None = None) -> None:
    """Text a user writes on a case: at most ``limit`` characters (default
    ``TTHC_REQUEST_TEXT_MAX_CHARS``), else an error naming the field."""
    try:
        MaxLengthValidator(limit or settings.TTHC_REQUEST_TEXT_MAX_CHARS)(text or "")
    except ValidationError as exc:
        raise ValidationError({name: exc.messages}) from None


def add_comment(
    case: SyncGapRequest,
    user: Any,
    text: str,
    *,
    now: datetime | None = None,
    context: AuditContext | None = None,
) -> RequestEvent:
    now = now or timezone.now()
    text = (text or "").strip()
    if not text:
        raise ValidationError({"comment": _("This field is required.")})
    _check_length("comment", text)
    with transaction.atomic():
        locked = _lock(case)
        if not _may_write(user, locked):
            raise PermissionDenied(_("Only the officers of either side and supervisors can comment."))
        event = _event(locked, EventKind.COMMENT, user, now, comment=text)
        _audit(AUDIT_COMMENT, user, locked, {"event": event.pk}, context)
        others = [u for u in (locked.province_assignee, locked.ministry_assignee) if u is not None]
        notifications.notify(
            others,
            "comment",
            _("[%(ref)s] New comment") % {"ref": locked.reference},
            text,
            case=locked,
            exclude=user,
        )
    return event


def add_attachment(
    case: SyncGapRequest,
    user: Any,
    upload: UploadedFile,
    *,
    now: datetime | None = None,
    context: AuditContext | None = None,
) -> RequestAttachment:
    """Attach an uploaded document after checking its size and type (extension and content)."""
    from ..models import AttachmentKind, RequestAttachment
    from .attachments import validate_upload

    now = now or timezone.now()
    content_type = validate_upload(upload)
    name, size = upload.name or "", upload.size or 0  # both checked by validate_upload
    with transaction.atomic():
        locked = _lock(case)
        if not _may_write(user, locked):
            raise PermissionDenied(_("Only the officers of either side and supervisors can attach files."))
        attachment = RequestAttachment(
            request=locked,
            kind=AttachmentKind.DOCUMENT,
            name=name[:255],
            size=size,
            content_type=content_type,
            uploaded_by=user,
            uploaded_at=now,
        )
        attachment.file.save(name, upload, save=False)
        attachment.save()
        _event(
            locked,
            EventKind.ATTACHMENT,
            user,
            now,
            fields={"attachment": attachment.pk, "name": attachment.name, "size": attachment.size},
        )
        _audit(AUDIT_ATTACH, user, locked, {"attachment": attachment.pk, "name": attachment.name}, context)
    return attachment
