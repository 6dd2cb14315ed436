import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """``SourceDossier.dossier_by_code``: a relation without a column (a join on the dossier code), so
    state only — no SQL either way (Django's SQLite backend cannot even remove such a field)."""

    dependencies = [
        ("reconciliation", "0012_source_copies_reference_checks_per_chunk"),
        ("tthc", "0006_dossier_list_order_and_status_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="sourcedossier",
                    name="dossier_by_code",
                    field=models.ForeignObject(
                        editable=False,
                        from_fields=["code"],
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="copies_by_code",
                        to="tthc.dossier",
                        to_fields=["code"],
                    ),
                ),
            ],
        ),
    ]
