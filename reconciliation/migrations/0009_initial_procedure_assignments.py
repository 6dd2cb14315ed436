"""Data migration: each procedure's ``central_system`` becomes its initial assignment.

One every-province row per procedure with a centralized system, in force from ``INITIAL`` and
open-ended. Procedures without one need no row: no assignment means each province's own system.
"""

import datetime

from django.db import migrations

INITIAL = datetime.date(2000, 1, 1)


def forwards(apps, schema_editor):
    Procedure = apps.get_model("tthc", "Procedure")
    ProcedureAssignment = apps.get_model("reconciliation", "ProcedureAssignment")
    existing = set(
        ProcedureAssignment.objects.filter(province__isnull=True, valid_from=INITIAL).values_list(
            "procedure_id", flat=True
        )
    )
    ProcedureAssignment.objects.bulk_create(
        [
            ProcedureAssignment(procedure_id=pk, province=None, system_code=code, valid_from=INITIAL)
            for pk, code in Procedure.objects.exclude(central_system="").values_list("pk", "central_system")
            if pk not in existing
        ],
        batch_size=1000,
    )


def backwards(apps, schema_editor):
    ProcedureAssignment = apps.get_model("reconciliation", "ProcedureAssignment")
    ProcedureAssignment.objects.filter(province__isnull=True, valid_from=INITIAL, valid_to__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reconciliation", "0008_source_dossier_e_result"),
        ("tthc", "0003_lean_dossier_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
