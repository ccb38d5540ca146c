from django.db import migrations, models


def password_sessions(apps, schema_editor):
    """Every session before this one began with the password alone."""
    apps.get_model("authentication", "Session").objects.update(authentication_methods=["pwd"])


class Migration(migrations.Migration):
    dependencies = [
        ("authentication", "0003_session_devices"),
    ]

    operations = [
        migrations.AddField(
            model_name="session",
            name="authentication_methods",
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.RunPython(password_sessions, migrations.RunPython.noop),
    ]
