# One word for one thing: a login starts a "session" (formerly "refresh family").

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("authentication", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel(old_name="RefreshFamily", new_name="Session"),
        migrations.AlterModelOptions(name="session", options={}),
        migrations.RenameField(model_name="issuedrefreshtoken", old_name="family", new_name="session"),
        migrations.AlterField(
            model_name="issuedrefreshtoken",
            name="session",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="refresh_tokens",
                to="authentication.session",
            ),
        ),
        migrations.AlterField(
            model_name="session",
            name="user",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="sessions",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RenameIndex(
            model_name="session", new_name="session_user_revoked_idx", old_name="family_user_revoked_idx"
        ),
    ]
