"""Source systems, ingestion batches, what each source saw, and reconciliation runs and gaps."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.choices import ChoiceLabelsMixin
from tthc.period_fields import PeriodField

from .querysets import (
    AssignmentQuerySet,
    GapQuerySet,
    RunQuerySet,
    SourceDossierQuerySet,
    SourceSystemQuerySet,
)


class SourceKind(models.TextChoices):
    PROVINCIAL = "provincial", _("Provincial system")
    MINISTRY = "ministry", _("Ministry centralized system")
    PORTAL = "portal", _("National Public Service Portal")
    REPORTING = "reporting", _("National reporting system")


#: Kinds of which exactly one system may be active: the platform compares and scores against it.
SINGLE_KINDS = (SourceKind.PORTAL, SourceKind.REPORTING)


def active_portal_q(prefix: str = "") -> Q:
    """Rows of the active portal system (``prefix``: the path to a ``SourceSystem``, e.g. ``"source"``).

    Only its copy counts: the database keeps it unique, so another portal-kind system (inactive) can
    neither replace it in reconciliation nor add copies to the sync indicator.
    """
    p = f"{prefix}__" if prefix else ""
    return Q(**{f"{p}kind": SourceKind.PORTAL, f"{p}active": True})


class SourceSystem(models.Model):
    """A system that syncs dossiers (or counts) to the platform: a provincial TTHC system, a
    ministry's centralized system, the national portal's copy, or the national reporting system.

    National configuration: only national administrators create or change one, or issue its token
    (``services.sources``). At most one portal and one reporting system are active at a time.
    """

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=SourceKind.choices, db_index=True)
    owner = models.ForeignKey(
        "tthc.Agency", verbose_name=_("owner agency"), on_delete=models.PROTECT, related_name="source_systems"
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SourceSystemQuerySet.as_manager()

    class Meta:
        verbose_name = _("source system")
        verbose_name_plural = _("source systems")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind__in=SINGLE_KINDS, active=True),
                name="sourcesystem_one_active_national",
                violation_error_message=_(
                    "Another active system of this kind exists: only one "
                    "portal and one reporting system may be active."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class BatchStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class IngestBatch(models.Model):
    """One ingestion call (API request or file import): who, when, from which source, counts."""

    source = models.ForeignKey(
        SourceSystem, verbose_name=_("source"), on_delete=models.PROTECT, related_name="batches"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    format = models.CharField(_("format"), max_length=40)
    filename = models.CharField(_("file name"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    received = models.PositiveIntegerField(_("records received"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("ingestion batch")
        verbose_name_plural = _("ingestion batches")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["source", "-started_at"], name="batch_source_time")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.source_id} {self.started_at:%Y-%m-%d %H:%M}"


class RejectedRecord(models.Model):
    """A record that failed validation, kept with its raw payload so it can be fixed and replayed."""

    batch = models.ForeignKey(
        IngestBatch, verbose_name=_("batch"), on_delete=models.CASCADE, related_name="rejects"
    )
    index = models.PositiveIntegerField(_("index in batch"))
    dossier_code = models.CharField(_("dossier code"), max_length=64, blank=True, db_index=True)
    errors = models.JSONField(_("errors"), default=list)
    payload = models.JSONField(_("raw payload"))
    replayed_in = models.ForeignKey(
        IngestBatch,
        verbose_name=_("replayed in"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("rejected record")
        verbose_name_plural = _("rejected records")
        ordering = ["batch", "index"]
        constraints = [models.UniqueConstraint(fields=["batch", "index"], name="reject_unique_index")]

    def __str__(self) -> str:
        return f"batch {self.batch_id} #{self.index} {self.dossier_code}"


class SourceDossier(models.Model):
    """A dossier as one source system last reported it (the portal's copy beside the ministry's or
    the province's). Versions are ordered by lifecycle stage, then ``event_at`` — the latest of the
    record's own event times — so a state arriving late never overwrites a newer one; a correction
    (``isUpdating``) of the same or a later stage wins whatever its dates (ADR 0013)."""

    # No separate indexes on source, agency, procedure: source and agency lead the indexes below,
    # and every index costs each of the millions of monthly upserts. No database constraint on
    # source, agency, procedure and batch either: a per-row check of each was a fifth of the bulk
    # writes' database time; the writer holds the referenced rows once per chunk instead (ADR 0020),
    # and Django still applies on_delete.
    source = models.ForeignKey(
        SourceSystem,
        verbose_name=_("source"),
        on_delete=models.CASCADE,
        related_name="dossiers",
        db_index=False,
        db_constraint=False,
    )
    code = models.CharField(_("dossier code"), max_length=64)
    dossier = models.ForeignKey(
        "tthc.Dossier",
        verbose_name=_("dossier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    agency = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("receiving agency"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    procedure = models.ForeignKey(
        "tthc.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    status = models.PositiveSmallIntegerField(_("status"))
    previous_status = models.PositiveSmallIntegerField(
        _("previous status"),
        null=True,
        blank=True,
        help_text=_("The status this source reported before the latest one."),
    )
    channel = models.PositiveSmallIntegerField(_("channel"), default=1)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("result returned at"), null=True, blank=True)
    progress_steps = models.PositiveIntegerField(_("progress steps"), default=0)
    e_result = models.BooleanField(
        _("electronic result"),
        default=False,
        db_default=False,
        help_text=_("The record's result documents (DanhSachGiayToKetQua) carry an electronic file."),
    )
    filing_place = models.PositiveSmallIntegerField(
        _("filed at"),
        null=True,
        blank=True,
        help_text=_("Where the dossier was filed (NoiNopHoSo), as this source reported it."),
    )
    event_at = models.DateTimeField(_("latest event time"))
    corrected = models.BooleanField(
        _("sent as a correction"),
        default=False,
        db_default=False,
        help_text=_("The version held here was sent as a correction (isUpdating)."),
    )
    superseded_at = models.DateTimeField(
        _("corrected up to"),
        null=True,
        blank=True,
        help_text=_(
            "A correction replaced this source's versions up to this event time: a replay of them "
            "never wins again (ADR 0013)."
        ),
    )
    synced_at = models.DateTimeField(_("last synced at"))
    digest = models.CharField(_("payload digest"), max_length=32)
    batch = models.ForeignKey(
        IngestBatch,
        verbose_name=_("last batch"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )

    #: The platform's dossier of the same code, as a join (no column, no constraint): lets a query over
    #: dossiers read one source's copy of each (``FilteredRelation("copies_by_code", …)``) with a
    #: LEFT JOIN on the (source, code) key instead of a correlated subquery per field.
    dossier_by_code = models.ForeignObject(
        "tthc.Dossier",
        on_delete=models.DO_NOTHING,
        from_fields=["code"],
        to_fields=["code"],
        related_name="copies_by_code",
        null=True,
        editable=False,
    )

    objects = SourceDossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier as seen by a source")
        verbose_name_plural = _("dossiers as seen by sources")
        constraints = [models.UniqueConstraint(fields=["source", "code"], name="source_dossier_key")]
        indexes = [
            models.Index(fields=["agency", "received_at"], name="srcdossier_agency_time"),
            models.Index(fields=["code"], name="srcdossier_code"),
            # Reconciliation reads one source's dossiers of one province's agencies in one month; the
            # trailing procedure makes its per-run counts index-only scans (an INCLUDE column would
            # warn on SQLite).
            models.Index(
                fields=["source", "agency", "received_at", "procedure"], name="srcdossier_src_agency_time_pr"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.code}"


class ReportedCount(models.Model):
    """Monthly dossier counts from the national reporting system (only counts exist there)."""

    source = models.ForeignKey(
        SourceSystem, verbose_name=_("source"), on_delete=models.CASCADE, related_name="counts"
    )
    agency = models.ForeignKey(
        "tthc.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    period = PeriodField(_("period"), help_text="YYYY-MM")
    system_code = models.CharField(
        _("counted system"),
        max_length=40,
        blank=True,
        help_text=_("The source system counted, empty for all."),
    )
    received = models.PositiveIntegerField(_("dossiers received"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reported count")
        verbose_name_plural = _("reported counts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "agency", "period", "system_code"], name="reported_count_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.agency_id} {self.system_code or '*'}: {self.received}"


class GapKind(models.TextChoices):
    MISSING_ON_PORTAL = "missing_on_portal", _("Missing on the portal")
    MISSING_AT_SOURCE = "missing_at_source", _("Missing at the source")
    STATUS_DIFFERS = "status_differs", _("Status differs")
    FINISH_DIFFERS = "finish_differs", _("Finish time differs")
    DUE_DIFFERS = "due_differs", _("Due date differs")
    SYNCED_LATE = "synced_late", _("Synced late")
    SUSPICIOUS = "suspicious", _("Suspicious pattern")
    # The system sends (almost) nothing: the agency's reported count exceeds what the portal holds.
    NOT_SYNCED = "not_synced", _("Not synced at all")
    # The ministry system → provincial system leg of the chain (three-way comparison).
    MISSING_IN_PROVINCE_SYSTEM = "missing_in_province_system", _("Missing in the provincial system")
    PROVINCE_SYSTEM_DIFFERS = "province_system_differs", _("Provincial system differs")
    # What the sync carries beyond the dossier itself: progress steps and result documents.
    PROGRESS_MISSING = "progress_missing", _("Progress steps missing on the portal")
    RESULT_MISSING = "result_missing", _("Result documents missing on the portal")


#: Flags, not gaps: kept apart from a run's gap total, the matrix colour and the requests.
FLAG_KINDS: tuple[str, ...] = (GapKind.SUSPICIOUS,)


def counted_kinds() -> tuple[str, ...]:
    """The gap kinds that count — in a run's ``gap_total``, its ``gap_dossiers`` (the matrix colour)
    and the requests: every kind but the suspicious flags, unless ``TTHC_SUSPICIOUS_COUNTS_AS_GAP``."""
    if settings.TTHC_SUSPICIOUS_COUNTS_AS_GAP:
        return tuple(GapKind.values)
    return tuple(k for k in GapKind.values if k not in FLAG_KINDS)


def counted_total(counts: dict[str, int] | None) -> int:
    """The gaps of ``counts`` ({kind: n}) counted once: the kinds that count (:func:`counted_kinds`),
    less the overlap of ``not_synced`` with ``missing_on_portal`` — a shortfall of the portal's count
    against the province's reported count already includes the dossiers listed as missing on the
    portal, so only what it adds beyond them counts (the larger of the two, as for the points at
    stake; docs/domain.md, "Not synced at all")."""
    counts = counts or {}
    kinds = counted_kinds()
    total = sum(int(n) for k, n in counts.items() if k in kinds)
    if GapKind.NOT_SYNCED in kinds and GapKind.MISSING_ON_PORTAL in kinds:
        total -= min(int(counts.get(GapKind.NOT_SYNCED, 0)), int(counts.get(GapKind.MISSING_ON_PORTAL, 0)))
    return total


def beyond_listed(counts: dict[str, int]) -> dict[str, int]:
    """``counts`` with ``not_synced`` as the dossiers it adds beyond those listed as missing on the
    portal (left out when it adds none): the figures a letter or report lists, which add up to
    :func:`counted_total`."""
    shortfall = int(counts.get(GapKind.NOT_SYNCED, 0))
    listed = int(counts.get(GapKind.MISSING_ON_PORTAL, 0))
    if not shortfall or not listed:
        return dict(counts)
    out = {k: v for k, v in counts.items() if k != GapKind.NOT_SYNCED}
    if shortfall > listed:
        out[GapKind.NOT_SYNCED] = shortfall - listed
    return out


class ReconciliationRun(models.Model):
    """The reconciliation of one province's dossiers in one month against one source system."""

    period = PeriodField(_("period"), help_text="YYYY-MM")
    province = models.ForeignKey(
        "tthc.Agency", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.ForeignKey(
        SourceSystem, verbose_name=_("source system"), on_delete=models.PROTECT, related_name="runs"
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    dossiers = models.PositiveIntegerField(_("dossiers compared"), default=0)
    portal_dossiers = models.PositiveIntegerField(_("dossiers on the portal"), default=0)
    reported_count = models.PositiveIntegerField(_("count in the reporting system"), null=True, blank=True)
    gap_counts = models.JSONField(_("gaps per kind"), default=dict)
    gap_dossiers = models.PositiveIntegerField(_("dossiers with a gap"), default=0)
    points_at_stake = models.DecimalField(_("points at stake"), max_digits=7, decimal_places=3, default=0)
    # Per 766 component ({code: points as text}), set by the index (indicators.services.impact).
    points_breakdown = models.JSONField(_("points at stake per component"), default=dict, blank=True)

    objects = RunQuerySet.as_manager()

    class Meta:
        verbose_name = _("reconciliation run")
        verbose_name_plural = _("reconciliation runs")
        ordering = ["-period", "province", "source"]
        constraints = [
            models.UniqueConstraint(fields=["period", "province", "source"], name="reconciliation_run_key")
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.province_id} × {self.source_id}"

    @property
    def gap_total(self) -> int:
        """The gaps that count, each once (:func:`counted_total`): suspicious flags are not gaps."""
        return counted_total(self.gap_counts)

    @property
    def total_gaps(self) -> int:
        return self.gap_total

    @property
    def suspicious(self) -> int:
        """Dossiers flagged with a suspicious pattern (their own tab; not in ``gap_total``)."""
        return int((self.gap_counts or {}).get(GapKind.SUSPICIOUS, 0))


class Gap(ChoiceLabelsMixin, models.Model):
    """One dossier × one gap kind found by a run, with both sides' values."""

    # No index of its own: the unique (run, kind, dossier_code) index serves every lookup by run, and
    # one index less makes a run's bulk insert of gaps cheaper.
    run = models.ForeignKey(
        ReconciliationRun,
        verbose_name=_("run"),
        on_delete=models.CASCADE,
        related_name="gaps",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=32, choices=GapKind.choices)
    dossier_code = models.CharField(_("dossier code"), max_length=64)
    procedure_code = models.CharField(_("procedure code"), max_length=40, blank=True)
    agency_code = models.CharField(_("agency code"), max_length=40, blank=True)
    source_value = models.CharField(_("source value"), max_length=255, blank=True)
    portal_value = models.CharField(_("portal value"), max_length=255, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)
    #: PostgreSQL: a 64-bit hash of everything the run compared and rendered for the gap's dossier
    #: (both copies, the flags, the rendering's text and the agency and procedure codes), so that a
    #: re-run renders and writes only the gaps whose inputs changed (``gap_sql``); empty elsewhere and
    #: on the ``not_synced`` rows.
    fingerprint = models.BigIntegerField(_("fingerprint"), null=True, blank=True, editable=False)

    objects = GapQuerySet.as_manager()

    class Meta:
        verbose_name = _("gap")
        verbose_name_plural = _("gaps")
        ordering = ["run", "kind", "dossier_code"]
        constraints = [
            models.UniqueConstraint(fields=["run", "kind", "dossier_code"], name="gap_unique_per_run"),
            models.CheckConstraint(condition=~Q(dossier_code=""), name="gap_has_dossier_code"),
        ]
        indexes = [models.Index(fields=["dossier_code"], name="gap_dossier_code")]

    def __str__(self) -> str:
        return f"{self.dossier_code} {self.kind}"


class ProcedureAssignment(models.Model):
    """Which system handles a procedure's dossiers, in which province, over which dates.

    Effective-dated: a procedure moves from the provinces' own systems to a ministry's centralized
    system (or back) on a date, for every province or for some. ``province`` empty means every
    province; a row for a province takes precedence over the every-province row in force on the same
    day. ``system_code`` is a ``SourceSystem.code`` (systems are referred to by code, which never
    changes); empty means each province's own system. ``valid_to`` is the last day in force
    (inclusive); empty means open-ended.
    """

    procedure = models.ForeignKey(
        "tthc.Procedure", verbose_name=_("procedure"), on_delete=models.CASCADE, related_name="assignments"
    )
    province = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every province."),
    )
    system_code = models.CharField(
        _("system code"), max_length=40, blank=True, help_text=_("Empty: each province's own system.")
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to (inclusive)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure → system assignment")
        verbose_name_plural = _("procedure → system assignments")
        ordering = ["procedure", "province", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "province", "valid_from"], name="assignment_key"),
            models.UniqueConstraint(
                fields=["procedure", "valid_from"],
                condition=Q(province__isnull=True),
                name="assignment_key_all_provinces",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="assignment_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["system_code", "valid_from"], name="assignment_system")]

    def __str__(self) -> str:
        return f"{self.procedure_id} → {self.system_code or '*'} ({self.valid_from}…{self.valid_to or ''})"
