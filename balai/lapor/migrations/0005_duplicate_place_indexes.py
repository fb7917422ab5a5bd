"""Duplicate candidates by place: open reports of a kelurahan, and open reports with a point by category and
latitude (selectors.duplicate_candidates); the category's open reports of a month are no longer all read."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lapor', '0004_inbox_deadline_indexes'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='report',
            index=models.Index(condition=models.Q(('status__in', ['diterima', 'ditunda', 'diverifikasi', 'didisposisikan', 'diproses'])), fields=['kelurahan', 'category', 'created_at'], name='report_open_kelurahan'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(condition=models.Q(('latitude__isnull', False), ('status__in', ['diterima', 'ditunda', 'diverifikasi', 'didisposisikan', 'diproses'])), fields=['category', 'latitude', 'longitude', 'created_at'], name='report_open_point'),
        ),
    ]
