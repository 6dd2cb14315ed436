"""A document prints a number exactly as the pages do (one formatter: ``core.formatting``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from core import formatting
from reports.services import vn


@pytest.mark.parametrize(
    "value,places,text",
    [
        (Decimal("1.125"), 2, "1,13"),  # half up, as the pages (half-even would print 1,12)
        (Decimal("64.145"), 2, "64,15"),
        (Decimal("-0.55"), 2, "−0,55"),  # a true minus sign
        (1234567, None, "1.234.567"),
        (Decimal("0"), 2, "0,00"),
        (None, 2, "—"),
    ],
)
def test_document_numbers_match_the_pages(value, places, text):
    assert vn.number(value, places) == text
    with translation.override("en"):  # a document is Vietnamese whatever the reader's language
        assert vn.number(value, places) == text
    with translation.override("vi"):
        assert formatting.number(value, places) == text


def test_changes_and_percentages():
    assert vn.signed(Decimal("2.625")) == "+2,63"
    assert vn.signed(Decimal("-1.1")) == "−1,10"
    assert vn.percent(Decimal("0.94725"), 1) == "94,7 %"
    assert vn.percent(None) == "—"


def test_a_stored_document_is_not_reused_once_its_layout_changes(settings, tmp_path):
    """The stored renderings' key carries a digest of the templates and builders, not a number someone
    has to remember to bump."""
    import shutil

    from reports.services import render

    shutil.copytree(
        settings.BASE_DIR / "templates" / "reports" / "pdf", tmp_path / "templates" / "reports" / "pdf"
    )
    settings.BASE_DIR = tmp_path
    before = render._layout_version()
    assert before == render._layout_version()
    (tmp_path / "templates" / "reports" / "pdf" / "style.css").write_text("body { color: red }")
    assert render._layout_version() != before
