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
