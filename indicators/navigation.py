"""The index's menu entries and home card (``core.navigation``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import formatting, navigation
from tthc.periods import Period

from .models import IndicatorSnapshot

#: The index's users: a province's or a ministry's people, supervisors, and the people of a province's
#: communes and departments (``under_province``), who see their province's score and, in its
#: drill-downs and on the late-units page, their own dossiers.
WORKERS = ("province", "under_province", "ministry", "supervisor")
#: Whose home page shows their own agency's score: the province's, read by its communes too.
SCORED = {"province", "under_province", "ministry"}


def score_card(request) -> dict | None:
    """The user's own agency's last closed-month score and the points it lost."""
    user = request.user
    if not user.is_authenticated or not navigation.audiences_of(user) & SCORED:
        return None
    snapshot = (
        IndicatorSnapshot.objects.visible_to(user)
        .filter(period=Period.last_closed())
        .select_related("agency")
        .order_by("level", "agency__code")
        .first()
    )
    if snapshot is None:
        return None
    name = snapshot.agency.name  # "Bộ Tư pháp", "Thành phố Hà Nội": not the short "Tư pháp"
    if snapshot.total is None:  # no dossier judged in the period: no score, no rank
        return {
            "title": _("766 index of %(agency)s, %(month)s")
            % {"agency": name, "month": formatting.month(snapshot.period)},
            "value": _("No data yet"),
            "text": _("no dossier judged in the period: no score, no rank"),
            "url": reverse("indicators:dashboard", args=[snapshot.agency.code])
            + f"?period={snapshot.period}",
            "link": _("See the dashboard"),
        }
    return {
        "title": _("766 index of %(agency)s, %(month)s")
        % {"agency": name, "month": formatting.month(snapshot.period)},
        "value": f"{formatting.number(snapshot.total, 2)} / 100",
        "text": _("%(lost)s points lost; rank %(rank)s of %(peers)s.")
        % {
            "lost": formatting.number(100 - snapshot.total, 2),
            "rank": snapshot.rank or "—",
            "peers": snapshot.peers,
        },
        "url": reverse("indicators:dashboard", args=[snapshot.agency.code]) + f"?period={snapshot.period}",
        "link": _("See where the points were lost"),
    }


def register() -> None:
    navigation.register(
        navigation.Item("indicators:index", gettext_lazy("766 index"), WORKERS, order=10),
        navigation.Item("indicators:rankings", gettext_lazy("Rankings"), ("signed_in",), order=20),
        navigation.Item(
            "indicators:late",
            gettext_lazy("Late units"),
            ("province", "under_province", "ministry"),
            order=30,
        ),
        navigation.Item("indicators:public-results", gettext_lazy("Public results"), ("public",), order=90),
    )
    navigation.register_card(10, score_card)
