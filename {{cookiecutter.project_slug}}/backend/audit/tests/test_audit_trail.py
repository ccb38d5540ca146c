"""The audit trail: account and session events kept with who, when, from where and in which
session, never a secret; read-only in the admin; pruned past the retention; each user's own
activity through the API, never another's."""

from datetime import timedelta

import jwt
import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from authentication.conf import auth_settings
from authentication.security_log import security_event
from authentication.testing import BROWSER_HEADERS, LOGIN_URL, PASSWORD, REFRESH_URL, bearer

pytestmark = pytest.mark.django_db(transaction=True)  # records are written once the transaction commits

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
ACTIVITY_URL = "/api/account/activity/"


def browser(address="127.0.0.1") -> APIClient:
    return APIClient(HTTP_USER_AGENT=FIREFOX, REMOTE_ADDR=address, **BROWSER_HEADERS)


def sign_in(client, username="alice", password=PASSWORD):
    return client.post(LOGIN_URL, {"username": username, "password": password}, format="json")


def test_a_sign_in_is_kept_with_who_when_where_and_which_session(user):
    access = sign_in(browser("127.0.0.7")).json()["access"]
    [event] = AuditEvent.objects.filter(event="login_succeeded")
    assert event.user == user and event.client_address == "127.0.0.7"
    assert event.user_agent == FIREFOX
    assert str(event.session_id) == jwt.decode(access, options={"verify_signature": False})["sid"]
    assert timezone.now() - event.at < timedelta(minutes=1)


def test_failed_sign_ins_name_the_account_when_it_exists(user):
    sign_in(browser(), password="wrong-password")
    sign_in(browser(), username="nobody", password="wrong-password")
    failed = {event.details["username"]: event.user for event in AuditEvent.objects.filter(event="login_failed")}
    assert failed == {"alice": user, "nobody": None}


def test_no_secret_is_ever_kept(user):
    client = browser()
    response = sign_in(client)
    access = response.json()["access"]
    refresh = client.cookies[auth_settings.REFRESH_COOKIE_NAME].value
    client.post(REFRESH_URL)
    security_event("probe_with_secrets", password="hunter2", refresh_token="abc", user_id=user.pk)
    stored = " ".join(repr(vars(event)) for event in AuditEvent.objects.all())
    for secret in (PASSWORD, access, refresh, "hunter2"):
        assert secret not in stored


def test_frequent_events_stay_in_the_log_only(user):
    client = browser()
    sign_in(client)
    assert client.post(REFRESH_URL).status_code == 200
    security_event("throttled", scope="login")
    assert not AuditEvent.objects.filter(event__in=["refresh_rotated", "throttled"]).exists()


def test_events_of_work_that_rolled_back_are_not_kept(user):
    with pytest.raises(RuntimeError), transaction.atomic():
        security_event("password_changed", user_id=user.pk)
        raise RuntimeError("the change failed")
    assert not AuditEvent.objects.filter(event="password_changed").exists()


def test_a_record_is_written_once_however_often_its_task_runs(user):
    from audit.records import record_event

    values = {
        "event_id": "7a2c1b0e-0f39-4a55-9d47-0e6f0f8e7b11",
        "at": timezone.now().isoformat(),
        "event": "logout",
        "user_id": user.pk,
        "username": None,
        "client_address": "127.0.0.1",
        "user_agent": "",
        "session_id": None,
        "details": {},
    }
    record_event(**values)
    record_event(**values)
    assert AuditEvent.objects.filter(event="logout").count() == 1


def test_the_admin_shows_the_trail_read_only(admin_client, user):
    sign_in(browser())
    changelist = admin_client.get("/admin/audit/auditevent/?event__exact=login_succeeded")
    assert changelist.status_code == 200 and b"login_succeeded" in changelist.content
    event = AuditEvent.objects.get(event="login_succeeded")
    assert admin_client.get(f"/admin/audit/auditevent/{event.pk}/change/").status_code == 200
    assert admin_client.get("/admin/audit/auditevent/add/").status_code == 403
    assert admin_client.post(f"/admin/audit/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_pruning_deletes_only_records_past_the_retention(user, settings, capsys):
    settings.AUDIT = {**settings.AUDIT, "RETENTION": timedelta(days=30)}
    now = timezone.now()
    old = AuditEvent.objects.create(at=now - timedelta(days=31), event="logout", user=user)
    recent = AuditEvent.objects.create(at=now - timedelta(days=29), event="logout", user=user)
    call_command("prune_audit_trail", "--dry-run")
    assert "1 audit record(s)" in capsys.readouterr().out and AuditEvent.objects.filter(pk=old.pk).exists()
    call_command("prune_audit_trail")
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [recent.pk]


def test_the_activity_api_shows_a_user_their_own_events_only(user, other_user):
    alice = browser("127.0.0.2")
    access = sign_in(alice).json()["access"]
    sign_in(browser(), password="wrong-password")
    sign_in(browser(), username="bob")
    activity = alice.get(ACTIVITY_URL, **bearer(access)).json()
    assert [entry["event"] for entry in activity] == ["login_failed", "login_succeeded"]
    assert activity[1] == {
        "event": "login_succeeded",
        "description": "Signed in",
        "at": activity[1]["at"],
        "client_address": "127.0.0.2",
        "device": "Firefox 133 on Windows",
    }
    assert APIClient().get(ACTIVITY_URL).status_code == 401


def test_the_activity_api_is_limited_to_the_latest_events(user, settings):
    settings.AUDIT = {**settings.AUDIT, "ACTIVITY_LIMIT": 3}
    now = timezone.now()
    AuditEvent.objects.bulk_create(
        AuditEvent(at=now - timedelta(minutes=n), event="logout", user=user) for n in range(5)
    )
    client = browser()
    access = sign_in(client).json()["access"]
    assert len(client.get(ACTIVITY_URL, **bearer(access)).json()) == 3
