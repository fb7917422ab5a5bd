"""Officials become rows of their own (with a photo), copied from the profile's old name/position list."""

import django.db.models.deletion
from django.db import migrations, models


def copy_officials(apps, schema_editor):
    Site = apps.get_model("situs", "Site")
    Official = apps.get_model("situs", "Official")
    rows = []
    for site in Site.objects.exclude(pejabat=[]).only("id", "pejabat"):
        for n, person in enumerate(site.pejabat or [], start=1):
            if str(person.get("name", "")).strip():
                rows.append(
                    Official(site_id=site.id, name=person["name"][:120], position=str(person.get("position", ""))[:120], order=n)
                )
    Official.objects.bulk_create(rows)


class Migration(migrations.Migration):

    dependencies = [
        ('situs', '0002_page_newest_and_search'),
    ]

    operations = [
        migrations.CreateModel(
            name='Official',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated')),
                ('name', models.CharField(max_length=120, verbose_name='name')),
                ('position', models.CharField(blank=True, max_length=120, verbose_name='position')),
                ('order', models.PositiveSmallIntegerField(default=1, verbose_name='place in the list')),
                ('photo', models.FileField(blank=True, upload_to='situs/pejabat/', verbose_name='photo')),
                ('photo_small', models.FileField(blank=True, upload_to='situs/pejabat/')),
                ('photo_width', models.PositiveSmallIntegerField(default=0)),
                ('photo_height', models.PositiveSmallIntegerField(default=0)),
                ('version', models.PositiveIntegerField(default=1)),
                ('site', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='officials', to='situs.site', verbose_name='website')),
            ],
            options={
                'verbose_name': 'official',
                'verbose_name_plural': 'officials',
                'ordering': ('order', 'id'),
            },
        ),
        migrations.RunPython(copy_officials, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='site',
            name='pejabat',
        ),
    ]
