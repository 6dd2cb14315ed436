"""Readiness of procedures on ministries' centralized systems (seed 002, letter 5686/VPCP-CĐS).

* :class:`CriteriaSet` / :class:`Criterion` — the criteria set (bộ tiêu chí đánh giá mức độ sẵn sàng
  của TTHC trên HTTT GQTTHC tập trung cấp bộ) as versioned data, issued by a body with a date;
* :class:`Assessment` / :class:`CriterionResult` / :class:`RoadmapStep` — a ministry's assessment of
  one procedure on one of its systems (đánh giá, phân loại), approved by a leader, classified
  ``ready`` or ``not_ready`` (with the planned date and the roadmap — lộ trình — when not ready).
  Never overwritten: a newer approved assessment supersedes the current one, which stays in history;
* :class:`ProvincePlan` — a province's adjustment plan (kế hoạch điều chỉnh HTTT GQTTHC cấp tỉnh) per
  listed not-ready procedure;
* :class:`ChaseMarker` — the classification deadline's reminders, sent once per ministry and stage.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from complaints.access import is_supervisor
from core.scope import scope_of
from core.text import stored_file_name


def _default_issuer() -> str:
    return settings.TTHC_READINESS_ISSUER


class CriteriaSetQuerySet(models.QuerySet):
    def visible_to(self, user) -> CriteriaSetQuerySet:
        """A public catalogue: every logged-in user reads the criteria sets."""
        return self if user is not None and user.is_authenticated else self.none()

    def in_force(self, on: date | None = None) -> CriteriaSetQuerySet:
        on = on or timezone.localdate()
        return self.filter(in_force_from__lte=on).order_by("-in_force_from", "-version", "-pk")


class CriteriaSet(models.Model):
    """A versioned criteria set issued by a body (default: the Ministry of Science and Technology)."""

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    name = models.CharField(_("name"), max_length=255)
    issuer = models.CharField(_("issuing body"), max_length=255, default=_default_issuer)
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    issued_on = models.DateField(_("issue date"))
    in_force_from = models.DateField(_("in force from"))
    assess_by = models.DateField(
        _("classification deadline"),
        null=True,
        blank=True,
        help_text=_("Ministries classify their procedures against this set by this date."),
    )
    is_example = models.BooleanField(
        _("example only"),
        default=False,
        help_text=_("An illustrative set shipped with the platform, not the official text."),
    )
    notes = models.TextField(_("notes"), blank=True)

    objects = CriteriaSetQuerySet.as_manager()

    class Meta:
        verbose_name = _("criteria set")
        verbose_name_plural = _("criteria sets")
        ordering = ["-in_force_from", "code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="criteriaset_code_version")]

    def __str__(self) -> str:
        label = f"{self.name} v{self.version}"
        return f"{label} ({_('example')})" if self.is_example else label


class Criterion(models.Model):
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="criteria"
    )
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=120, blank=True)
    evidence = models.TextField(_("how it is evidenced"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["criteria_set", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Classification(models.TextChoices):
    READY = "ready", _("Ready")
    NOT_READY = "not_ready", _("Not ready")


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for approval")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")


class Outcome(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssessmentQuerySet:
        """A ministry's assessments: its users (the gate's scope over ``ministry``), supervisors, national."""
        scope = scope_of(user)
        if scope.is_national or is_supervisor(user):
            return self
        return self.filter(scope.agency_q("ministry"))

    def current(self) -> AssessmentQuerySet:
        return self.filter(is_current=True)

    def not_ready(self) -> AssessmentQuerySet:
        return self.current().filter(classification=Classification.NOT_READY)

    def overdue(self, on: date | None = None) -> AssessmentQuerySet:
        """Published not-ready entries whose planned date has passed (the procedure is still not ready)."""
        return self.not_ready().filter(planned_ready_on__lt=on or timezone.localdate())


class Assessment(models.Model):
    """One assessment of one procedure on one ministry system against one criteria set."""

    procedure = models.ForeignKey(
        "tthc.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+"
    )
    ministry = models.ForeignKey(
        "tthc.Agency",
        verbose_name=_("ministry"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The procedure's owning ministry when assessed (the gate's key)."),
    )
    system = models.ForeignKey(
        "reconciliation.SourceSystem", verbose_name=_("system"), on_delete=models.PROTECT, related_name="+"
    )
    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.PROTECT, related_name="assessments"
    )
    state = models.CharField(
        _("state"), max_length=12, choices=AssessmentState.choices, default=AssessmentState.DRAFT
    )
    classification = models.CharField(
        _("classification"), max_length=12, choices=Classification.choices, blank=True
    )
    planned_ready_on = models.DateField(_("planned ready date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)
    is_current = models.BooleanField(_("current"), default=False, db_index=True)
    superseded_by = models.ForeignKey(
        "self",
        verbose_name=_("superseded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supersedes",
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("readiness assessment")
        verbose_name_plural = _("readiness assessments")
        ordering = ["procedure", "system", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "system"], condition=Q(is_current=True), name="assessment_one_current"
            ),
            models.CheckConstraint(
                condition=Q(is_current=False) | Q(state=AssessmentState.APPROVED),
                name="assessment_current_is_approved",
            ),
            models.CheckConstraint(
                condition=~Q(state=AssessmentState.APPROVED) | ~Q(classification=""),
                name="assessment_approved_is_classified",
            ),
            models.CheckConstraint(
                condition=~Q(state=AssessmentState.APPROVED, classification=Classification.NOT_READY)
                | Q(planned_ready_on__isnull=False),
                name="assessment_not_ready_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["ministry", "is_current"], name="assessment_ministry_current"),
            models.Index(fields=["procedure", "system", "decided_at"], name="assessment_history"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.procedure_id}@{self.system_id} {self.state} {self.classification}"

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.is_current
            and self.classification == Classification.NOT_READY
            and self.planned_ready_on
            and self.planned_ready_on < timezone.localdate()
        )


def _attachment_path(instance: CriterionResult, filename: str) -> str:
    return f"readiness/{instance.assessment_id}/{stored_file_name(filename)}"


class CriterionResult(models.Model):
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="results"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    note = models.TextField(_("note"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to=_attachment_path, max_length=300, blank=True)
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    attachment_type = models.CharField(_("content type"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("criterion result")
        verbose_name_plural = _("criterion results")
        ordering = ["assessment", "criterion__order", "criterion__code"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="criterion_result_once")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.criterion_id} {self.outcome}"


class RoadmapStep(models.Model):
    assessment = models.ForeignKey(
        Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE, related_name="steps"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    action = models.CharField(_("step"), max_length=500)
    due_on = models.DateField(_("due date"))

    class Meta:
        verbose_name = _("roadmap step")
        verbose_name_plural = _("roadmap steps")
        ordering = ["assessment", "order", "due_on"]

    def __str__(self) -> str:
        return f"{self.due_on} {self.action}"


class PlanStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")


class ProvincePlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProvincePlanQuerySet:
        scope = scope_of(user)
        if scope.is_national or is_supervisor(user):
            return self
        return self.filter(scope.agency_q("province"))

    def remaining(self) -> ProvincePlanQuerySet:
        return self.exclude(status=PlanStatus.DONE)


class ProvincePlan(models.Model):
    """A province's plan for one listed not-ready procedure (on one ministry system)."""

    province = models.ForeignKey(
        "tthc.Agency", verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    procedure = models.ForeignKey(
        "tthc.Procedure", verbose_name=_("procedure"), on_delete=models.PROTECT, related_name="+"
    )
    system = models.ForeignKey(
        "reconciliation.SourceSystem", verbose_name=_("system"), on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("action"), max_length=500)
    owner_unit = models.CharField(_("owner unit"), max_length=255)
    target_on = models.DateField(_("target date"))
    status = models.CharField(
        _("status"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.PLANNED
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ProvincePlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("province adjustment plan")
        verbose_name_plural = _("province adjustment plans")
        ordering = ["province", "target_on", "procedure"]
        constraints = [
            models.UniqueConstraint(fields=["province", "procedure", "system"], name="province_plan_once")
        ]

    def __str__(self) -> str:
        return f"{self.province.code} · {self.procedure.code}: {self.get_status_display()}"


class ChaseMarker(models.Model):
    """A classification-deadline stage sent to a ministry for a criteria set (once: unique)."""

    criteria_set = models.ForeignKey(
        CriteriaSet, verbose_name=_("criteria set"), on_delete=models.CASCADE, related_name="+"
    )
    ministry = models.ForeignKey(
        "tthc.Agency", verbose_name=_("ministry"), on_delete=models.CASCADE, related_name="+"
    )
    stage = models.CharField(_("stage"), max_length=20)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)
    pending = models.PositiveIntegerField(_("procedures not classified"), default=0)

    class Meta:
        verbose_name = _("readiness chasing marker")
        verbose_name_plural = _("readiness chasing markers")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["criteria_set", "ministry", "stage"], name="readiness_chase_once_per_stage"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criteria_set_id} {self.ministry_id} {self.stage}"


def current_assessment_exists(procedure_ref: str = "pk", **filters: object) -> Exists:
    """``Exists`` of a current approved assessment of the outer procedure (``filters`` narrow it)."""
    return Exists(Assessment.objects.filter(procedure_id=OuterRef(procedure_ref), is_current=True, **filters))
