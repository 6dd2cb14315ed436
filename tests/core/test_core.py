"""The shared bottom layer: the export writer's rules, the URL converters, and that ``core`` imports
no domain app (every app may import it, so it must not import them)."""

from __future__ import annotations

import ast
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.urls import resolve, reverse
from openpyxl import load_workbook

from core import exports
from core.converters import CodeConverter, CodePathConverter

DOMAIN_APPS = {
    "accounts",
    "tthc",
    "reconciliation",
    "complaints",
    "indicators",
    "reports",
    "demo",
    "readiness",
}


def test_core_imports_no_domain_app():
    offenders = []
    for path in (Path(settings.BASE_DIR) / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules = [node.module or ""]
            else:
                continue
            offenders += [f"{path.name}: {m}" for m in modules if m.split(".")[0] in DOMAIN_APPS]
    assert not offenders


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@A1", "'@A1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("1-2", "1-2"),
        ("a=b", "a=b"),
        ("", ""),
        (" =1", " =1"),
        (-1, -1),
        (-2.5, -2.5),
        (Decimal("-3"), Decimal("-3")),
        (None, None),
        (True, True),
    ],
)
def test_neutralise_touches_text_only(value, expected):
    assert exports.neutralise(value) == expected


def _csv(headers, rows) -> str:
    return "".join(exports.csv_chunks(headers, rows))


def test_csv_is_bom_prefixed_and_neutralised_and_keeps_numbers():
    text = _csv(["code", "n"], [["=1", -5], ["ok", 3.5]])
    assert text == "\ufeffcode,n\r\n'=1,-5\r\nok,3.5\r\n"


def test_csv_streams_in_bounded_chunks():
    rows = ([f"row-{i}", i] for i in range(50_000))
    chunks = list(exports.csv_chunks(["code", "n"], rows))
    assert len(chunks) > 5
    assert max(len(c) for c in chunks) < exports.CSV_CHUNK_CHARS + 100


def test_csv_writes_aware_times_in_the_platform_zone():
    text = _csv(
        ["at"], [[datetime(2026, 3, 1, 1, 0, tzinfo=UTC)], [datetime(2026, 3, 1, 1, 0, 5, 55572, tzinfo=UTC)]]
    )
    assert "2026-03-01 08:00:00\r\n" in text  # Asia/Ho_Chi_Minh, no offset
    assert "2026-03-01 08:00:05\r\n" in text  # to the second, as every other time of the file


def _xlsx(headers, rows, **options):
    out = io.BytesIO()
    exports.write_xlsx(out, headers, rows, "T", **options)
    out.seek(0)
    return load_workbook(out).active


def test_xlsx_writes_text_as_strings_and_keeps_numbers_and_dates():
    rows = [["=SUM(A1)", -5, Decimal("1.5"), date(2026, 3, 1), "#N/A", "bad\x01char\x00", "\ud800x"]]
    sheet = _xlsx(["a", "b", "c", "d", "e", "f", "g"], rows)
    cells = list(sheet.iter_rows(min_row=2, values_only=False))[0]
    assert [c.data_type for c in cells] == ["s", "n", "n", "d", "s", "s", "s"]
    assert [c.value for c in cells][:2] == ["'=SUM(A1)", -5]
    assert cells[4].value == "#N/A"  # text, not Excel's error value
    assert cells[5].value == "badchar"  # characters the format cannot hold are dropped
    assert cells[6].value == "\ufffdx"


def test_xlsx_stops_at_the_limit_and_says_so():
    sheet = _xlsx(["n"], ([i] for i in range(10)), preamble=[["Title"]], limit=3)
    values = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert values[:2] == ["Title", "n"] and values[2:5] == [0, 1, 2]
    assert "3" in values[5] and len(values) == 6


def test_sheet_titles_are_made_acceptable():
    assert exports.sheet_title("penalty:late/x?" + "y" * 40) == ("penalty-late-x-" + "y" * 40)[:31]


def test_export_response_names_the_file_safely():
    response = exports.export_response("csv", [("code", "Mã")], lambda limit: [["x"]], 'gaps "Hà Nội"\n')
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "\n" not in response["Content-Disposition"]
    with pytest.raises(ValueError):
        exports.export_response("pdf", [], lambda limit: [], "x")


def _columns():
    colours = {"r": "Đỏ", "g": "Xanh"}
    return [
        exports.Column("n", "Số"),
        exports.Column("colour", "Màu", label=colours.get),
        exports.Column("unit", "Đơn vị", named=True),
        exports.Column("place", "Nơi", label=str.upper, code=lambda v: f"k-{v}"),
        exports.boolean("late", "Quá hạn"),
    ]


def test_columns_write_labels_beside_codes_in_both_header_modes():
    from django.utils import translation

    with translation.override("vi"):
        assert exports.header_row(_columns()) == [
            "Số",
            "Màu",
            "Mã màu (colour)",
            "Đơn vị",
            "Mã đơn vị (unit)",
            "Nơi",
            "Mã nơi (place)",
            "Quá hạn",
            "Quá hạn, dạng true/false (late)",
        ]
        rows = list(
            exports.expand(
                _columns(), [(1, "r", "U1", "Phòng A", "x", True), (2, None, "U2", None, "", False)]
            )
        )
        assert rows == [
            [1, "Đỏ", "r", "Phòng A", "U1", "X", "k-x", "Có", "true"],
            [2, "", None, "", "U2", "", "k-", "Không", "false"],
        ]
    with translation.override("en"):
        assert exports.header_row(_columns())[2] == "Code of màu (colour)"  # headers given in Vietnamese here
    assert exports.header_row(_columns(), "codes") == [
        "n",
        "colour_label",
        "colour",
        "unit_label",
        "unit",
        "place_label",
        "place",
        "late_label",
        "late",
    ]
    with pytest.raises(ValueError):
        exports.header_row(_columns(), "keys")


def test_columns_expand_while_streaming():
    def rows():
        yield (1, "r", "U1", "A", "x", True)
        raise AssertionError("read past the first row")

    first = next(iter(exports.expand(_columns(), rows())))  # one row in, one row out
    assert first[:3] == [1, "Đỏ", "r"]
    response = exports.export_response("csv", _columns(), lambda limit: rows(), "x", headers="codes")
    assert response.streaming  # nothing read yet: the rows are read as the response is sent


def test_header_mode_parameter():
    from core.params import InvalidParameter

    assert exports.header_mode({}) == "labels"
    assert exports.header_mode({"headers": "codes"}) == "codes"
    with pytest.raises(InvalidParameter):
        exports.header_mode({"headers": "keys"})


@pytest.mark.parametrize("code", ["01", "Đà Nẵng 48 #?%", "a b"])
def test_code_converter_round_trips(code):
    assert CodeConverter().to_python(CodeConverter().to_url(code)) == code
    url = reverse("tthc-api:agency-detail", kwargs={"code": code})
    assert resolve(unquote(url)).kwargs["code"] == code  # the server decodes the path


@pytest.mark.parametrize("code", ["HN/2026/1", "a/b/c/", "x?y#z %", "ĐN-01"])
def test_codepath_converter_round_trips(code):
    assert CodePathConverter().to_python(code) == code
    for name in ("tthc-api:dossier-detail", "reconciliation:dossier"):
        url = reverse(name, kwargs={"code": code})
        assert resolve(unquote(url)).kwargs["code"] == code  # the server decodes the path


def test_converters_refuse_nul():
    from django.urls import Resolver404

    for url in (
        "/api/v1/dossiers/a\x00b/",
        "/api/v1/agencies/a\x00b/",
        "/indicators/a\x00/",
        "/reconciliation/dossiers/x\x00/",
    ):
        with pytest.raises(Resolver404):
            resolve(url)


def test_lazy_text_and_lone_surrogates():
    from django.utils.translation import gettext_lazy

    text = _csv([gettext_lazy("=label")], [["\ud800x"]])
    assert text == "\ufeff'=label\r\n\ufffdx\r\n"
    text.encode("utf-8")  # the stream can always be encoded
    sheet = _xlsx([gettext_lazy("=label")], [])
    assert next(sheet.iter_rows(values_only=True)) == ("'=label",)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cong-van.pdf", "cong-van.pdf"),
        ("Đ" * 100 + ".pdf", "Đ" * 73 + ".pdf"),  # 2 bytes a letter: 146 + 4 bytes
        ("ệ" * 60 + ".docx", "ệ" * 48 + ".docx"),  # 3 bytes a letter, never cut inside one
        ("x" * 200, "x" * 150),  # no extension
        ("a" * 150 + "." + "b" * 40, ("a" * 150 + "." + "b" * 40)[:150]),  # not an extension
    ],
)
def test_stored_file_names_fit_a_file_system(name, expected):
    from core.text import stored_file_name

    stored = stored_file_name(name)
    assert stored == expected
    assert len(stored.encode()) <= 150


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": "abc"}, "page"),
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page_size": "abc"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "501"}, "page_size"),
        ({"page_size": "99999999999999999999999"}, "page_size"),
    ],
)
def test_page_parameters_out_of_range_are_refused_naming_them(query, field):
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from core.pagination import DefaultPagination
    from core.params import InvalidParameter

    request = Request(APIRequestFactory().get("/x/", query))
    with pytest.raises(InvalidParameter) as info:
        DefaultPagination().paginate_queryset(list(range(120)), request)
    assert field in info.value.detail


def test_valid_page_parameters_still_page():
    from rest_framework.request import Request
    from rest_framework.test import APIRequestFactory

    from core.pagination import DefaultPagination

    request = Request(APIRequestFactory().get("/x/", {"page": "2", "page_size": "50"}))
    assert DefaultPagination().paginate_queryset(list(range(120)), request) == list(range(50, 100))
    request = Request(APIRequestFactory().get("/x/", {"page": "last"}))
    assert DefaultPagination().paginate_queryset(list(range(120)), request) == list(range(100, 120))
