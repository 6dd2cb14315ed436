"""``norm_date``: the one-match fast path and the field-by-field checks accept and refuse the same
values."""

import pytest

from reconciliation.adapters.values import WrongType, norm_date

GOOD = {
    "20260105083000": "20260105083000",
    "19900101000000": "19900101000000",
    "21001231235959": "21001231235959",
    "20240229120000": "20240229120000",  # a leap year
    "20260131000000": "20260131000000",
    "20260105": "20260105000000",
    " 20260105083000 ": "20260105083000",
    20260105083000: "20260105083000",
    "": None,
    "   ": None,
    None: None,
}
BAD = [
    "19891231235959",  # before 1990
    "21010101000000",  # after 2100
    "20261301000000",
    "20260001000000",
    "20260100000000",
    "20260132000000",
    "20260229000000",  # not a leap year
    "20260431000000",
    "20260101240000",
    "20260101006000",
    "20260101000060",
    "２０２６０１０５０８３０００",  # full-width digits
    "2026010508300",
    "202601050830000",
    "2026-01-05 08:30",
]


@pytest.mark.parametrize("value", list(GOOD))
def test_accepted(value):
    assert norm_date(value) == GOOD[value]


@pytest.mark.parametrize("value", BAD)
def test_refused(value):
    with pytest.raises(ValueError):
        norm_date(value)


def test_a_container_is_the_wrong_type():
    with pytest.raises(WrongType):
        norm_date({"a": 1})
