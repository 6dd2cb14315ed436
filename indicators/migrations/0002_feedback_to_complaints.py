"""Citizen feedback now belongs to complaints (``complaints.0003`` took over and renamed the table):
only the model state is removed here; no row is touched."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("indicators", "0001_initial"),
        ("complaints", "0003_feedback_from_indicators"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Feedback")],
            database_operations=[],
        ),
    ]
