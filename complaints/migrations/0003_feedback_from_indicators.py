"""Citizen feedback moves from indicators to complaints, rows kept.

The model state is created here on the existing table (``indicators_feedback``), the timeline's
foreign key is pointed at it (same table, so no change in the database), then the table is renamed
``complaints_feedback`` and its content type follows, so admin history and permissions keep
pointing at it. ``indicators.0002`` removes the old state. No row is copied.
"""
import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="complaints", model="feedback").exists():
        ContentType.objects.filter(app_label="indicators", model="feedback").update(app_label="complaints")


def restore_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label="indicators", model="feedback").exists():
        ContentType.objects.filter(app_label="complaints", model="feedback").update(app_label="indicators")


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0002_feedback_event"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("indicators", "0001_initial"),
        ("tthc", "0002_dossier_state"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Feedback",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("code", models.CharField(max_length=64, unique=True, verbose_name="code")),
                        ("subject", models.CharField(blank=True, max_length=500, verbose_name="subject")),
                        ("received_at", models.DateTimeField(verbose_name="received at")),
                        ("refused_at", models.DateTimeField(blank=True, null=True, verbose_name="refused at")),
                        ("asked_more_at", models.DateTimeField(blank=True, null=True, verbose_name="more information requested at")),
                        ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered at")),
                        ("published_at", models.DateTimeField(blank=True, null=True, verbose_name="answer published at")),
                        ("disliked", models.BooleanField(default=False, verbose_name="citizen dissatisfied with the answer")),
                        ("repeated", models.BooleanField(default=False, verbose_name="raised again (repeat feedback)")),
                        ("refuse_due_at", models.DateTimeField(editable=False, verbose_name="refuse by")),
                        ("ask_more_due_at", models.DateTimeField(editable=False, verbose_name="ask for more information by")),
                        ("answer_due_at", models.DateTimeField(editable=False, verbose_name="answer by")),
                        ("publish_due_at", models.DateTimeField(blank=True, editable=False, null=True, verbose_name="publish the answer by")),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("agency", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="feedback_items", to="tthc.agency", verbose_name="agency")),
                        ("procedure", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="feedback_items", to="tthc.procedure", verbose_name="procedure")),
                    ],
                    options={
                        "verbose_name": "feedback item",
                        "verbose_name_plural": "feedback items",
                        "ordering": ["-received_at"],
                        "db_table": "indicators_feedback",
                        "indexes": [models.Index(fields=["agency", "received_at"], name="feedback_agency_time")],
                        "constraints": [
                            models.CheckConstraint(condition=models.Q(("answered_at__isnull", True), ("answered_at__gte", models.F("received_at")), _connector="OR"), name="feedback_answered_after_received"),
                            models.CheckConstraint(condition=models.Q(("refused_at__isnull", True), ("refused_at__gte", models.F("received_at")), _connector="OR"), name="feedback_refused_after_received"),
                            models.CheckConstraint(condition=models.Q(("published_at__isnull", True), models.Q(("answered_at__isnull", False), ("published_at__gte", models.F("answered_at"))), _connector="OR"), name="feedback_published_after_answer"),
                        ],
                    },
                ),
                migrations.AlterField(
                    model_name="feedbackevent",
                    name="feedback",
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="events", to="complaints.feedback", verbose_name="feedback item"),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="feedback", table=None),
        migrations.RunPython(move_content_type, restore_content_type),
    ]
