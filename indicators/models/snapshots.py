"""Stored index results: one snapshot per ranked agency and period, one row per component.

Snapshots keep the numerator and denominator of every component (not just its points) and the
instant they were judged at (``as_of``), so that any score can be re-explained later down to the
dossiers, procedures or feedback items behind it, with the very filters that produced it.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core import formatting
from core.scope import scope_of
from tthc.models import Agency
from tthc.period_fields import KINDS, PeriodField


class Level(models.TextChoices):
    PROVINCE = "province", _("Province")
    MINISTRY = "ministry", _("Ministry")


class SnapshotQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Snapshots of agencies where the user sees the agency itself or anything below it.

        A commune officer thus sees their province's score; the drill-down then shows only the rows
        inside their own scope (``indicators.services.explain``).
        """
        ids = scope_of(user).agency_ids()
        if ids is None:
            return self
        if not ids:
            return self.none()
        ranked = Agency.objects.filter(pk__in=ids).values("ranked_agency_id")
        return self.filter(agency_id__in=ranked)

    def for_period(self, period):
        return self.filter(period=str(period))

    def version_of(self, period):
        """When the period's latest snapshot was computed (``None``: never): what caches and rendered
        documents derived from the period's scores are keyed by."""
        return self.for_period(period).aggregate(v=models.Max("computed_at"))["v"]


class IndicatorSnapshot(models.Model):
    agency = models.ForeignKey(
        "tthc.Agency", verbose_name=_("agency"), on_delete=models.CASCADE, related_name="+"
    )
    period = PeriodField(_("period"), kinds=KINDS, help_text="YYYY-MM, YYYY-Qn or YYYY")
    period_kind = models.CharField(_("period kind"), max_length=7)
    methodology = models.CharField(_("methodology"), max_length=10)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    as_of = models.DateTimeField(_("judged as of"))
    final = models.BooleanField(
        _("final"), default=False, help_text=_("The period had ended when it was computed.")
    )
    total = models.DecimalField(
        _("total"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty when the agency had no dossier judged in the period (band no_data, no rank)."),
    )
    band = models.CharField(_("band"), max_length=20)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    peers = models.PositiveSmallIntegerField(_("ranked peers"), default=0)
    groups = models.JSONField(
        _("groups"),
        default=dict,
        help_text=_("{group: {score, max, rank, change}} with decimals as strings."),
    )
    previous_total = models.DecimalField(
        _("previous period's total"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    change = models.DecimalField(_("change"), max_digits=6, decimal_places=2, null=True, blank=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("index snapshot")
        verbose_name_plural = _("index snapshots")
        ordering = ["period", "level", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period"], name="snapshot_agency_period"),
            models.CheckConstraint(condition=Q(total__gte=0, total__lte=100), name="snapshot_total_range"),
            models.CheckConstraint(
                condition=Q(total__isnull=False) | Q(band="no_data", rank__isnull=True),
                name="snapshot_no_data_unranked",
            ),
        ]
        indexes = [models.Index(fields=["period", "level", "rank"], name="snapshot_period_rank")]

    def __str__(self) -> str:
        return f"{self.agency.code} {self.period}: {formatting.number(self.total, 2)}"

    @property
    def has_data(self) -> bool:
        """False: nothing was judged in the period — no total, no rank ("chưa có dữ liệu")."""
        return self.total is not None


class ComponentValue(models.Model):
    snapshot = models.ForeignKey(
        IndicatorSnapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="components"
    )
    code = models.CharField(_("component"), max_length=40)
    group = models.CharField(_("group"), max_length=4)
    numerator = models.BigIntegerField(_("numerator"))
    denominator = models.BigIntegerField(_("denominator"))
    ratio = models.DecimalField(_("ratio"), max_digits=9, decimal_places=6, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    max_points = models.DecimalField(_("maximum points"), max_digits=5, decimal_places=2)
    details = models.JSONField(
        _("details"),
        default=dict,
        blank=True,
        help_text=_("Counts behind special rules: penalties, portal and reporting counts."),
    )

    class Meta:
        verbose_name = _("component value")
        verbose_name_plural = _("component values")
        ordering = ["snapshot", "group", "code"]
        constraints = [models.UniqueConstraint(fields=["snapshot", "code"], name="component_value_unique")]

    def __str__(self) -> str:
        return f"{self.code}: {self.points}/{self.max_points}"

    @property
    def lost(self):
        return self.max_points - self.points
