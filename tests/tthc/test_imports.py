"""Reference-data import: per-row errors, idempotency, tree maintenance, the commands' contract."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from tthc.models import Agency, Procedure
from tthc.services.imports import ImportFileError, import_agencies, import_procedures

pytestmark = pytest.mark.django_db

AGENCIES = """code,name,kind,parent_code,valid_from,valid_to,short_name,successor_code
01,Thành phố Hà Nội,province,CP,2025-07-01,,Hà Nội,
CP,Chính phủ,central,,,,,
BTP,Bộ Tư pháp,ministry,CP,2025-03-01,,Tư pháp,
00004,Phường  Ba Đình,commune,01,2025-07-01,,,
02,Tỉnh Hà Giang,province,CP,,2025-06-30,,08
08,Tỉnh Tuyên Quang,province,CP,2025-07-01,,,
"""

PROCEDURES = """code,name,field_code,field_name,ministry_code,processing_amount,processing_unit,online_level,fee_bearing,issues_result,citizen_facing,central_system,levels,published_on
1.001193,Đăng ký khai sinh,HT,Hộ tịch,BTP,0.5,working_days,full,0,1,1,hotich,commune,2024-01-15
2.000488,Cấp phiếu lý lịch tư pháp,LLTP,Lý lịch tư pháp,BTP,10,calendar_days,full,true,true,true,LLTP,province;central,
"""


def _csv(text):
    return io.StringIO(text)


def test_agencies_are_created_in_any_order_with_paths_and_successors():
    report = import_agencies(_csv(AGENCIES))
    assert (report.created, report.updated, report.unchanged, report.errors) == (6, 0, 0, [])
    commune = Agency.objects.get(code="00004")
    assert commune.path == "/CP/01/00004/"
    assert commune.depth == 2
    assert commune.ranked_agency.code == "01"
    assert commune.name == "Phường Ba Đình"  # inner double space folded
    assert Agency.objects.get(code="02").successor.code == "08"
    assert set(Agency.objects.subtree(Agency.objects.get(code="01")).values_list("code", flat=True)) == {
        "01",
        "00004",
    }


def test_reimport_is_idempotent_and_updates_only_changes():
    import_agencies(_csv(AGENCIES))
    again = import_agencies(_csv(AGENCIES))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 6)
    changed = AGENCIES.replace("Tỉnh Tuyên Quang", "Tỉnh Tuyên Quang mới")
    third = import_agencies(_csv(changed))
    assert (third.created, third.updated, third.unchanged) == (0, 1, 5)
    assert Agency.objects.get(code="08").name == "Tỉnh Tuyên Quang mới"


def test_moving_an_agency_rewrites_the_subtree_paths():
    import_agencies(_csv(AGENCIES))
    moved = AGENCIES.replace("00004,Phường  Ba Đình,commune,01", "00004,Phường  Ba Đình,commune,08")
    import_agencies(_csv(moved))
    assert Agency.objects.get(code="00004").path == "/CP/08/00004/"
    assert Agency.objects.get(code="00004").ranked_agency.code == "08"


def test_bad_agency_rows_are_reported_by_row_and_column_and_others_are_stored():
    text = (
        AGENCIES + "X1,Bad kind,provincee,CP,,,,\nX2,,commune,01,,,,\nX3,Orphan,commune,NOPE,,,,\n"
        "X4,Dates,commune,01,2025-07-01,2025-01-01,,\nX5,Bad date,commune,01,01/07/2025,,,\n01,Dup,province,CP,,,,\n"
    )
    report = import_agencies(_csv(text))
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (8, "kind"),
        (9, "name"),
        (10, "parent_code"),
        (11, "valid_to"),
        (12, "valid_from"),
        (13, "code"),
    }
    assert report.created == 6
    assert not Agency.objects.filter(code__startswith="X").exists()
    message = next(str(e) for e in report.errors if e.column == "kind")
    assert "row 8" in message and "provincee" in message and "province" in message


def test_missing_columns_is_a_file_error():
    with pytest.raises(ImportFileError, match="missing column.*valid_from"):
        import_agencies(_csv("code,name,kind,parent_code,valid_to\n"))


def test_procedures_upsert_with_levels_booleans_and_units():
    import_agencies(_csv(AGENCIES))
    report = import_procedures(_csv(PROCEDURES))
    assert (report.created, report.errors) == (2, [])
    birth = Procedure.objects.get(code="1.001193")
    assert birth.processing_amount == Decimal("0.50")
    assert birth.central_system == "HOTICH"
    assert (birth.level_central, birth.level_province, birth.level_commune) == (False, False, True)
    assert birth.fee_bearing is False and birth.issues_result is True
    lltp = Procedure.objects.get(code="2.000488")
    assert lltp.processing_unit == "calendar_days" and lltp.fee_bearing is True
    assert (lltp.level_central, lltp.level_province) == (True, True)
    again = import_procedures(_csv(PROCEDURES))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_procedure_errors_name_row_and_column():
    import_agencies(_csv(AGENCIES))
    bad = PROCEDURES + (
        "9.1,X,HT,Hộ tịch,NOPE,5,working_days,full,0,1,1,,commune,\n"
        "9.2,X,HT,Hộ tịch,01,5,working_days,full,0,1,1,,commune,\n"
        "9.3,X,HT,Hộ tịch,BTP,-1,weeks,half,maybe,1,1,,district,2024-13-01\n"
    )
    report = import_procedures(_csv(bad))
    found = {(e.row, e.column) for e in report.errors}
    assert found == {
        (4, "ministry_code"),
        (5, "ministry_code"),
        (6, "processing_amount"),
        (6, "processing_unit"),
        (6, "online_level"),
        (6, "fee_bearing"),
        (6, "levels"),
        (6, "published_on"),
    }
    assert report.rejected == 3 and report.created == 2


def test_commands_print_json_and_fail_on_rejected_rows(tmp_path, capsys):
    agencies = tmp_path / "agencies.csv"
    agencies.write_text("\ufeff" + AGENCIES, encoding="utf-8")
    call_command("import_agencies", str(agencies), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["created"] == 6 and out["rejected"] == 0
    procedures = tmp_path / "procedures.csv"
    procedures.write_text(PROCEDURES.replace(",BTP,10,", ",ZZZ,10,"), encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_procedures", str(procedures))
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    assert "created 1" in captured.out and "row 3" in captured.err and "ministry_code" in captured.err
    with pytest.raises(CommandError, match="not found"):
        call_command("import_agencies", str(tmp_path / "missing.csv"))


def test_semicolon_separated_files_are_accepted():
    report = import_agencies(_csv(AGENCIES.replace(",", ";")))
    assert report.created == 6 and not report.errors


def test_a_parent_cycle_among_new_rows_is_rejected_per_row():
    text = AGENCIES + "Y1,Loop one,unit,Y2,,,,\nY2,Loop two,unit,Y1,,,,\n"
    report = import_agencies(_csv(text))
    assert {(e.row, e.column) for e in report.errors} == {(8, "parent_code"), (9, "parent_code")}
    assert "loops back" in report.errors[0].error
    assert report.created == 6 and not Agency.objects.filter(code__startswith="Y").exists()


def test_tree_fields_computed_on_insert_match_a_full_rebuild():
    from tthc.services.agencies import rebuild_tree

    import_agencies(_csv(AGENCIES))
    assert rebuild_tree() == 0


def test_the_public_service_providers_named_by_the_seeds_are_in_the_reference_data():
    """Seeds 001 and 004 address Bảo hiểm xã hội Việt Nam and Tập đoàn Điện lực Việt Nam: both are
    agencies (BHXH moved under the Ministry of Finance on 2025-03-01) with their systems' procedures."""
    from pathlib import Path

    data = Path(__file__).resolve().parents[2] / "tthc" / "data"
    assert import_agencies(data / "agencies_central.csv").rejected == 0
    assert import_procedures(data / "procedures.csv").rejected == 0
    old, now, evn = (Agency.objects.get(code=c) for c in ("BHXH", "BTC-BHXH", "EVN"))
    assert old.name == now.name == "Bảo hiểm xã hội Việt Nam" and old.successor.code == "BTC"
    assert now.parent.code == "BTC" and str(now.valid_from) == "2025-03-01"
    assert evn.name == "Tập đoàn Điện lực Việt Nam" and evn.parent.code == "CP" and evn.kind == "unit"
    systems = dict(
        Procedure.objects.filter(central_system__in=["BHXH", "EVN"]).values_list("name", "central_system")
    )
    assert systems["Cấp lại thẻ bảo hiểm y tế do mất, hỏng"] == "BHXH"
    assert systems["Cấp điện mới từ lưới điện hạ áp"] == "EVN"
