"""The sync-gap request (kiến nghị) a province files with a ministry, its timeline and its files."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabelsMixin
from core.text import stored_file_name
from tthc.period_fields import PeriodField

from ..workflow import AWAITING_MINISTRY, OPEN, PRIVATE, Resolution, State


class SyncGapRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The permission gate's scope for requests (``complaints.access.request_q``)."""
        from ..access import request_q

        return self.filter(request_q(user))

    def for_period(self, period):
        return self.filter(period=str(period))

    def filed(self):
        """Requests that left the province: not a draft, not discarded (the provinces' working papers)."""
        return self.exclude(state__in=PRIVATE)

    def awaiting_ministry(self):
        return self.filter(state__in=AWAITING_MINISTRY)

    def open(self):
        return self.filter(state__in=OPEN)

    def overdue(self, now: datetime | None = None):
        """Still with the ministry (or escalated) past the stored response deadline: an indexed comparison."""
        now = now or timezone.now()
        return self.filter(state__in=(*AWAITING_MINISTRY, State.ESCALATED), response_due_at__lt=now)


class Route(models.TextChoices):
    """Whom the request goes to (seed 000 and 002): the ministry owning the systems, or the portal's
    operator (Bộ Công an by default, ``TTHC_PORTAL_OPERATOR_AGENCY``) for the portal's own faults."""

    MINISTRY = "ministry", _("Ministry")
    PORTAL_OPERATOR = "portal_operator", _("Portal operator")


class SignerMode(models.TextChoices):
    """How the leader signs: on behalf of the Chairman (``KT.``), for the Committee (``TM.``), or in
    their own name."""

    KT = "KT.", "KT."
    TM = "TM.", "TM."
    OWN = "", _("In own name")


class SyncGapRequest(ChoiceLabelsMixin, models.Model):
    """One request (kiến nghị) per province × ministry × month (× route), listing each of the
    ministry's systems (``RequestSystem``) with the evidence frozen when it was filed.

    The evidence (gap counts per kind, points at stake, the gap list as CSV and Excel attachments)
    is copied from the reconciliation runs, not referenced; the request's own figures are the sums
    over its systems: the run is replaced by later runs of the
    same month, the letter must keep saying what it said. Later figures seen by verification go to
    the ``latest_*`` fields. Deadlines are stored (``response_due_at`` and the chasing moments), so
    "overdue" is an indexed comparison, and each new deadline starts a new ``deadline_round`` so
    that the chasing markers of a reopened case start afresh.
    """

    province = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="sync_requests_filed",
    )
    ministry = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("ministry"),
        on_delete=models.PROTECT,
        related_name="sync_requests_received",
    )
    route = models.CharField(_("route"), max_length=20, choices=Route.choices, default=Route.MINISTRY)
    period = PeriodField(_("period"), help_text="YYYY-MM")
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.DRAFT)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    body = models.TextField(_("body"), blank=True)

    # Evidence frozen at filing.
    run = models.ForeignKey(
        "reconciliation.ReconciliationRun",
        verbose_name=_("reconciliation run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    gap_counts = models.JSONField(_("gaps per kind"), default=dict, blank=True)
    gap_total = models.PositiveIntegerField(_("gaps"), default=0)
    dossiers_compared = models.PositiveIntegerField(_("dossiers compared"), default=0)
    points_at_stake = models.DecimalField(_("points at stake"), max_digits=7, decimal_places=3, default=0)
    points_breakdown = models.JSONField(
        _("points at stake per component"), default=dict, blank=True, help_text="{component code: points}"
    )
    evidence_at = models.DateTimeField(_("evidence frozen at"), null=True, blank=True)
    # What the latest verification saw.
    latest_gap_counts = models.JSONField(_("latest gaps per kind"), null=True, blank=True)
    latest_gap_total = models.PositiveIntegerField(_("latest gaps"), null=True, blank=True)
    latest_points_at_stake = models.DecimalField(
        _("latest points at stake"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    latest_checked_at = models.DateTimeField(_("last verified at"), null=True, blank=True)

    # Deadlines (stored, Vietnam working days through tthc.calendar).
    response_days = models.PositiveSmallIntegerField(_("response time (working days)"), default=10)
    deadline_round = models.PositiveSmallIntegerField(_("deadline round"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    response_due_at = models.DateTimeField(_("answer due by"), null=True, blank=True)
    reminder_at = models.DateTimeField(_("reminder from"), null=True, blank=True)
    notice_at = models.DateTimeField(_("deadline notice from"), null=True, blank=True)
    escalation_at = models.DateTimeField(_("escalation from"), null=True, blank=True)

    # The ministry's side of the story.
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    fix_plan = models.TextField(_("fix plan"), blank=True)
    fix_target_date = models.DateField(_("fix target date"), null=True, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    resolution = models.CharField(_("outcome"), max_length=20, choices=Resolution.choices, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    # Signing (submitting is signing: a leader's act) and the official number.
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signer_name = models.CharField(_("signer's name"), max_length=255, blank=True)
    signer_title = models.CharField(_("signer's title"), max_length=255, blank=True)
    signer_mode = models.CharField(
        _("signing mode"), max_length=3, choices=SignerMode.choices, blank=True, default=SignerMode.KT
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    number_year = models.PositiveSmallIntegerField(_("number year"), null=True, blank=True)
    number_text = models.CharField(_("official number"), max_length=60, blank=True)

    province_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("province assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ministry_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ministry assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    state_changed_at = models.DateTimeField(_("state changed at"), default=timezone.now)

    objects = SyncGapRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("sync-gap request")
        verbose_name_plural = _("sync-gap requests")
        ordering = ["-period", "province", "ministry", "route"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "ministry", "period", "route"], name="sync_request_one_per_ministry"
            ),
            models.UniqueConstraint(
                fields=["province", "number_year", "number"],
                condition=Q(number__isnull=False),
                name="sync_request_number_unique",
            ),
            models.CheckConstraint(condition=Q(state__in=State.values), name="sync_request_known_state"),
            models.CheckConstraint(
                condition=Q(resolution="") | Q(resolution__in=Resolution.values),
                name="sync_request_known_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "response_due_at"], name="sync_request_due"),
            models.Index(fields=["ministry", "state"], name="sync_request_ministry"),
            models.Index(fields=["period", "province"], name="sync_request_period"),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        """The number shown on pages and in e-mails: KN-<period>-<id>."""
        return f"KN-{self.period}-{self.pk:05d}" if self.pk else "KN-?"

    @property
    def letter_kind(self) -> str:
        """The letter's wording: ``portal_fault`` (to the portal operator), ``not_synced`` (the only
        finding is that the systems do not sync at all), or ``gaps``."""
        if self.route == Route.PORTAL_OPERATOR:
            return "portal_fault"
        kinds = {k for k, v in (self.gap_counts or {}).items() if int(v)}
        return "not_synced" if kinds == {"not_synced"} else "gaps"

    @property
    def system_names(self) -> str:
        """The listed systems' names, comma-separated (subjects of e-mails, lists)."""
        cache = getattr(self, "_prefetched_objects_cache", {})  # a list prefetches them for its page
        entries = cache["systems"] if "systems" in cache else self.systems.select_related("source")
        return ", ".join(e.source.name for e in sorted(entries, key=lambda e: e.source.code))

    @property
    def addressee_agencies(self) -> list:
        """The receiving side: the addressed ministry and the owners of the listed systems."""
        owners = [e.source.owner for e in self.systems.select_related("source__owner")]
        return [self.ministry, *owners]

    @property
    def draft(self) -> bool:
        return self.state == "draft"

    def is_overdue(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return (
            self.state in (*AWAITING_MINISTRY, State.ESCALATED)
            and self.response_due_at is not None
            and self.response_due_at < now
        )


class RequestSystem(models.Model):
    """One of the ministry's systems listed in a request, with its own frozen figures and verdict."""

    request = models.ForeignKey(
        SyncGapRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="systems"
    )
    source = models.ForeignKey(
        "reconciliation.SourceSystem",
        verbose_name=_("system"),
        on_delete=models.PROTECT,
        related_name="sync_request_entries",
    )
    run = models.ForeignKey(
        "reconciliation.ReconciliationRun",
        verbose_name=_("reconciliation run"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    gap_counts = models.JSONField(_("gaps per kind"), default=dict, blank=True)
    gap_total = models.PositiveIntegerField(_("gaps"), default=0)
    dossiers_compared = models.PositiveIntegerField(_("dossiers compared"), default=0)
    reported_count = models.PositiveIntegerField(_("reported count"), null=True, blank=True)
    points_at_stake = models.DecimalField(_("points at stake"), max_digits=7, decimal_places=3, default=0)
    points_breakdown = models.JSONField(_("points at stake per component"), default=dict, blank=True)
    latest_gap_counts = models.JSONField(_("latest gaps per kind"), null=True, blank=True)
    latest_gap_total = models.PositiveIntegerField(_("latest gaps"), null=True, blank=True)
    latest_checked_at = models.DateTimeField(_("last verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("system in a request")
        verbose_name_plural = _("systems in requests")
        ordering = ["request", "source__code"]
        constraints = [models.UniqueConstraint(fields=["request", "source"], name="request_system_once")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.source_id}"

    @property
    def resolved(self) -> bool | None:
        """Whether the latest verification found this system's gaps gone (None: not verified yet)."""
        if self.latest_gap_total is None:
            return None
        return self.latest_gap_total <= settings.TTHC_REQUEST_CLOSE_THRESHOLD


class LetterCounter(models.Model):
    """The per-agency, per-year sequence of official numbers (``Số: N/UBND-KSTT``): one row, locked
    with ``SELECT … FOR UPDATE`` by the submitting transaction, so numbers are gap-free and never
    reused even under concurrent submissions."""

    agency = models.ForeignKey(
        "tthc.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("letter number counter")
        verbose_name_plural = _("letter number counters")
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="letter_counter_key")]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("This table is append-only.")

    def delete(self):
        raise TypeError("This table is append-only.")


#: Where a signed letter's files go: ``<SIGNED_ROOT>/<period>/<request id>/<SIGNED_DIR>/<file>``.
SIGNED_ROOT, SIGNED_DIR = "complaints", "signed"


def _signed_letter_upload_to(instance: SignedLetter, filename: str) -> str:
    return f"{SIGNED_ROOT}/{instance.request.period}/{instance.request_id}/{SIGNED_DIR}/{filename}"


class SignedLetter(models.Model):
    """The letter as it was signed: its PDF and Word files, rendered once and stored with their SHA-256.

    The letter is typeset from code templates, wording and settings that change over time; an official
    document must not. So the files are rendered when the request is signed (in the signing transaction;
    a letter too large to typeset there, by a worker right after it) and every later download of the
    signed request's letter serves these bytes. One row per request, written once: never updated, never
    deleted (``complaints.services.signed_letters``, docs/domain.md#the-signed-letter). A request signed
    before letters were stored gets its row at the first download of its letter (``rendered_at`` later
    than ``signed_at`` tells it).
    """

    request = models.OneToOneField(
        SyncGapRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="signed_letter"
    )
    pdf = models.FileField(_("PDF file"), upload_to=_signed_letter_upload_to, max_length=300)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)
    pdf_size = models.PositiveIntegerField(_("PDF size (bytes)"))
    pdf_pages = models.PositiveIntegerField(_("PDF pages"), null=True, blank=True)
    docx = models.FileField(_("Word file"), upload_to=_signed_letter_upload_to, max_length=300)
    docx_sha256 = models.CharField(_("SHA-256 of the Word file"), max_length=64)
    docx_size = models.PositiveIntegerField(_("Word file size (bytes)"))
    rendered_at = models.DateTimeField(_("rendered at"), default=timezone.now)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("signed letter")
        verbose_name_plural = _("signed letters")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.pdf_sha256}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("A signed letter is stored once and never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("A signed letter is stored once and never changed.")


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    TRANSITION = "transition", _("State changed")
    EDIT = "edit", _("Edited")
    COMMENT = "comment", _("Comment")
    ATTACHMENT = "attachment", _("Attachment")
    ASSIGNMENT = "assignment", _("Assignment")
    EVIDENCE = "evidence", _("Evidence frozen")
    CHASE = "chase", _("Reminder sent")


class CaseEvent(models.Model):
    """A case's timeline row (who, when, from, to, comment, fields): append-only, for every workflow."""

    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    from_state = models.CharField(_("from"), max_length=20, blank=True)
    to_state = models.CharField(_("to"), max_length=20, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    fields = models.JSONField(_("fields"), default=dict, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        """As people read it ("Tạo mới: → Dự thảo"): the kind and the states by their names where the
        workflow gives them choices."""
        from_state, to_state = (self._named_state(name) for name in ("from_state", "to_state"))
        return f"{self.get_kind_display()}: {f'{from_state} ' if from_state else ''}→ {to_state}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Case events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Case events are append-only.")

    def _named_state(self, name: str) -> str:
        display = getattr(self, f"get_{name}_display", None)  # only where the field has choices
        return str(display()) if display else getattr(self, name)

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else str(_("System"))


class RequestEvent(CaseEvent):
    """The sync-gap request's timeline."""

    request = models.ForeignKey(
        SyncGapRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="events"
    )
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices, blank=True)

    class Meta(CaseEvent.Meta):
        verbose_name = _("request event")
        verbose_name_plural = _("request events")
        indexes = [models.Index(fields=["request", "at"], name="request_event_timeline")]


class AttachmentKind(models.TextChoices):
    EVIDENCE_CSV = "evidence_csv", _("Gap list (CSV)")
    EVIDENCE_XLSX = "evidence_xlsx", _("Gap list (Excel)")
    DOCUMENT = "document", _("Document")


def _upload_to(instance, filename):
    return f"complaints/{instance.request.period}/{instance.request_id}/{stored_file_name(filename)}"


class RequestAttachment(models.Model):
    """A file on a case: the generated gap lists, or a document a user uploaded (size/type limited)."""

    request = models.ForeignKey(
        SyncGapRequest, verbose_name=_("request"), on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.DOCUMENT
    )
    file = models.FileField(_("file"), upload_to=_upload_to, max_length=300)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    superseded = models.BooleanField(
        _("superseded"), default=False, help_text=_("Evidence replaced by a fresher run before submission.")
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name
