"""Repair the notifications stored while six Vietnamese translations repeated themselves.

Until the catalog was fixed, a transition's notification body began with its sentence twice
("… sang “Đã gửi”.… sang “Đã gửi”."), and a reminder's subject and body were each their text twice.
A correct text is never exactly two copies of one string, so a subject, or a body's first paragraph,
that is one is cut to its first half; nothing else is touched. The table is small (about 17,000
rows a month nationwide), read in chunks.
"""

from django.db import migrations

CHUNK = 2000


def said_once(text: str) -> str:
    """``text`` without the repetition: ``"A.A."`` → ``"A."``; any other text unchanged."""
    half = len(text) // 2
    return text[:half] if text and len(text) % 2 == 0 and text[:half] == text[half:] else text


def repaired_body(body: str) -> str:
    head, sep, rest = body.partition("\n\n")
    return said_once(head) + sep + rest


def repair(apps, schema_editor):
    Notification = apps.get_model("complaints", "Notification")
    changed = []
    for n in Notification.objects.only("pk", "subject", "body").iterator(chunk_size=CHUNK):
        subject, body = said_once(n.subject), repaired_body(n.body)
        if (subject, body) != (n.subject, n.body):
            n.subject, n.body = subject, body
            changed.append(n)
        if len(changed) >= CHUNK:
            Notification.objects.bulk_update(changed, ["subject", "body"])
            changed = []
    Notification.objects.bulk_update(changed, ["subject", "body"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_signed_letter")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop, elidable=True)]
