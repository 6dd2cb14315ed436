"""The signed letter's stored PDF and Word files (``SignedLetter``).

No data migration: requests signed before this one get their copy at the first download of their
letter (``reports.services.render.render``). Rendering every signed letter here would run WeasyPrint
inside the deploy's migration (minutes at scale, a failure blocking the deploy, the documents app's
code run against historical models), and it could not recover what was signed anyway: either way the
copy is today's rendering.
"""

import complaints.models.requests
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('complaints', '0006_request_without_single_source'),
    ]

    operations = [
        migrations.CreateModel(
            name='SignedLetter',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('pdf', models.FileField(max_length=300, upload_to=complaints.models.requests._signed_letter_upload_to, verbose_name='PDF file')),
                ('pdf_sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the PDF')),
                ('pdf_size', models.PositiveIntegerField(verbose_name='PDF size (bytes)')),
                ('pdf_pages', models.PositiveIntegerField(blank=True, null=True, verbose_name='PDF pages')),
                ('docx', models.FileField(max_length=300, upload_to=complaints.models.requests._signed_letter_upload_to, verbose_name='Word file')),
                ('docx_sha256', models.CharField(max_length=64, verbose_name='SHA-256 of the Word file')),
                ('docx_size', models.PositiveIntegerField(verbose_name='Word file size (bytes)')),
                ('rendered_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='rendered at')),
                ('request', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='signed_letter', to='complaints.syncgaprequest', verbose_name='request')),
            ],
            options={
                'verbose_name': 'signed letter',
                'verbose_name_plural': 'signed letters',
            },
        ),
    ]
