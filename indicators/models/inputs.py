"""Inputs of the index that neither dossiers nor the procedure catalogue carry.

* ``CertifiedCopyCommune`` — communes providing electronic certified copies (chứng thực bản sao
  điện tử), for E_CERTIFIED_COPY; kept here rather than as a flag on ``tthc.Agency`` because only
  the index reads it, and it has a start date (a commune starts providing the service).
* ``PublicationDeadline`` — for each procedure, the dates by which it had to be published and made
  public, per level. They are working-day arithmetic (``tthc.calendar``) that SQL cannot do, so
  they are stored, refreshed before every computation, and compared in the aggregate queries.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.scope import scope_of


class CertifiedCopyCommuneQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(scope_of(user).agency_q("commune"))


class CertifiedCopyCommune(models.Model):
    commune = models.OneToOneField(
        "tthc.Agency",
        verbose_name=_("commune"),
        on_delete=models.CASCADE,
        related_name="e_certified_copy",
        limit_choices_to={"kind": "commune"},
    )
    since = models.DateField(_("provides electronic certified copies since"))
    until = models.DateField(_("stopped on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CertifiedCopyCommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune providing electronic certified copies")
        verbose_name_plural = _("communes providing electronic certified copies")
        constraints = [
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")), name="ecopy_until_after_since"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commune_id} since {self.since:%Y-%m-%d}"


class PublicationDeadline(models.Model):
    """When a procedure had to be published (decided) and made public, as ministry and as province.

    ``*_decide_due`` = the Nth working day before the legal basis takes effect; ``*_public_due`` =
    N working days after the publishing decision (N from the methodology, see
    ``indicators.definitions.base.PUBLICATION_WORKING_DAYS``).
    """

    procedure = models.OneToOneField(
        "tthc.Procedure",
        verbose_name=_("procedure"),
        on_delete=models.CASCADE,
        related_name="publication_deadline",
    )
    ministry_decide_due = models.DateField(null=True, blank=True)
    province_decide_due = models.DateField(null=True, blank=True)
    ministry_public_due = models.DateField(null=True, blank=True)
    province_public_due = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("publication deadline")
        verbose_name_plural = _("publication deadlines")

    def __str__(self) -> str:
        return f"{self.procedure_id}"
