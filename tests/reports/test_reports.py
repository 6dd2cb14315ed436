"""The monthly report and the scorecard render for every province of the demo, and their numbers are
the dashboard's for the same period (the page's ``data-value`` attributes); the national report."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from accounts.services.users import cli_actor
from indicators.models import IndicatorSnapshot, Level
from reports.services import render
from reports.services.targets import resolve
from tthc.periods import Period

from .conftest import pdftotext
from .test_letters import pdf_text

pytestmark = pytest.mark.django_db


def dashboard_values(client, code: str, period: Period) -> dict[str, Decimal]:
    html = client.get(f"/indicators/{code}/", {"period": str(period)}).content.decode()
    values = {"total": Decimal(re.search(r'id="total" data-value="([^"]+)"', html).group(1))}
    for kind in ("group", "component"):
        for key, value in re.findall(rf'data-{kind}="([^"]+)" data-value="([^"]+)"', html):
            values[f"{kind}:{key}"] = Decimal(value)
    return values


def document_values(context: dict) -> dict[str, Decimal]:
    values = {"total": Decimal(context["total"])}
    values.update({f"group:{g['code']}": Decimal(g["score"]) for g in context["groups"]})
    values.update({f"component:{c['code']}": Decimal(c["points"]) for c in context["components"]})
    return values


@pdftotext
def test_monthly_report_and_scorecard_match_the_dashboard_for_every_province(demo, client, tmp_path):
    period = Period.last_closed()
    codes = list(
        IndicatorSnapshot.objects.filter(period=str(period), level=Level.PROVINCE).values_list(
            "agency__code", flat=True
        )
    )
    assert len(codes) >= 3
    actor = cli_actor()
    client.force_login(actor)
    for code in codes:
        page = dashboard_values(client, code, period)
        assert len(page) > 10, "the dashboard shows the total, the groups and the components"
        for kind in ("monthly_report", "scorecard"):
            target = resolve(kind, {"agency": code, "period": str(period)}, actor)
            context = render.KINDS[kind].build(target)
            assert document_values(context) == page, (kind, code)
            rendered = render.render(target)
            assert rendered.content.startswith(b"%PDF") and rendered.pages
            out = tmp_path / f"{kind}-{code}.pdf"
            out.write_bytes(rendered.content)
            text = pdf_text(out)
            assert context["total_text"] in text  # the total, as typeset (Vietnamese decimal comma)
            assert target.agency.name in text
        assert "Đồng bộ dữ liệu hồ sơ theo Bộ, ngành và hệ thống" in text or kind == "scorecard"


@pdftotext
def test_monthly_report_sections(demo, tmp_path):
    period = Period.last_closed()
    target = resolve("monthly_report", {"agency": "01"}, cli_actor())
    assert target.params["period"] == str(period)  # default: the month just closed
    out = tmp_path / "m.pdf"
    out.write_bytes(render.render(target).content)
    text = pdf_text(out)
    for part in (
        "Kết quả Bộ chỉ số 766",
        "Diễn biến tổng điểm 13 tháng",
        "Hồ sơ quá hạn và việc xin lỗi người dân",
        "Đồng bộ dữ liệu hồ sơ theo Bộ, ngành và hệ thống",
        "Bộ, ngành chưa thực hiện đồng bộ",
        "Kiến nghị gửi Bộ, ngành",
        "Trang 1/",
    ):
        assert part in text, part


@pdftotext
def test_national_report(demo, tmp_path):
    target = resolve("national_report", {}, cli_actor())
    rendered = render.render(target)
    out = tmp_path / "n.pdf"
    out.write_bytes(rendered.content)
    text = pdf_text(out)
    parts = (
        "Ma trận sai lệch",
        "Kiến nghị quá hạn theo Bộ, ngành",
        "tỉnh, thành phố",
        "bộ, cơ quan",
        "ít nhất một sai lệch",
    )
    for part in parts:
        assert part in text, part
    for snapshot in IndicatorSnapshot.objects.filter(period=target.params["period"]).select_related("agency"):
        assert snapshot.agency.name in text
    assert rendered.pages and rendered.pages >= 3  # the matrix and rankings, then a page per province
    from reports.services.context.reports import national_report

    context = national_report(target)
    for key in ("provinces_ranked", "ministries_ranked"):  # ranked first, no data (no rank) last
        ranks = [r["rank"] for r in context[key]]
        assert ranks == sorted(ranks, key=lambda r: (r is None, r or 0)), key


def test_national_matrix_marks_empty_runs_and_explains_its_colours():
    """A system compared with no dossier of the province prints "—" (as the gap matrix page does), not a
    "0,0" indistinguishable from a clean run; the colours have a legend with the configured bounds."""
    from django.template.loader import render_to_string
    from django.utils import translation

    province = type("P", (), {"name": "Tỉnh A"})()
    row = {
        "province": province,
        "points": "0,00",
        "cells": [{"level": "empty", "percent": 0.0}, {"level": "clean", "percent": 0.0}, None],
    }
    with translation.override("vi"):  # documents are typeset in Vietnamese
        html = render_to_string(
            "reports/pdf/national_report.html",
            {
                "matrix": [row],
                "columns": [{"name": "A"}, {"name": "B"}, {"name": "C"}],
                "severity_bounds": ["2", "10", "25"],
            },
        )
    cells = re.findall(r'<td class="sev-(\w+)">([^<]*)</td>', html)
    assert cells == [("empty", "—"), ("clean", "0,0"), ("empty", "·")]
    assert "dưới 2 %" in html and "từ 25 % trở lên" in html


def test_a_supervising_bodys_national_report_covers_the_country(demo):
    """The report is for the supervising bodies; an officer of BTP-KSTT holds no province in their own
    scope, and their report was an empty matrix without a page per province."""
    from accounts.models import User
    from reports.services.context.reports import national_report

    kstt = User.objects.get(username="kstt.officer")  # a demo login at BTP-KSTT
    assert not kstt.scope.is_national
    theirs = national_report(resolve("national_report", {}, kstt))
    platform = national_report(resolve("national_report", {}, cli_actor()))
    assert theirs["matrix"], "the matrix lists the provinces"
    assert [r["province"].code for r in theirs["matrix"]] == [r["province"].code for r in platform["matrix"]]
    assert [p["province"].code for p in theirs["per_province"]] == [
        p["province"].code for p in platform["per_province"]
    ]
