from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ProcessingUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("Working days")
    CALENDAR_DAYS = "calendar_days", _("Calendar days")


class OnlineLevel(models.TextChoices):
    NONE = "none", _("Not online")
    PARTIAL = "partial", _("Partially online")
    FULL = "full", _("Fully online")


class ProcedureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Procedures are a public catalogue: every authenticated user may read them."""
        return self if user and user.is_authenticated else self.none()

    def online(self):
        return self.exclude(online_level=OnlineLevel.NONE)


class Procedure(models.Model):
    """An administrative procedure (thủ tục hành chính, TTHC) from the national database."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=500)
    field_code = models.CharField(_("field code"), max_length=40, blank=True, db_index=True)
    field_name = models.CharField(_("field"), max_length=255, blank=True)
    ministry = models.ForeignKey(
        "tthc.Agency", verbose_name=_("owning ministry"), on_delete=models.PROTECT, related_name="procedures"
    )
    level_central = models.BooleanField(_("handled at central level"), default=False)
    level_province = models.BooleanField(_("handled at province level"), default=False)
    level_commune = models.BooleanField(_("handled at commune level"), default=False)
    processing_amount = models.DecimalField(_("processing time"), max_digits=7, decimal_places=2, default=0)
    processing_unit = models.CharField(
        _("processing time unit"),
        max_length=20,
        choices=ProcessingUnit.choices,
        default=ProcessingUnit.WORKING_DAYS,
    )
    online_level = models.CharField(
        _("online level"), max_length=10, choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    fee_bearing = models.BooleanField(_("fee-bearing"), default=False)
    issues_result = models.BooleanField(_("issues a result"), default=True)
    citizen_facing = models.BooleanField(_("citizen-facing"), default=True)
    payment_integrated = models.BooleanField(_("online payment integrated on the portal"), default=False)
    population_data_connected = models.BooleanField(_("connected to population data"), default=False)
    content_complete = models.BooleanField(_("published with all required parts"), default=True)
    central_system = models.CharField(
        _("centralized system"),
        max_length=40,
        blank=True,
        db_index=True,
        help_text=_("Code of the ministry's centralized system that handles this procedure, if any."),
    )
    legal_basis_effective_on = models.DateField(_("legal basis effective date"), null=True, blank=True)
    published_on = models.DateField(_("publishing decision date"), null=True, blank=True)
    made_public_on = models.DateField(_("made public on the national database"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProcedureQuerySet.as_manager()

    class Meta:
        verbose_name = _("procedure")
        verbose_name_plural = _("procedures")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(processing_amount__gte=0), name="procedure_amount_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def levels(self) -> list[str]:
        return [
            name
            for name, on in (
                ("central", self.level_central),
                ("province", self.level_province),
                ("commune", self.level_commune),
            )
            if on
        ]
