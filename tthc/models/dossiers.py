"""Dossiers (hồ sơ) with the portal's status model, their history and apology letters."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, OrderBy, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabelsMixin
from core.scope import scope_of

from ..periods import Period


class DossierStatus(models.IntegerChoices):
    """The portal's TrangThaiHoSo codes."""

    NEW = 1, _("Newly registered")
    RECEIVED = 2, _("Received")
    NOT_RECEIVED = 3, _("Not received (refused at intake)")
    PROCESSING = 4, _("Processing")
    SUPPLEMENT_REQUESTED = 5, _("Supplement requested")
    FINANCIAL_OBLIGATION = 6, _("Financial obligation requested")
    WITHDRAWN = 7, _("Withdrawn by applicant")
    STOPPED = 8, _("Processing stopped")
    FINISHED = 9, _("Processing finished")
    RETURNED = 10, _("Result returned")


OPEN_STATUSES = (
    DossierStatus.NEW,
    DossierStatus.RECEIVED,
    DossierStatus.PROCESSING,
    DossierStatus.SUPPLEMENT_REQUESTED,
    DossierStatus.FINANCIAL_OBLIGATION,
)
TERMINAL_STATUSES = (
    DossierStatus.NOT_RECEIVED,
    DossierStatus.WITHDRAWN,
    DossierStatus.STOPPED,
    DossierStatus.FINISHED,
    DossierStatus.RETURNED,
)
#: Dossiers whose timeliness the index does not judge (never received, or withdrawn).
UNJUDGED_STATUSES = (DossierStatus.NEW, DossierStatus.NOT_RECEIVED, DossierStatus.WITHDRAWN)


class Channel(models.IntegerChoices):
    """The portal's KenhThucHien codes (empty means direct)."""

    DIRECT = 1, _("Direct")
    ONLINE = 2, _("Online")
    POSTAL = 3, _("Public postal service")


class ApplicantKind(models.IntegerChoices):
    """The portal's LoaiDoiTuong codes."""

    CITIZEN = 1, _("Citizen")
    BUSINESS = 2, _("Business")
    STATE_BODY = 3, _("State body")
    OTHER_ORGANISATION = 4, _("Other organisation")


class PaymentKind(models.IntegerChoices):
    """DuocThanhToanTrucTuyen: how the fee was paid online (0: not paid online)."""

    NONE = 0, _("Not paid online")
    PORTAL = 1, _("Paid on the national portal")
    LOCAL_GATEWAY = 2, _("Paid through the province/ministry gateway")


class Satisfaction(models.IntegerChoices):
    LIKE = 1, _("Satisfied")
    DISLIKE = 2, _("Dissatisfied")


class NullsLastIndex(models.Index):
    """An index declared with ``nulls_last`` orderings, portable to SQLite.

    PostgreSQL sorts NULL highest, so ``DESC`` puts NULLs first unless told ``NULLS LAST``; SQLite
    sorts NULL lowest (``DESC`` already puts them last) and refuses ``NULLS LAST`` in an index. On
    SQLite the index is created with the plain ``DESC`` orderings: the same order either way.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = [
            OrderBy(e.expression, descending=e.descending) if isinstance(e, OrderBy) else e
            for e in self.expressions
        ]
        return models.Index(*plain, name=self.name, condition=self.condition).create_sql(
            model, schema_editor, using=using, **kwargs
        )


def _as_period(period) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


#: The dossier lists' order: newest receipt first, dossiers never received (refused at intake, only
#: submitted: no ``received_at``) after all the others, ties by id. It is the order of the
#: ``dossier_received_desc`` and ``dossier_status_recv`` indexes, so a page reads ~50 index entries;
#: ``-received_at`` alone puts the NULLs first and every page reads all of them
#: (tests/tthc/test_hot_query_plans.py).
LIST_ORDER = (F("received_at").desc(nulls_last=True), F("id").desc())


class DossierQuerySet(models.QuerySet):
    """Filters every later app reuses. Timeliness follows docs/domain.md#timeliness.

    At any instant ``as_of`` a judged dossier is exactly one of: on time, overdue, or still
    within time (open, due later). More than one supplement request makes it overdue.
    """

    def in_period(self, period):
        """Dossiers received in the period (Vietnam time, half-open interval)."""
        p = _as_period(period)
        return self.filter(received_at__gte=p.start, received_at__lt=p.end)

    def for_subtree(self, agency):
        """Dossiers received by the agency or any agency below it (one prefix query)."""
        from .agencies import Agency

        return self.filter(receiving_agency__in=Agency.objects.subtree(agency).values("pk"))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def finished(self):
        return self.filter(status__in=TERMINAL_STATUSES)

    def judged(self):
        """Dossiers whose timeliness counts: received, with a due date, not withdrawn."""
        return self.filter(due_at__isnull=False).exclude(status__in=UNJUDGED_STATUSES)

    def on_time(self, as_of: datetime | None = None):
        """Finished on or before the due date (and by ``as_of``, default now), with at most one supplement."""
        as_of = as_of or timezone.now()
        return (
            self.judged()
            .filter(finished_at__isnull=False, finished_at__lte=F("due_at"), supplement_count__lte=1)
            .filter(finished_at__lte=as_of)
        )

    def overdue(self, as_of: datetime | None = None):
        """Late as seen at ``as_of`` (default now): finished late, still open past due, or >1 supplement."""
        as_of = as_of or timezone.now()
        finished_late = Q(finished_at__lte=as_of, finished_at__gt=F("due_at"))
        open_past_due = (Q(finished_at__isnull=True) | Q(finished_at__gt=as_of)) & Q(due_at__lt=as_of)
        return self.judged().filter(Q(supplement_count__gt=1) | finished_late | open_past_due)

    late = overdue

    def within_time(self, as_of: datetime | None = None):
        """Not finished at ``as_of`` and not yet due."""
        as_of = as_of or timezone.now()
        return self.judged().filter(
            Q(finished_at__isnull=True) | Q(finished_at__gt=as_of), due_at__gte=as_of, supplement_count__lte=1
        )

    def paid_online(self):
        return self.exclude(payment_kind=PaymentKind.NONE)

    def newest_first(self):
        """In the lists' order (:data:`LIST_ORDER`)."""
        return self.order_by(*LIST_ORDER)

    def visible_to(self, user):
        """Dossiers the user may see (receiving/handling agency or owning ministry in scope): ``core.scope``."""
        return self.filter(scope_of(user).dossier_q())


class DossierEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Events of the dossiers the user may see."""
        return self.filter(scope_of(user).dossier_q("dossier"))


class ApologyLetterQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Apology letters of the dossiers the user may see."""
        return self.filter(scope_of(user).dossier_q("dossier"))


class Dossier(ChoiceLabelsMixin, models.Model):
    """A dossier (hồ sơ) as the platform holds it: the authoritative state the index scores."""

    # Unique through Meta.constraints (one index serving equality, ON CONFLICT and the admin's prefix
    # search) rather than unique=True, which adds a second, pattern-ops index on PostgreSQL.
    code = models.CharField(_("dossier code"), max_length=64)
    # The foreign keys' own indexes would repeat the leading column of the (agency|procedure,
    # received_at) indexes below: every index costs each of the millions of monthly inserts.
    procedure = models.ForeignKey(
        "tthc.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
    )
    receiving_agency = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="dossiers_received",
        db_index=False,
    )
    handling_agency = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("handling agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_handled",
        db_index=False,
    )
    handling_unit = models.CharField(_("handling unit"), max_length=255, blank=True)
    handling_officer = models.CharField(_("handling officer"), max_length=255, blank=True)
    channel = models.PositiveSmallIntegerField(_("channel"), choices=Channel.choices, default=Channel.DIRECT)
    applicant_kind = models.PositiveSmallIntegerField(
        _("applicant kind"), choices=ApplicantKind.choices, default=ApplicantKind.CITIZEN
    )
    applicant_name = models.CharField(_("applicant"), max_length=255, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    status = models.PositiveSmallIntegerField(_("status"), choices=DossierStatus.choices)

    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    refused_at = models.DateTimeField(_("refused at"), null=True, blank=True)

    has_digitised_components = models.BooleanField(_("has digitised components"), default=False)
    has_electronic_result = models.BooleanField(_("electronic result"), default=False)
    data_reused = models.BooleanField(_("reuses digitised data"), default=False)
    linked_personal_store = models.BooleanField(_("linked to the personal data store"), default=False)
    population_data_used = models.BooleanField(_("uses population data"), default=False)
    payment_kind = models.PositiveSmallIntegerField(
        _("online payment"), choices=PaymentKind.choices, default=PaymentKind.NONE
    )
    fee_amount = models.DecimalField(_("fee amount (VND)"), max_digits=14, decimal_places=0, default=0)
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), choices=Satisfaction.choices, null=True, blank=True
    )
    has_complaint = models.BooleanField(_("has a complaint"), default=False)
    supplement_count = models.PositiveSmallIntegerField(_("supplement requests"), default=0)
    filing_place = models.PositiveSmallIntegerField(
        _("filed at"),
        null=True,
        blank=True,
        help_text=_(
            "Where the dossier was filed (NoiNopHoSo): 1 national portal, 2 ministry system, 3 provincial system."
        ),
    )
    paused_duration = models.DurationField(_("paused duration"), default=timedelta)
    state_at = models.DateTimeField(
        _("state as of"),
        null=True,
        blank=True,
        help_text=_("The latest event time of the state held here; an older state never overwrites it."),
    )
    state_source = models.CharField(
        _("state from source"),
        max_length=40,
        blank=True,
        db_default="",
        help_text=_("Code of the source system whose record gave this state."),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        constraints = [
            models.UniqueConstraint(
                fields=["code"], name="dossier_code_key", opclasses=["varchar_pattern_ops"]
            ),
            models.CheckConstraint(condition=Q(status__gte=1, status__lte=10), name="dossier_status_range"),
            models.CheckConstraint(condition=Q(channel__gte=1, channel__lte=3), name="dossier_channel_range"),
            models.CheckConstraint(
                condition=Q(applicant_kind__gte=1, applicant_kind__lte=4), name="dossier_applicant_kind_range"
            ),
            models.CheckConstraint(
                condition=Q(payment_kind__gte=0, payment_kind__lte=2), name="dossier_payment_range"
            ),
            models.CheckConstraint(condition=Q(fee_amount__gte=0), name="dossier_fee_non_negative"),
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True)
                | Q(received_at__isnull=True)
                | Q(finished_at__gte=F("received_at")),
                name="dossier_finished_after_received",
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True)
                | Q(received_at__isnull=True)
                | Q(due_at__gte=F("received_at")),
                name="dossier_due_after_received",
            ),
        ]
        indexes = [
            models.Index(fields=["receiving_agency", "received_at"], name="dossier_recv_agency_time"),
            models.Index(fields=["handling_agency", "received_at"], name="dossier_hand_agency_time"),
            models.Index(fields=["procedure", "received_at"], name="dossier_procedure_time"),
            # The lists' order (LIST_ORDER: newest receipt first, never-received dossiers last) read
            # straight off an index, and every received_at range of the indicators.
            NullsLastIndex(
                F("received_at").desc(nulls_last=True), F("id").desc(), name="dossier_received_desc"
            ),
            # A status filter (a few thousand of millions) in the lists' order, and its count.
            NullsLastIndex(
                "status", F("received_at").desc(nulls_last=True), F("id").desc(), name="dossier_status_recv"
            ),
            models.Index(fields=["finished_at"], name="dossier_finished_at"),
            # Open dossiers only: the overdue filter, and the indicators' carry-over arm (``finished_at
            # IS NULL``, a bitmap scan of this small index beside the received/finished ranges).
            models.Index(fields=["due_at"], condition=Q(finished_at__isnull=True), name="dossier_open_due"),
            # Open dossiers by receiving agency and due date: a province's dossiers at risk (the
            # dashboard's early warning) without reading the index entries of all its history — at
            # 85 M dossiers the (agency, time) index gave 4.3 million of them to intersect (250 ms).
            models.Index(
                fields=["receiving_agency", "due_at"],
                condition=Q(finished_at__isnull=True),
                name="dossier_open_agency_due",
            ),
            # A province's carry-over by receiving agency: received earlier, finished since a date or
            # still open (NULLs sort last). One province's index counts (a reconciliation run's points
            # at stake) read their month and carry-over through this and the (agency, received) index
            # instead of scanning the table: 0.26 s instead of 0.8-1.1 s at 10 M dossiers.
            models.Index(fields=["receiving_agency", "finished_at"], name="dossier_recv_agency_finished"),
            # With the two above, each arm of ``overdue()`` (more than one supplement, finished late,
            # open past due) is an index: the overdue list's count no longer reads the whole table.
            # Both hold a small share of the dossiers, so they cost little on insert.
            models.Index(
                fields=["finished_at"], condition=Q(finished_at__gt=F("due_at")), name="dossier_finished_late"
            ),
            models.Index(
                fields=["due_at"], condition=Q(supplement_count__gt=1), name="dossier_many_supplements"
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def paid_online(self) -> bool:
        return self.payment_kind != PaymentKind.NONE

    def is_overdue(self, as_of: datetime | None = None) -> bool:
        """Python twin of ``DossierQuerySet.overdue`` for one loaded row (used on detail pages)."""
        if self.due_at is None or self.status in UNJUDGED_STATUSES:
            return False
        as_of = as_of or timezone.now()
        if self.supplement_count > 1:
            return True
        if self.finished_at is not None and self.finished_at <= as_of:
            return self.finished_at > self.due_at
        return self.due_at < as_of


class DossierEvent(models.Model):
    """One step of a dossier's history: a status change or a progress item (QuaTrinhXuLy)."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="events", db_index=False
    )  # led by the unique (dossier, at, to_status) index
    from_status = models.PositiveSmallIntegerField(
        _("from status"), choices=DossierStatus.choices, null=True, blank=True
    )
    to_status = models.PositiveSmallIntegerField(_("to status"), choices=DossierStatus.choices)
    at = models.DateTimeField(_("at"))
    unit = models.CharField(_("acting unit"), max_length=255, blank=True)
    officer = models.CharField(_("officer"), max_length=255, blank=True)
    officer_title = models.CharField(_("officer title"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    due_at = models.DateTimeField(
        _("step due by rule"),
        null=True,
        blank=True,
        help_text=_("The step's own deadline (NgayKetThucTheoQuyDinh): a step recorded after it overran."),
    )
    source = models.CharField(_("source"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DossierEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier event")
        verbose_name_plural = _("dossier events")
        ordering = ["dossier", "at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "at", "to_status"], name="dossier_event_unique_step"),
        ]
        indexes = [  # the steps that overran their own deadline: late units trace lateness to them
            models.Index(
                fields=["dossier", "at"],
                condition=Q(due_at__isnull=False, at__gt=F("due_at")),
                name="dossier_event_overran",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.from_status}→{self.to_status} @ {self.at:%Y-%m-%d %H:%M}"


class ApologyLetter(models.Model):
    """The apology and new-date letter (Phiếu xin lỗi và hẹn lại ngày trả kết quả).

    A dossier may be rescheduled once (one-to-one), and the letter must be issued at least one day
    before the original due date. The dossier's ``due_at`` stays the original: the index still
    judges against it; ``new_due_at`` is what the applicant was promised.
    """

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("dossier"), on_delete=models.CASCADE, related_name="apology_letter"
    )
    issued_at = models.DateTimeField(_("issued at"))
    reason = models.TextField(_("reason"))
    original_due_at = models.DateTimeField(_("original due date"))
    new_due_at = models.DateTimeField(_("new due date"))
    issued_by = models.CharField(_("issued by"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ApologyLetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("apology letter")
        verbose_name_plural = _("apology letters")
        constraints = [
            models.CheckConstraint(
                condition=Q(new_due_at__gt=F("original_due_at")), name="apology_new_due_later"
            ),
            models.CheckConstraint(
                condition=Q(issued_at__lt=F("original_due_at")), name="apology_before_due"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.new_due_at:%Y-%m-%d}"

    def full_clean(self, *args, **kwargs):
        self._fill_original_due()
        super().full_clean(*args, **kwargs)

    def _fill_original_due(self):
        if self.dossier_id and not self.original_due_at:
            self.original_due_at = self.dossier.due_at

    def clean(self):
        errors = {}
        self._fill_original_due()
        if not self.original_due_at:
            errors["dossier"] = _("The dossier has no due date, so it cannot be rescheduled.")
        elif self.issued_at:
            latest = timezone.localtime(self.original_due_at).date() - timedelta(days=1)
            if timezone.localtime(self.issued_at).date() > latest:
                errors["issued_at"] = _(
                    "An apology letter must be issued at least one day before the original due date "
                    "(%(due)s): issue it on %(latest)s at the latest."
                ) % {
                    "due": f"{timezone.localtime(self.original_due_at):%d/%m/%Y}",
                    "latest": f"{latest:%d/%m/%Y}",
                }
        if self.original_due_at and self.new_due_at and self.new_due_at <= self.original_due_at:
            errors["new_due_at"] = _("The new due date must be after the original due date.")
        if errors:
            raise ValidationError(errors)
