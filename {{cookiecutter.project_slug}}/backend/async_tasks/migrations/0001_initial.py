
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
    ]

    operations = [
        migrations.CreateModel(
            name='CompletedTask',
            fields=[
                ('id', models.UUIDField(primary_key=True, serialize=False)),
                ('name', models.CharField(max_length=100)),
                ('completed_at', models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.CreateModel(
            name='UnsentTask',
            fields=[
                ('id', models.UUIDField(primary_key=True, serialize=False)),
                ('name', models.CharField(max_length=100)),
                ('kwargs', models.JSONField()),
                ('reason', models.CharField(choices=[('broker_unavailable', 'The broker could not be reached'), ('retries_exhausted', 'Every retry failed')], max_length=32)),
                ('error', models.CharField(blank=True, max_length=200)),
                ('recorded_at', models.DateTimeField()),
            ],
            options={
                'ordering': ['recorded_at'],
            },
        ),
    ]
