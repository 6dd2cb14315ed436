"""The requests' menu entries, the supervisor audience and the home card (``core.navigation``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import formatting, navigation
from core.scope import scope_of
from tthc.periods import Period

from . import access
from .models import SyncGapRequest
from .workflow import OPEN, OVERDUE_STATES, PROVINCE_TURN, State


def requests_card(request) -> dict | None:
    """This month's requests: drafts awaiting a leader's signature, or the ministry's open inbox; for
    national users and supervisors (who file and answer none) the open and overdue cases nationwide."""
    user = request.user
    mine = navigation.audiences_of(user) if user.is_authenticated else set()
    if user.is_authenticated and scope_of(user).is_national:
        return supervision_card(user)
    if "province" in mine:
        period = Period.last_closed()
        visible = SyncGapRequest.objects.visible_to(user).filter(province__in=access.filing_provinces(user))
        drafts = visible.filter(period=period, state=State.DRAFT).count()
        open_cases = visible.filter(state__in=OPEN).count()
        to_decide = visible.filter(state__in=PROVINCE_TURN).count()
        text = [
            ngettext(
                "%(n)s draft awaits a leader's signature.", "%(n)s drafts await a leader's signature.", drafts
            )
            % {"n": drafts},
            ngettext("%(n)s request is open.", "%(n)s requests are open.", open_cases) % {"n": open_cases},
        ]
        if to_decide:
            text.append(
                ngettext(
                    "%(n)s ministry's answer awaits the province's decision (accept or reopen).",
                    "%(n)s ministries' answers await the province's decision (accept or reopen).",
                    to_decide,
                )
                % {"n": to_decide}
            )
        return {
            "title": _("Requests to ministries, %(month)s") % {"month": formatting.month(period)},
            "value": str(drafts),
            "text": " ".join(text),
            "url": reverse("complaints:review") + f"?period={period}",
            "link": _("Review the month's drafts"),
            "more": [
                {
                    "url": reverse("complaints:list") + "?awaiting=province",
                    "link": _("Decide on the answers"),
                }
            ]
            if to_decide
            else [],
        }
    if access.is_supervisor(user):  # a supervising body's officer (not a national administrator)
        return supervision_card(user)
    if "addressee" in mine:
        # The cases in which the ministry owes an answer (answered or rejected ones await the province).
        owed = SyncGapRequest.objects.visible_to(user).filter(
            access.ministry_side_q(user), state__in=OVERDUE_STATES
        )
        waiting = owed.count()
        overdue = owed.filter(response_due_at__lt=timezone.now()).count()
        return {
            "title": _("Requests addressed to your ministry"),
            "value": str(waiting),
            "text": ngettext("%(n)s request awaits an answer.", "%(n)s requests await an answer.", waiting)
            % {"n": waiting}
            + " "
            + ngettext(
                "%(n)s is past the ministry's deadline.", "%(n)s are past the ministry's deadline.", overdue
            )
            % {"n": overdue},
            "url": reverse("complaints:inbox"),
            "link": _("Open the inbox"),
        }
    return None


def supervision_card(user) -> dict:
    """Filed cases still open everywhere, and those whose ministry missed its deadline."""
    filed = SyncGapRequest.objects.visible_to(user).filed()
    open_cases = filed.filter(state__in=OPEN).count()
    overdue = filed.filter(state__in=OVERDUE_STATES, response_due_at__lt=timezone.now()).count()
    return {
        "title": _("Requests nationwide"),
        "value": str(open_cases),
        "text": ngettext("%(n)s request is open", "%(n)s requests are open", open_cases) % {"n": open_cases}
        + "; "
        + ngettext(
            "%(n)s is past the ministry's deadline.", "%(n)s are past the ministry's deadline.", overdue
        )
        % {"n": overdue},
        "url": reverse("complaints:supervision"),
        "link": _("Open the supervision page"),
    }


def register() -> None:
    navigation.register_audience("supervisor", access.is_supervisor)
    navigation.register_audience("addressee", access.is_addressee)
    section = gettext_lazy("Requests and reports")
    navigation.register(
        navigation.Item(
            "complaints:review", gettext_lazy("Monthly review"), ("province",), order=50, section=section
        ),
        navigation.Item(
            "complaints:list",
            gettext_lazy("Requests"),
            ("province", "ministry"),
            order=60,
            section=section,
            prefixes=("/requests/",),
        ),
        navigation.Item(
            "complaints:inbox", gettext_lazy("Ministry inbox"), ("addressee",), order=61, section=section
        ),
        navigation.Item(
            "complaints:supervision", gettext_lazy("Supervision"), ("supervisor",), order=62, section=section
        ),
        # The routes of seed 000: the Chairman's summary and the Ministry of Justice section.
        navigation.Item(
            "complaints:summary",
            gettext_lazy("Chairman's summary"),
            ("province", "supervisor"),
            order=63,
            section=section,
        ),
        navigation.Item(
            "complaints:moj-report",
            gettext_lazy("Report to the Ministry of Justice"),
            ("province", "supervisor"),
            order=64,
            section=section,
        ),
    )
    navigation.register_card(20, requests_card)
