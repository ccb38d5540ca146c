
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('authentication', '0002_session_vocabulary'),
    ]

    operations = [
        migrations.AddField(
            model_name='session',
            name='authenticated_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='session',
            name='client_address',
            field=models.GenericIPAddressField(null=True),
        ),
        migrations.AddField(
            model_name='session',
            name='device',
            field=models.CharField(blank=True, max_length=128),
        ),
        migrations.AddField(
            model_name='session',
            name='last_address',
            field=models.GenericIPAddressField(null=True),
        ),
        migrations.AddField(
            model_name='session',
            name='last_used_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='session',
            name='user_agent',
            field=models.CharField(blank=True, max_length=512),
        ),
    ]
