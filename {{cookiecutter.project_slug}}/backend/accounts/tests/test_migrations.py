"""Upgrading a project: accounts made before email verification existed keep signing in."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("accounts", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_accounts_made_before_verification_count_as_verified():
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes("accounts")
    executor.migrate(BEFORE)
    old_user_model = executor.loader.project_state(BEFORE).apps.get_model("accounts", "User")
    old_user_model.objects.create(username="veteran", email="veteran@example.com", password="!")
    executor = MigrationExecutor(connection)
    executor.migrate(latest)
    assert get_user_model().objects.get(username="veteran").email_verified_at is not None
