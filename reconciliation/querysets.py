"""Scoping of reconciliation data through the scope the permission gate gives each user (``core.scope``).

One rule for every page, API endpoint and export: a run (and its gaps) is visible to the users who
see its province, and to the users of the agency that owns the compared source system (a ministry
sees the runs of its centralized systems in every province). National administrators see all.
The rule lives here once, as ``Q`` objects built on ``scope.agency_q``; nothing re-checks it in
Python.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from core.scope import is_active_user, scope_of
from tthc.models import Dossier


def run_q(user, prefix: str = "") -> Q:
    """Runs whose province or whose source system's owner the user sees."""
    scope = scope_of(user)
    p = f"{prefix}__" if prefix else ""
    if scope.is_national:
        return Q()
    return scope.agency_q(f"{p}province") | scope.agency_q(f"{p}source__owner")


def _anonymous(user) -> bool:
    return not is_active_user(user)


class NoPortalSystem(LookupError):
    """No active portal system is configured."""


class SourceSystemQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Systems the user's agencies own, plus the national ones (ministry systems, the portal, the
        reporting system), which every province is compared against. Other provinces' own systems stay
        hidden."""
        if _anonymous(user):
            return self.none()
        scope = scope_of(user)
        if scope.is_national:
            return self
        from .models import SourceKind

        return self.filter(scope.agency_q("owner") | ~Q(kind=SourceKind.PROVINCIAL))

    def active_portal(self):
        """The active portal system as a queryset (one row at most: a database constraint)."""
        from .models import active_portal_q

        return self.filter(active_portal_q())

    def portal(self):
        """The active portal system — the one every province is reconciled and scored against."""
        system = self.active_portal().first()
        if system is None:
            raise NoPortalSystem(
                "No active source system of kind 'portal': create it with "
                "'manage.py create_source_system DVCQG --kind portal …' or activate one."
            )
        return system

    def reporting(self):
        """The active national reporting system, or ``None``."""
        from .models import SourceKind

        return self.filter(kind=SourceKind.REPORTING, active=True).first()

    def comparable(self):
        """Systems a province's dossiers are reconciled against (not the portal or the reporting system)."""
        from .models import SourceKind

        return self.filter(kind__in=(SourceKind.MINISTRY, SourceKind.PROVINCIAL))


class SourceDossierQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A source's copy of a dossier is visible with its receiving agency, or to the owner of the
        centralized system handling its procedure — by ``central_system`` or by an assignment (a
        ministry sees every province's copies of the dossiers on its systems, including the portal's
        copy)."""
        if _anonymous(user):
            return self.none()
        scope = scope_of(user)
        if scope.is_national:
            return self
        from .models import ProcedureAssignment, SourceKind, SourceSystem

        owned = SourceSystem.objects.filter(scope.agency_q("owner"), kind=SourceKind.MINISTRY).values("code")
        assigned = ProcedureAssignment.objects.filter(system_code__in=owned).values("procedure_id")
        return self.filter(
            scope.agency_q("agency")
            | Q(procedure__central_system__in=owned)
            | Q(procedure_id__in=assigned)  # assigned to its system at some date
        )


class RunQuerySet(models.QuerySet):
    def visible_to(self, user):
        if _anonymous(user):
            return self.none()
        return self.filter(run_q(user))

    def for_period(self, period):
        return self.filter(period=str(period))


class GapQuerySet(models.QuerySet):
    def counted(self):
        """The gaps that count in totals, matrix colours and requests (``models.counted_kinds``): the
        suspicious flags excluded unless ``TTHC_SUSPICIOUS_COUNTS_AS_GAP``."""
        from .models import counted_kinds

        return self.filter(kind__in=counted_kinds())

    def flags(self):
        """The suspicious-pattern flags (their own tab)."""
        from .models import FLAG_KINDS

        return self.filter(kind__in=FLAG_KINDS)

    def visible_to(self, user):
        """Gaps of the runs the user sees (see :func:`run_q`)."""
        if _anonymous(user):
            return self.none()
        return self.filter(run_q(user, "run"))

    def with_filing_place(self):
        """Annotated with ``filing_place``: where the gap's dossier was filed (``NoiNopHoSo``, as the
        platform's dossier holds it — one indexed lookup by code per row; ``None`` when not stated)."""
        if "filing_place" in self.query.annotations:
            return self
        return self.annotate(
            filing_place=models.Subquery(
                Dossier.objects.filter(code=models.OuterRef("dossier_code")).values("filing_place")[:1]
            )
        )


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Which system handles which procedure is public configuration: every active user reads it
        (only national administrators change it — the admin and the import command)."""
        if _anonymous(user):
            return self.none()
        return self

    def in_force(self, day):
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))
