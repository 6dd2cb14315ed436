"""After 0004 merged the rows: the request no longer names one system (its systems are listed in
``RequestSystem``); one request per province × ministry × month × route."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0005_merge_requests_per_ministry"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='syncgaprequest',
            name='sync_request_one_per_month',
        ),
        migrations.RemoveField(
            model_name='syncgaprequest',
            name='source',
        ),
        migrations.AddConstraint(
            model_name='syncgaprequest',
            constraint=models.UniqueConstraint(fields=('province', 'ministry', 'period', 'route'), name='sync_request_one_per_ministry'),
        ),
    ]
