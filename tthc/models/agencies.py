"""The agency tree: central → ministry / province → commune, departments and one-stop shops.

The tree is stored as a materialised path (``/CP/01/00004/``) so that a subtree is one indexed
prefix query (``path LIKE '/CP/01/%'``), never a recursive walk. The path is maintained by
``tthc.services.agencies`` (the only writer); agencies are effective-dated and a merged or
abolished agency points at its ``successor`` so that history still rolls up.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.scope import scope_of

PATH_SEPARATOR = "/"


class AgencyKind(models.TextChoices):
    CENTRAL = "central", _("Central body")
    MINISTRY = "ministry", _("Ministry")
    MINISTRY_LEVEL = "ministry_level", _("Ministry-level body")
    PROVINCE = "province", _("Province")
    COMMUNE = "commune", _("Commune")
    UNIT = "unit", _("Department / unit")
    ONE_STOP = "one_stop", _("One-stop shop")


#: Kinds that the 766 index ranks (ministries among ministries, provinces among provinces).
RANKED_KINDS = (AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL, AgencyKind.PROVINCE)


class AgencyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Agencies the user may see (the scope the permission gate gave the user: ``core.scope``)."""
        return self.filter(scope_of(user).agency_q())

    def with_role(self, user, min_role: str):
        """Agencies on which the user holds at least ``min_role`` (the admin's choices to write to)."""
        return self.filter(scope_of(user).agencies_q(min_role))

    def subtree(self, agency: Agency | str, include_self: bool = True):
        """The agency and everything below it: one prefix query on the materialised path."""
        path = agency if isinstance(agency, str) else agency.path
        qs = self.filter(path__startswith=path)
        if not include_self:
            qs = qs.exclude(path=path)
        return qs

    def subtrees(self, paths):
        """Union of several subtrees (one OR of prefix filters)."""
        q = Q(pk__in=[])
        for path in paths:
            q |= Q(path__startswith=path)
        return self.filter(q)

    def active(self, on: date | None = None):
        """Agencies in force on a date (default: today in Vietnam time)."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=on)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=on)
        )

    def root(self) -> Agency | None:
        """The root of the agency tree (the Government, "Chính phủ"): the first agency with no parent."""
        return self.filter(parent__isnull=True).order_by("pk").first()

    def ranked(self):
        return self.filter(kind__in=RANKED_KINDS)

    def ids_ranked_under(self, agency: Agency | int) -> list[int]:
        """Ids of the agencies whose rows count for ``agency`` in the index (``ranked_agency``): a
        province's own, its departments and communes. Resolved first, a filter by these ids reads
        the dossiers through their (agency, …) indexes; a join on ``ranked_agency`` was planned as a
        scan of the table or a loop over every agency (docs/scaling.md, measured at 10 M dossiers)."""
        return list(self.filter(ranked_agency=agency).values_list("pk", flat=True))

    def ministries(self):
        return self.filter(kind__in=(AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL))

    def provinces(self):
        return self.filter(kind=AgencyKind.PROVINCE)


class Agency(models.Model):
    """An agency (cơ quan, đơn vị) in the effective-dated administrative tree."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("tree path"), max_length=400, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    ranked_agency = models.ForeignKey(
        "self",
        verbose_name=_("ranked agency"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        help_text=_("The ministry or province this agency is scored with in the 766 index."),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessors",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="agency_valid_range",
            ),
            models.CheckConstraint(condition=~Q(code__contains=PATH_SEPARATOR), name="agency_code_no_slash"),
            models.CheckConstraint(condition=~Q(successor=models.F("pk")), name="agency_not_own_successor"),
        ]
        indexes = [models.Index(fields=["kind", "code"], name="agency_kind_code")]

    def __str__(self) -> str:
        return f"{self.short_name or self.name} ({self.code})"

    def clean(self):
        if self.code and PATH_SEPARATOR in self.code:
            raise ValidationError({"code": _("An agency code may not contain '/'.")})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})
        if self.parent_id and self.pk and self.parent.path.startswith(self.path or "\0"):
            raise ValidationError(
                {"parent": _("An agency cannot be placed under itself or its own sub-unit.")}
            )

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.valid_from is None or self.valid_from <= on) and (
            self.valid_to is None or self.valid_to >= on
        )

    def is_ancestor_of(self, other: Agency) -> bool:
        return other.path.startswith(self.path)

    @property
    def ancestor_codes(self) -> list[str]:
        return [c for c in self.path.split(PATH_SEPARATOR) if c]

    def ancestors(self):
        """Ancestors (without self), root first: one query by code."""
        codes = self.ancestor_codes[:-1]
        return Agency.objects.filter(code__in=codes).order_by("depth")

    def subtree(self):
        return Agency.objects.subtree(self)
