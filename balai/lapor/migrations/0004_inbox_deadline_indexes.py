"""Indexes that EXPLAIN at a million reports asked for: the inbox filtered by kecamatan or by OPD in deadline
order, and duplicate candidates (category, open, within a month). (category, status) gains created_at."""

import django.db.models.functions.comparison
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('lapor', '0003_scale_search_indexes'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='report',
            name='report_category_status',
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(fields=['category', 'status', 'created_at'], name='report_category_status_time'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(models.F('kecamatan'), django.db.models.functions.comparison.Coalesce('due_at', 'verify_due_at'), models.F('created_at'), condition=models.Q(('status__in', ['diterima', 'ditunda', 'diverifikasi', 'didisposisikan', 'diproses'])), name='report_kecamatan_open_deadline'),
        ),
        migrations.AddIndex(
            model_name='report',
            index=models.Index(models.F('lead_unit'), django.db.models.functions.comparison.Coalesce('due_at', 'verify_due_at'), models.F('created_at'), condition=models.Q(('status__in', ['diterima', 'ditunda', 'diverifikasi', 'didisposisikan', 'diproses'])), name='report_unit_open_deadline'),
        ),
    ]
