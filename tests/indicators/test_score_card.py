"""The home page's score card names the user's agency in full ("Bộ Tư pháp", not "Tư pháp")."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation

from accounts.models import Role, RoleAssignment, User
from indicators.models import IndicatorSnapshot
from indicators.navigation import score_card
from tests.factories import ministry, province
from tthc.periods import Period


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make,level,expected",
    [
        (ministry, "ministry", "Chỉ số 766 của Bộ Tư pháp, tháng"),
        (province, "province", "Chỉ số 766 của Thành phố Hà Nội, tháng"),
    ],
)
def test_the_score_card_names_the_agency_in_full(make, level, expected):
    agency = make()
    agency.short_name = "Tư pháp" if level == "ministry" else "Hà Nội"
    agency.save(update_fields=["short_name"])
    user = User.objects.create(username=f"officer-{agency.code}")
    RoleAssignment.objects.create(user=user, agency=agency, role=Role.OFFICER, include_subunits=True)
    IndicatorSnapshot.objects.create(
        agency=agency,
        period=Period.last_closed(),
        period_kind="month",
        methodology="766",
        level=level,
        as_of=timezone.now(),
        final=True,
        total=Decimal("70.61"),
        band="",
        rank=5,
        peers=8,
        groups={},
    )
    request = RequestFactory().get("/")
    request.user = user
    with translation.override("vi"):
        card = score_card(request)
        title, text = str(card["title"]), str(card["text"])
    assert title.startswith(expected), title
    assert text == "Mất 29,39 điểm; xếp hạng 5/8."


def _snapshot(agency, level, total, rank, peers, period=None):
    return IndicatorSnapshot.objects.create(
        agency=agency,
        period=period or Period.last_closed(),
        period_kind="month",
        methodology="766",
        level=level,
        as_of=timezone.now(),
        final=True,
        total=None if total is None else Decimal(total),
        band="no_data" if total is None else "",
        rank=rank,
        peers=peers,
        groups={},
    )


@pytest.mark.django_db
def test_national_users_get_the_rankings_not_the_first_agency_they_can_see(client):
    """A national administrator sees every agency: the first by code ("Bộ Công an", often without data)
    is not theirs. Their card is the month's rankings; the index's menu entry opens the rankings."""
    vpcp = ministry(code="VPCP", name="Văn phòng Chính phủ")
    bca, btp = ministry(code="BCA", name="Bộ Công an"), ministry(code="BTP", name="Bộ Tư pháp")
    byt = ministry(code="BYT", name="Bộ Y tế")
    hn, dn = province(code="01", name="Thành phố Hà Nội"), province(code="48", name="Thành phố Đà Nẵng")
    _snapshot(bca, "ministry", None, None, 3)
    _snapshot(btp, "ministry", "81.50", 1, 3)
    _snapshot(byt, "ministry", "45.80", 2, 3)
    _snapshot(hn, "province", "64.14", 2, 2)
    _snapshot(dn, "province", "70.02", 1, 2)
    _snapshot(btp, "ministry", "10.00", 2, 2, period=Period.last_closed().previous())  # another month
    admin = User.objects.create(username="national")
    RoleAssignment.objects.create(user=admin, agency=vpcp, role=Role.NATIONAL_ADMIN, include_subunits=True)
    request = RequestFactory().get("/")
    request.user = admin
    with translation.override("vi"):
        card = {k: str(v) for k, v in score_card(request).items()}
    assert card["title"].startswith("Xếp hạng Chỉ số 766, tháng"), card
    assert "Bộ Công an" not in card["text"]
    assert card["value"] == "4 cơ quan được xếp hạng"
    assert card["text"] == (
        "Tỉnh, thành phố: 2 cơ quan được xếp hạng, đứng đầu Thành phố Đà Nẵng (70,02), "
        "cuối bảng Thành phố Hà Nội (64,14). Bộ, ngành: 2 cơ quan được xếp hạng, đứng đầu "
        "Bộ Tư pháp (81,50), cuối bảng Bộ Y tế (45,80)."
    )
    client.force_login(admin)
    assert client.get("/indicators/")["Location"] == "/indicators/rankings/"
    officer = User.objects.create(username="officer-btp")
    RoleAssignment.objects.create(user=officer, agency=btp, role=Role.OFFICER, include_subunits=True)
    client.force_login(officer)
    assert client.get("/indicators/")["Location"] == "/indicators/BTP/"
