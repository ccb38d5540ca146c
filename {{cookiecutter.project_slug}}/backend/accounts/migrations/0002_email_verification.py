import django.db.models.functions.text
from django.db import migrations, models
from django.db.models.functions import Now

import accounts.models


def accounts_before_verification_count_as_verified(apps, schema_editor):
    """Accounts that exist before email verification did keep signing in."""
    user = apps.get_model("accounts", "User")
    user.objects.using(schema_editor.connection.alias).filter(email_verified_at=None).update(email_verified_at=Now())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelManagers(
            name="user",
            managers=[
                ("objects", accounts.models.AccountManager()),
            ],
        ),
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="email verified at"),
        ),
        migrations.RunPython(accounts_before_verification_count_as_verified, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                condition=models.Q(("email", ""), _negated=True),
                name="accounts_user_email_unique_ci",
                violation_error_message="An account with this email address already exists.",
            ),
        ),
    ]
