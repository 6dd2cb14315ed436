"""The row filters the components are built from, one function per set, each taking a ``Window``.

Timeliness is never restated here: dossier and feedback sets call the querysets' own methods
through ``qsets`` (``DossierQuerySet.on_time/overdue/judged/in_period/paid_online``,
``FeedbackQuerySet.overdue/not_overdue``, ``AgencyQuerySet.active``).
"""

from __future__ import annotations

from django.db.models import F, Q

from reconciliation.models import SourceKind, active_portal_q
from tthc.models import AgencyKind, AgencyQuerySet, Channel, DossierStatus, OnlineLevel, Satisfaction

from .base import MINISTRY, Window
from .qsets import dossier_q, feedback_q, q_of

S = DossierStatus
NEVER_RECEIVED = (S.NEW, S.NOT_RECEIVED)
FINISHED = (S.FINISHED, S.RETURNED)
MINISTRY_KINDS = (AgencyKind.MINISTRY, AgencyKind.MINISTRY_LEVEL)

# --- Dossiers ------------------------------------------------------------------------------------------

#: A result has been issued: a result-issuing procedure's dossier that finished (status 9 or 10).
RESULT_ISSUED = Q(status__in=FINISHED, procedure__issues_result=True)

#: The procedure is in the authority of the level the dossier scores for (province and commune
#: procedures for provinces, central ones for ministries).
IN_SCOPE = (
    Q(receiving_agency__ranked_agency__kind=AgencyKind.PROVINCE)
    & (Q(procedure__level_province=True) | Q(procedure__level_commune=True))
) | Q(receiving_agency__ranked_agency__kind__in=MINISTRY_KINDS, procedure__level_central=True)


def dossier_window(w: Window) -> Q:
    """Every dossier any dossier measure can count: received by ``as_of`` and received, finished or
    still open in the period. The aggregate query scans this instead of OR-ing every measure's
    conditions (a superset of each, since ``finished_at >= received_at`` is a database constraint;
    ``tests/indicators`` checks it)."""
    return Q(received_at__lte=w.as_of) & (
        Q(received_at__gte=w.start) | Q(finished_at__gte=w.start) | Q(finished_at__isnull=True)
    )


def dossier_window_arms(w: Window) -> tuple[Q, Q, Q]:
    """``dossier_window`` cut into three disjoint parts whose union is the window, each the range of
    one index when the query also names the receiving agencies: received in the period (the (agency,
    received) index), received earlier and finished since the period began (the (agency, finished)
    index), received earlier and still open (the open dossiers' index). One province's count then
    reads its month and its carry-over only, not its whole history nor the national table
    (``measures._dossier_family``; ``tests/indicators`` checks the partition)."""
    earlier = Q(received_at__lt=w.start)
    return (
        Q(received_at__gte=w.start, received_at__lte=w.as_of),
        earlier & Q(finished_at__gte=w.start),
        earlier & Q(finished_at__isnull=True),
    )


def received(w: Window) -> Q:
    """Received in the period (by ``as_of``); never-received (status 1, 3) excluded."""
    return dossier_q("in_period", w.period) & Q(received_at__lte=w.as_of) & ~Q(status__in=NEVER_RECEIVED)


def judged(w: Window) -> Q:
    """Dossiers whose timeliness this period judges: finished in the period, or still open at
    ``as_of`` whenever they were received (carry-over) — docs/domain.md#sets, ON_TIME."""
    finished_in = Q(finished_at__gte=w.start, finished_at__lt=w.end, finished_at__lte=w.as_of)
    open_at = Q(finished_at__isnull=True) | Q(finished_at__gt=w.as_of)
    return dossier_q("judged") & Q(received_at__lte=w.as_of) & (finished_in | open_at)


def on_time(w: Window) -> Q:
    return judged(w) & dossier_q("on_time", w.as_of)


def overdue(w: Window) -> Q:
    return judged(w) & dossier_q("overdue", w.as_of)


def decided(w: Window) -> Q:
    """On time or overdue at ``as_of`` (open dossiers still within time are not judged yet)."""
    return judged(w) & (dossier_q("on_time", w.as_of) | dossier_q("overdue", w.as_of))


def complained(w: Window) -> Q:
    return decided(w) & (Q(has_complaint=True) | Q(satisfaction=Satisfaction.DISLIKE))


def finished_with_result(w: Window) -> Q:
    """Dossiers of result-issuing procedures that finished in the period."""
    return Q(
        status__in=FINISHED,
        procedure__issues_result=True,
        finished_at__gte=w.start,
        finished_at__lt=w.end,
        finished_at__lte=w.as_of,
    )


def electronic_result(w: Window) -> Q:
    return finished_with_result(w) & Q(has_electronic_result=True)


def digitised(w: Window) -> Q:
    """Digitised components, and an electronic result wherever a result has been issued."""
    return received(w) & Q(has_digitised_components=True) & (Q(has_electronic_result=True) | ~RESULT_ISSUED)


def data_reused(w: Window) -> Q:
    return received(w) & Q(data_reused=True)


def personal_store(w: Window) -> Q:
    return received(w) & Q(linked_personal_store=True)


def population_data(w: Window) -> Q:
    return received(w) & Q(population_data_used=True)


def filed_online(w: Window) -> Q:
    """Channel 2, with an electronic result wherever a result has been issued."""
    return received(w) & Q(channel=Channel.ONLINE) & (Q(has_electronic_result=True) | ~RESULT_ISSUED)


def online_service_used(w: Window) -> Q:
    """Online dossiers of an online service in the agency's authority (counted per procedure)."""
    return received(w) & Q(channel=Channel.ONLINE) & ~Q(procedure__online_level=OnlineLevel.NONE) & IN_SCOPE


def with_fee(w: Window) -> Q:
    return received(w) & Q(fee_amount__gt=0)


def paid_online(w: Window) -> Q:
    return with_fee(w) & dossier_q("paid_online")


def fee_procedure_dossier(w: Window) -> Q:
    """Dossiers of fee-bearing procedures in the agency's authority (counted per procedure)."""
    return received(w) & Q(procedure__fee_bearing=True) & IN_SCOPE


def fee_procedure_paid(w: Window) -> Q:
    return fee_procedure_dossier(w) & dossier_q("paid_online")


# --- Procedures (``w.level`` is set) -------------------------------------------------------------------


def in_authority(w: Window) -> Q:
    if w.level == MINISTRY:
        return Q(level_central=True)
    return Q(level_province=True) | Q(level_commune=True)


def due_for_publication(w: Window) -> Q:
    """The legal basis takes effect in the period: the publishing decision was due."""
    return in_authority(w) & Q(
        legal_basis_effective_on__gte=w.first_day, legal_basis_effective_on__lte=w.last_day
    )


def published_on_time(w: Window) -> Q:
    return due_for_publication(w) & Q(published_on__lte=F(f"publication_deadline__{w.level}_decide_due"))


def published_in_period(w: Window) -> Q:
    return in_authority(w) & Q(published_on__gte=w.first_day, published_on__lte=w.last_day)


def made_public_on_time(w: Window) -> Q:
    return published_in_period(w) & Q(made_public_on__lte=F(f"publication_deadline__{w.level}_public_due"))


def public(w: Window) -> Q:
    return in_authority(w) & Q(made_public_on__lte=w.last_day)


def public_complete(w: Window) -> Q:
    return public(w) & Q(content_complete=True)


def citizen_facing(w: Window) -> Q:
    return in_authority(w) & Q(citizen_facing=True)


def population_connected(w: Window) -> Q:
    return citizen_facing(w) & Q(population_data_connected=True)


def offered_online(w: Window) -> Q:
    return in_authority(w) & ~Q(online_level=OnlineLevel.NONE)


def fee_bearing(w: Window) -> Q:
    return in_authority(w) & Q(fee_bearing=True)


def payment_integrated(w: Window) -> Q:
    return fee_bearing(w) & Q(payment_integrated=True)


# --- Feedback, communes, sync -------------------------------------------------------------------------


def feedback_received(w: Window) -> Q:
    return feedback_q("in_period", w.period) & Q(received_at__lte=w.as_of)


def feedback_on_time(w: Window) -> Q:
    return feedback_received(w) & feedback_q("not_overdue", w.as_of)


def feedback_overdue(w: Window) -> Q:
    return feedback_received(w) & feedback_q("overdue", w.as_of)


def feedback_disliked(w: Window) -> Q:
    return feedback_received(w) & Q(disliked=True)


def feedback_repeated(w: Window) -> Q:
    return feedback_received(w) & Q(repeated=True)


def communes(w: Window) -> Q:
    return Q(kind=AgencyKind.COMMUNE) & q_of(AgencyQuerySet, "active", w.last_day)


def communes_e_copy(w: Window) -> Q:
    return (
        communes(w)
        & Q(e_certified_copy__since__lte=w.last_day)
        & (Q(e_certified_copy__until__isnull=True) | Q(e_certified_copy__until__gte=w.last_day))
    )


def portal_synced(w: Window) -> Q:
    """The active portal system's copies of dossiers received in the period (reconciliation.SourceDossier).

    Only that one system counts (a database constraint keeps it unique): another portal-kind system's
    copies never inflate a score.
    """
    return active_portal_q("source") & Q(
        received_at__gte=w.start, received_at__lt=w.end, received_at__lte=w.as_of
    )


def reported(w: Window) -> Q:
    return Q(source__kind=SourceKind.REPORTING, source__active=True, period__in=w.months)
