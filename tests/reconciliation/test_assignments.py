"""Effective-dated procedure → system assignments: the import command, the admin, the data migration."""

import importlib
import json
from datetime import date
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command

from reconciliation.models import ProcedureAssignment
from reconciliation.services.assignments import MonthAssignments, system_for
from tthc.periods import Period

from . import chain_dataset as data

pytestmark = pytest.mark.django_db

HEADER = "procedure_code,system_code,province_codes,valid_from,valid_to\n"


def run_import(tmp_path, body: str):
    path = tmp_path / "assign.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_procedure_systems", str(path), "--json", stdout=out, stderr=err)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(out.getvalue())


def rows():
    return set(
        ProcedureAssignment.objects.values_list(
            "procedure__code", "province__code", "system_code", "valid_from", "valid_to"
        )
    )


def test_import_is_idempotent_and_closes_the_superseded_row(db, tmp_path):
    data.build()
    body = "MOV1,HOTICH,,2026-07-01,\nMOV1,,,2020-01-01,\nHT1,,01,2026-09-01,2026-12-31\n"
    code, report = run_import(tmp_path, body)
    assert code == 0 and (report["created"], report["rejected"]) == (3, 0)
    expected = {
        ("MOV1", None, "", date(2020, 1, 1), date(2026, 6, 30)),
        ("MOV1", None, "HOTICH", date(2026, 7, 1), None),
        ("HT1", "01", "", date(2026, 9, 1), date(2026, 12, 31)),
    }
    assert rows() == expected
    code, report = run_import(tmp_path, body)  # again: nothing changes
    assert code == 0 and rows() == expected
    assert report["created"] == 0
    june, july = (
        MonthAssignments.for_period(Period.parse("2026-06")),
        MonthAssignments.for_period(Period.parse("2026-07")),
    )
    moved = ProcedureAssignment.objects.filter(procedure__code="MOV1").first().procedure
    assert june.base[moved.pk] == "" and july.base[moved.pk] == "HOTICH"
    assert system_for(moved, None, date(2026, 7, 1)) == "HOTICH"


def test_import_reports_each_bad_row_by_row_and_column(db, tmp_path):
    data.build()
    body = (
        "NOPE,,,2026-07-01,\n"  # row 2
        "MOV1,NOSYS,,2026-07-01,\n"  # row 3
        "MOV1,,99;01,2026-07-01,\n"  # row 4
        "MOV1,,,01.07.2026,\n"  # row 5
        "MOV1,,,2026-07-01,2026-06-01\n"  # row 6
        "MOV1,DVCQG,,2026-07-01,\n"  # row 7
        "MOV1,TINH-01,,2026-07-01,\n"  # row 8
        "HT1,TINH-01,01,2026-07-01,\n"  # row 9: fine
    )
    code, report = run_import(tmp_path, body)
    assert code == 1
    got = {(e["row"], e["column"]) for e in report["errors"]}
    assert got == {
        (2, "procedure_code"),
        (3, "system_code"),
        (4, "province_codes"),
        (5, "valid_from"),
        (6, "valid_to"),
        (7, "system_code"),
        (8, "province_codes"),
    }
    assert report["rejected"] == 7 and report["created"] == 1
    assert rows() == {("HT1", "01", "TINH-01", date(2026, 7, 1), None)}


def test_data_migration_turns_central_system_into_assignments(db):
    ds = data.build()
    ProcedureAssignment.objects.all().delete()
    migration = importlib.import_module("reconciliation.migrations.0009_initial_procedure_assignments")
    migration.forwards(django_apps, None)
    migration.forwards(django_apps, None)  # idempotent
    assert rows() == {("HT1", None, "HOTICH", date(2000, 1, 1), None)}
    assert ds.procedures["ht"].assignments.count() == 1


def test_admin_is_for_national_administrators(db, client):
    from accounts.models import Role
    from tests.accounts.helpers import make_user

    ds = data.build()
    url = "/admin/reconciliation/procedureassignment/add/"
    officer = make_user("officer", Role.UNIT_ADMIN, ds.agencies["01"])
    client.force_login(officer)
    assert client.get(url).status_code == 403
    national = make_user("national", Role.NATIONAL_ADMIN, ds.agencies["CP"])
    client.force_login(national)
    assert client.get(url).status_code == 200
    form = {
        "procedure": ds.procedures["moved"].pk,
        "province": "",
        "valid_from": "2026-07-01",
        "valid_to": "",
    }
    response = client.post(url, {**form, "system_code": "NOSYS"})
    assert response.status_code == 200 and "system_code" in response.context["adminform"].form.errors
    response = client.post(url, {**form, "system_code": "HOTICH"})
    assert response.status_code == 302
    assert rows() == {("MOV1", None, "HOTICH", date(2026, 7, 1), None)}
