"""Sessions in the admin: listed, searched, read-only, and ended through the same revocation as logout."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from rest_framework.test import APIClient

from authentication.models import Session
from authentication.testing import ORIGIN, PASSWORD, bearer

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:authentication_session_changelist"


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_superuser(username="root", email="root@example.com", password=PASSWORD)


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def signed_in(login, other_user):
    """alice with two sessions and bob with one; the access token of alice's first session, whose
    cookies (a client binding's, if any) stay on ``api``."""
    first = login().data["access"]
    login(client=APIClient(HTTP_ORIGIN=ORIGIN, HTTP_X_REQUESTED_WITH="XMLHttpRequest"))
    login(username="bob", client=APIClient(HTTP_ORIGIN=ORIGIN, HTTP_X_REQUESTED_WITH="XMLHttpRequest"))
    return first


def run_action(admin_client, url_name: str, action: str, ids) -> object:
    return admin_client.post(
        reverse(url_name), {"action": action, "_selected_action": [str(pk) for pk in ids]}, follow=True
    )


def test_sessions_are_listed_and_searchable_by_user(admin_client, signed_in, user):
    everyone = admin_client.get(reverse(CHANGELIST))
    assert everyone.status_code == 200
    assert everyone.context["cl"].result_count == 3
    alices = admin_client.get(reverse(CHANGELIST), {"q": "alice"})
    assert alices.context["cl"].result_count == 2
    assert {session.user_id for session in alices.context["cl"].result_list} == {user.pk}


def test_session_page_is_read_only_and_shows_its_refresh_tokens(admin_client, signed_in, user):
    session = Session.objects.filter(user=user).first()
    page = admin_client.get(reverse("admin:authentication_session_change", args=[session.pk]))
    assert page.status_code == 200
    assert not page.context["adminform"].form.fields  # every field is read-only
    assert str(session.refresh_tokens.get().jti) in page.content.decode()
    before = (session.revoked_at, session.absolute_expires_at)
    admin_client.post(reverse("admin:authentication_session_change", args=[session.pk]), {"revoke_reason": "x"})
    session.refresh_from_db()
    assert (session.revoked_at, session.absolute_expires_at) == before


def test_sessions_cannot_be_added_or_deleted(admin_client, signed_in, user):
    session = Session.objects.filter(user=user).first()
    assert admin_client.get(reverse("admin:authentication_session_add")).status_code == 403
    assert admin_client.get(reverse("admin:authentication_session_delete", args=[session.pk])).status_code == 403


def test_ending_one_session_rejects_its_access_tokens_at_once(
    admin_client, api, signed_in, user, django_capture_on_commit_callbacks
):
    session = Session.objects.filter(user=user).order_by("created_at").first()
    assert api.get("/api/me/", **bearer(signed_in)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = run_action(admin_client, CHANGELIST, "end_selected_sessions", [session.pk])
    assert "Ended 1 live session(s)." in response.content.decode()
    session.refresh_from_db()
    assert session.revoke_reason == "admin_revoked"
    assert api.get("/api/me/", **bearer(signed_in)).json()["code"] == "session_revoked"
    assert Session.objects.filter(user=user, revoked_at__isnull=True).count() == 1


def test_ending_every_session_of_a_user_leaves_other_users_signed_in(admin_client, signed_in, user, other_user):
    one_of_alices = Session.objects.filter(user=user).first()
    run_action(admin_client, CHANGELIST, "end_every_session_of_their_users", [one_of_alices.pk])
    assert not Session.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert Session.objects.filter(user=other_user, revoked_at__isnull=True).count() == 1


def test_user_admin_ends_every_session_of_the_selected_users(admin_client, signed_in, user, other_user):
    response = run_action(admin_client, "admin:accounts_user_changelist", "end_every_session", [user.pk])
    assert "Ended 2 live session(s)." in response.content.decode()
    assert not Session.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert Session.objects.filter(user=other_user, revoked_at__isnull=True).exists()


def test_admin_revocation_is_a_security_event_naming_the_staff_member(
    admin_client, signed_in, user, staff, security_events
):
    run_action(
        admin_client,
        CHANGELIST,
        "end_selected_sessions",
        Session.objects.filter(user=user).values_list("pk", flat=True),
    )
    [event] = [record for record in security_events() if record.event == "sessions_revoked"]
    assert (event.reason, event.count, event.by_user_id) == ("admin_revoked", 2, staff.pk)


def test_view_site_opens_the_web_app(admin_client, settings):
    page = admin_client.get(reverse("admin:index"))
    assert page.context["site_url"] == settings.FRONTEND_URL


def test_staff_without_change_permission_cannot_end_sessions(client, signed_in, user, django_user_model):
    viewer = django_user_model.objects.create_user(username="viewer", password=PASSWORD, is_staff=True)
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="authentication", codename="view_session")
    )
    client.force_login(viewer)
    assert client.get(reverse(CHANGELIST)).status_code == 200
    run_action(client, CHANGELIST, "end_selected_sessions", Session.objects.values_list("pk", flat=True))
    assert Session.objects.filter(revoked_at__isnull=True).count() == 3
