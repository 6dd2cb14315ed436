"""Golden test: every component of every agency of ``golden.py``, computed by hand, asserted exactly.

Rules (docs/domain.md#components): linear = pts × r; full at T = min(pts, pts × r / T); points
rounded half up to 2 decimals, ratios to 6. Sets for P1 in March 2026 (as_of = 1 April 00:00):

* received (in March, status not 1/3): d1 d2 d3 d4 d5 d10 d11 d12 → 8   (d6, d7, d8 February; d9 refused)
* judged (finished in March, or open at as_of): d1 d2 d3 d4 d5 d6 d7 d11 d12   (d8 Feb, d9/d10 unjudged)
    on time: d1, d7 (carry-over, finished 5/3 ≤ due 11/3), d11                              → 3
    overdue: d2 (finished 9/3 > due 6/3), d3 (two supplements, although early),
             d5 (open, due 27/3), d6 (carry-over, open, due 10/3)                          → 4
    within time (not decided): d4 (due 3/4), d12 (finished 2/4, after as_of; due 3/4)
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from indicators.definitions import get, methodology_for
from indicators.models import ComponentValue, IndicatorSnapshot
from indicators.services import compute, scoring

from . import golden

pytestmark = pytest.mark.django_db

D = Decimal

# code: (numerator, denominator, ratio or None, points)
P1 = {
    # due for publication in March (province scope A, B, C): A (20/3), B (10/3). Province deadline
    # = 5 working days before: A 13/3 (published 12/3 ✓), B 3/3 (published 6/3 ✗) → 1/2 × 6 = 3
    "PUBLISH_ON_TIME": (1, 2, "0.5", "3.00"),
    # published in March: A (12/3 → public by 19/3, made public 18/3 ✓), B (6/3 → 13/3, made 16/3 ✗) → 1/2 × 4
    "PUBLIC_UPDATE_ON_TIME": (1, 2, "0.5", "2.00"),
    # public by 31/3: A, B, C; complete: A, C → 2/3 × 2 = 1.3333 → 1.33
    "PUBLIC_CONTENT_FULL": (2, 3, "0.666667", "1.33"),
    # portal copies received in March: d1 d2 d3 d5 d11 = 5 (d6 is February's); reporting: max(total row 7,
    # per-system rows 3 + 3 = 6) = 7 (February's 99 ignored); denominator max(5, 7) = 7 → 5/7 × 6 = 4.2857
    "DOSSIER_SYNC": (5, 7, "0.714286", "4.29"),
    # 3 / (3 + 4) × 20 = 8.5714
    "ON_TIME": (3, 7, "0.428571", "8.57"),
    # finished in March with a result-issuing procedure: d1, d2 (A), d3 (B); d7/d11 are C (no result),
    # d12 finished in April. Electronic: d1, d3 → 2/3 × 6 = 4
    "E_RESULT": (2, 3, "0.666667", "4.00"),
    # digitised among received: d1 (result issued, e-result ✓), d3 (✓), d5 (open), d11 (C: no result),
    # d12 (e-result ✓); d2 has no e-result for its issued result; d4, d10 not digitised → 5/8 × 4 = 2.5
    "DIGITISED": (5, 8, "0.625", "2.50"),
    # C1 provides since 1/1; C2 does not → 1/2 × 2
    "E_CERTIFIED_COPY": (1, 2, "0.5", "1.00"),
    # d1 → 1/8 = 0.125; full at 80 %: 2 × 0.125 / 0.8 = 0.3125 → 0.31
    "DATA_REUSE": (1, 8, "0.125", "0.31"),
    "PERSONAL_STORE": (1, 8, "0.125", "0.50"),  # d1 → 4 × 0.125
    "POPULATION_DATA_DOSSIER": (2, 8, "0.25", "0.50"),  # d1, d11 → 2 × 0.25
    # citizen-facing: A, B; connected: A → 1/2 × 2
    "POPULATION_DATA_PROCEDURE": (1, 2, "0.5", "1.00"),
    # online: A, B of A, B, C → 2/3; full at 80 %: 2 × (2/3) / 0.8 = 1.6667 → 1.67
    "ONLINE_OFFERED": (2, 3, "0.666667", "1.67"),
    # online services A, B; online dossiers received: d1, d10, d12 (A), d11 (C is not online) → {A} → 1/2 × 4
    "ONLINE_USED": (1, 2, "0.5", "2.00"),
    # online among received: d1 (e-result), d10 (withdrawn, no result), d11 (no result), d12 (e-result) → 4/8;
    # full at 50 %: 6 × 0.5 / 0.5 = 6 (exactly at the target)
    "ONLINE_SHARE": (4, 8, "0.5", "6.00"),
    # fee-bearing: B, C; integrated: B → 0.5; full at 80 %: 2 × 0.5 / 0.8 = 1.25
    "PAYMENT_INTEGRATED": (1, 2, "0.5", "1.25"),
    # fee-bearing procedures with dossiers: B (d3 d4 d5), C (d11); paid online: B (d3, d5) → 1/2 → 1.25
    "PAYMENT_USED": (1, 2, "0.5", "1.25"),
    # fee > 0: d3 d4 d5 d11; paid: d3 (portal), d5 (gateway) → 2/4 × 6
    "PAYMENT_SHARE": (2, 4, "0.5", "3.00"),
    # received in March: f1 f2 f3 f4 f6 (f5 February). Overdue: f2 (answered 30/3 > 24/3), f4 (refused
    # 10/3 > 9/3). f3 unanswered but due 10/4: not late yet → 3/5 × 6 = 3.6
    "FEEDBACK_ON_TIME": (3, 5, "0.6", "3.60"),
    # 5 − disliked 1 (f2) − overdue 2 (f2, f4) − repeated 1 (f3) = 1 (f2 counts twice: the formula
    # subtracts counts) → 1/5 × 6 = 1.2
    "FEEDBACK_SATISFACTION": (1, 5, "0.2", "1.20"),
    # decided 7 − overdue 4 − complaint/dislike 2 (d2 dislike, d11 complaint) = 1 → 1/7;
    # full at 90 %: 6 × (1/7) / 0.9 = 0.9524 → 0.95
    "DOSSIER_SATISFACTION": (1, 7, "0.142857", "0.95"),
}
P1_GROUPS = {"1": "10.62", "2": "8.57", "3": "9.81", "4a": "9.67", "4b": "5.50", "5": "5.75"}
P1_TOTAL = "49.92"  # 10.62 + 8.57 + 9.81 + 9.67 + 5.50 + 5.75

# P2: the same catalogue (procedure components equal P1's), but no dossiers, no feedback, and its
# commune provides e-copies only from 5 April.
P2 = {
    **{
        code: P1[code]
        for code in (
            "PUBLISH_ON_TIME",
            "PUBLIC_UPDATE_ON_TIME",
            "PUBLIC_CONTENT_FULL",
            "POPULATION_DATA_PROCEDURE",
            "ONLINE_OFFERED",
            "PAYMENT_INTEGRATED",
        )
    },
    # Every empty denominator scores full points (docs/adr/0015-no-data.md) — but P2 judged no
    # dossier at all, so it has no total, no group scores, no rank: band "no_data".
    "DOSSIER_SYNC": (0, 0, None, "6.00"),
    "ON_TIME": (0, 0, None, "20.00"),
    "E_RESULT": (0, 0, None, "6.00"),
    "DIGITISED": (0, 0, None, "4.00"),
    "E_CERTIFIED_COPY": (0, 1, "0", "0.00"),
    "DATA_REUSE": (0, 0, None, "2.00"),
    "PERSONAL_STORE": (0, 0, None, "4.00"),
    "POPULATION_DATA_DOSSIER": (0, 0, None, "2.00"),
    "ONLINE_USED": (0, 2, "0", "0.00"),
    "ONLINE_SHARE": (0, 0, None, "6.00"),
    "PAYMENT_USED": (0, 0, None, "2.00"),  # no fee-bearing dossier: nothing to pay ⇒ full
    "PAYMENT_SHARE": (0, 0, None, "6.00"),
    "FEEDBACK_ON_TIME": (0, 0, None, "6.00"),  # no feedback ⇒ full points (the portal's rule)
    "FEEDBACK_SATISFACTION": (0, 0, None, "6.00"),
    "DOSSIER_SATISFACTION": (0, 0, None, "6.00"),
}
P2_GROUPS = {g: None for g in ("1", "2", "3", "4a", "4b", "5")}
P2_TOTAL = None

# M1: procedures M, N (central level); dossiers m1 (late), m2 (on time), m3 (open, due 31/3 17:00).
M1 = {
    # M takes effect 31/3; 20 working days before = 3/3; decided 2/3 ✓
    "PUBLISH_ON_TIME": (1, 1, "1", "6.00"),
    # M published 2/3 → public by 16/3 (10 working days); made public 20/3 ✗
    "PUBLIC_UPDATE_ON_TIME": (0, 1, "0", "0.00"),
    "PUBLIC_CONTENT_FULL": (1, 2, "0.5", "1.00"),  # M complete, N not
    "DOSSIER_SYNC": (2, 2, "1", "6.00"),  # m1, m2 on the portal; nothing reported → max(2, 0)
    "ON_TIME": (1, 3, "0.333333", "6.67"),  # m2 / (m2 + m1 + m3) × 20 = 6.667
    "E_RESULT": (1, 2, "0.5", "3.00"),  # m1, m2 finished; m1 electronic
    "DIGITISED": (2, 3, "0.666667", "2.67"),  # m1 (e-result), m3 (open) of 3 → 4 × 2/3
    "DATA_REUSE": (0, 3, "0", "0.00"),
    "PERSONAL_STORE": (0, 3, "0", "0.00"),
    "ONLINE_OFFERED": (1, 2, "0.5", "1.25"),  # M of M, N; 2 × 0.5 / 0.8
    "ONLINE_USED": (1, 1, "1", "4.00"),  # M used (m1 online)
    "ONLINE_SHARE": (1, 3, "0.333333", "4.00"),  # m1; 6 × (1/3) / 0.5 = 4
    # M fee-bearing and integrated → ratio 1; full at 80 %: min(2, 2.5) = 2 (the cap)
    "PAYMENT_INTEGRATED": (1, 1, "1", "2.00"),
    "PAYMENT_USED": (1, 1, "1", "2.00"),  # M has dossiers and m1 paid online: min(2, 2.5)
    "PAYMENT_SHARE": (1, 2, "0.5", "3.00"),  # m1 paid of m1, m2
    "FEEDBACK_ON_TIME": (0, 0, None, "6.00"),
    "FEEDBACK_SATISFACTION": (0, 0, None, "6.00"),
    # 3 − overdue 2 − complained 0 = 1 → 6 × (1/3) / 0.9 = 2.222
    "DOSSIER_SATISFACTION": (1, 3, "0.333333", "2.22"),
}
# Group 3 lacks E_CERTIFIED_COPY and POPULATION_DATA_* for ministries: 3.00 + 2.67 + 0 + 0 = 5.67 of 16,
# rescaled × 22/16 = 7.79625 → 7.80.
M1_GROUPS = {"1": "13.00", "2": "6.67", "3": "7.80", "4a": "9.25", "4b": "7.00", "5": "14.22"}
M1_TOTAL = "57.94"

M2 = {
    "PUBLISH_ON_TIME": (0, 0, None, "6.00"),  # nothing due for publication ⇒ full
    "PUBLIC_UPDATE_ON_TIME": (0, 0, None, "4.00"),
    "PUBLIC_CONTENT_FULL": (0, 0, None, "2.00"),
    "DOSSIER_SYNC": (0, 0, None, "6.00"),
    "ON_TIME": (0, 0, None, "20.00"),
    "E_RESULT": (0, 0, None, "6.00"),
    "DIGITISED": (0, 0, None, "4.00"),
    "DATA_REUSE": (0, 0, None, "2.00"),
    "PERSONAL_STORE": (0, 0, None, "4.00"),
    "ONLINE_OFFERED": (1, 1, "1", "2.00"),
    "ONLINE_USED": (0, 1, "0", "0.00"),
    "ONLINE_SHARE": (0, 0, None, "6.00"),
    "PAYMENT_INTEGRATED": (0, 0, None, "2.00"),
    "PAYMENT_USED": (0, 0, None, "2.00"),
    "PAYMENT_SHARE": (0, 0, None, "6.00"),
    "FEEDBACK_ON_TIME": (0, 0, None, "6.00"),
    "FEEDBACK_SATISFACTION": (0, 0, None, "6.00"),
    "DOSSIER_SATISFACTION": (0, 0, None, "6.00"),
}
# A ministry with nothing at all: no data, not "36/100 Yếu" built from zeros.
M2_GROUPS = {g: None for g in ("1", "2", "3", "4a", "4b", "5")}
M2_TOTAL = None

EXPECTED = {
    "01": (P1, P1_GROUPS, P1_TOTAL, "weak", 1),
    "04": (P2, P2_GROUPS, P2_TOTAL, "no_data", None),
    "BTP": (M1, M1_GROUPS, M1_TOTAL, "average", 1),
    "BYT": (M2, M2_GROUPS, M2_TOTAL, "no_data", None),
}


@pytest.fixture
def data():
    return golden.build()


def _as_tuple(cv: ComponentValue):
    return (cv.numerator, cv.denominator, None if cv.ratio is None else cv.ratio.normalize(), cv.points)


def _expected_tuple(row):
    num, den, ratio, points = row
    return (num, den, None if ratio is None else D(ratio).normalize(), D(points))


def test_methodology_is_2026_for_march_2026():
    assert methodology_for(golden.PERIOD).version == "2026"


@pytest.mark.parametrize("code", list(EXPECTED))
def test_every_component_exactly(data, code):
    compute.recompute(golden.PERIOD, now=golden.NOW)
    components, groups, total, band, rank = EXPECTED[code]
    snap = IndicatorSnapshot.objects.get(agency__code=code, period=golden.PERIOD)
    got = {cv.code: _as_tuple(cv) for cv in snap.components.all()}
    assert got == {c: _expected_tuple(v) for c, v in components.items()}

    def dec(v):
        return None if v is None else D(v)

    assert {g: dec(v["score"]) for g, v in snap.groups.items()} == {g: dec(v) for g, v in groups.items()}
    if total is not None:
        assert sum(D(v) for v in groups.values()) == D(total)
    assert (snap.total, snap.band, snap.rank, snap.methodology, snap.final) == (
        dec(total),
        band,
        rank,
        "2026",
        True,
    )
    assert snap.peers == 1  # the peers ranked: an agency without data is not one


def test_recompute_twice_gives_identical_rows(data):
    def rows():
        snaps = list(
            IndicatorSnapshot.objects.order_by("pk").values(
                "pk",
                "agency_id",
                "period",
                "methodology",
                "as_of",
                "total",
                "band",
                "rank",
                "groups",
                "change",
            )
        )
        values = list(
            ComponentValue.objects.order_by("pk").values(
                "pk", "snapshot_id", "code", "numerator", "denominator", "ratio", "points", "details"
            )
        )
        return snaps, values

    compute.recompute(golden.PERIOD, now=golden.NOW)
    first = rows()
    compute.recompute(golden.PERIOD, now=golden.NOW)
    assert rows() == first
    assert len(first[0]) == 4 and len(first[1]) == 2 * 21 + 2 * 18


def test_2022_methodology_scores_the_same_counts_with_one_group_4(data):
    """The versions differ only in the group breakdown: group 4 = 4a + 4b, same total."""
    result = compute.compute(golden.PERIOD, now=golden.NOW)
    p1 = next(r for r in result.agencies if r.agency.code == "01")
    from indicators.services import measures

    counts = measures.collect(get("2022"), result.window, {"province": [p1.agency.pk]})
    score = scoring.score_agency(get("2022"), "province", counts[p1.agency.pk])
    assert score.groups["4"]["score"] == D("9.67") + D("5.50")
    assert score.total == D(P1_TOTAL)
