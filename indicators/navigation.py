"""The index's menu entries and home card (``core.navigation``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from core import formatting, navigation
from core.scope import scope_of
from tthc.periods import Period

from .models import IndicatorSnapshot, Level

#: The index's users: a province's or a ministry's people, supervisors, and the people of a province's
#: communes and departments (``under_province``), who see their province's score and, in its
#: drill-downs and on the late-units page, their own dossiers.
WORKERS = ("province", "under_province", "ministry", "supervisor")
#: Whose home page shows their own agency's score: the province's, read by its communes too.
SCORED = {"province", "under_province", "ministry"}


def rankings_card(period: Period) -> dict | None:
    """National users' card: the month's rankings in one line per level — how many agencies were
    ranked, the first and the last."""
    lines, total = [], 0
    for level, label in ((Level.PROVINCE, _("Provinces")), (Level.MINISTRY, _("Ministries"))):
        ranked = (
            IndicatorSnapshot.objects.filter(period=period, level=level, rank__isnull=False)
            .select_related("agency")
            .only("rank", "total", "agency__name")
        )
        first = ranked.order_by("rank", "agency__code").first()
        last = ranked.order_by("-rank", "-agency__code").first()
        if first is None or last is None:
            continue
        count = ranked.count()
        total += count
        lines.append(
            _(
                "%(level)s: %(count)s ranked, first %(first)s (%(first_total)s), last %(last)s (%(last_total)s)."
            )
            % {
                "level": label,
                "count": count,
                "first": first.agency.name,
                "first_total": formatting.number(first.total, 2),
                "last": last.agency.name,
                "last_total": formatting.number(last.total, 2),
            }
        )
    if not lines:
        return None
    return {
        "title": _("766 rankings, %(month)s") % {"month": formatting.month(period)},
        "value": ngettext("%(n)s agency ranked", "%(n)s agencies ranked", total) % {"n": total},
        "text": " ".join(lines),
        "url": reverse("indicators:rankings") + f"?period={period}",
        "link": _("See the rankings"),
    }


def score_card(request) -> dict | None:
    """The user's own agency's last closed-month score and the points it lost; for national users
    (who see every agency, and whose own body is not what they read the index for) the rankings."""
    user = request.user
    if not user.is_authenticated or not navigation.audiences_of(user) & SCORED:
        return None
    if scope_of(user).is_national:
        return rankings_card(Period.last_closed())
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
    section = gettext_lazy("Index and rankings")
    navigation.register(
        navigation.Item("indicators:index", gettext_lazy("766 index"), WORKERS, order=10, section=section),
        navigation.Item(
            "indicators:rankings", gettext_lazy("Rankings"), ("signed_in",), order=20, section=section
        ),
        navigation.Item(
            "indicators:late",
            gettext_lazy("Late units"),
            ("province", "under_province", "ministry"),
            order=30,
            section=section,
        ),
        navigation.Item("indicators:public-results", gettext_lazy("Public results"), ("public",), order=90),
    )
    navigation.register_card(10, score_card)
