"""Signing in to the portal: the admin's lockout, CSRF on every form, password reset by e-mail."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client

from tests.applications.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db


def test_the_portal_sign_in_is_locked_out_by_axes_after_repeated_failures(exporter):
    client = Client()
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post("/portal/login/", {"username": exporter.username, "password": f"wrong-{attempt}"})
    right = client.post("/portal/login/", {"username": exporter.username, "password": DEFAULT_PASSWORD})
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_right_password_signs_in_and_lands_on_the_users_first_page(exporter):
    client = Client()
    response = client.post("/portal/login/", {"username": exporter.username, "password": DEFAULT_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert client.get("/portal/")["Location"] == "/portal/applications/"


def test_every_portal_form_needs_the_csrf_token(exporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(exporter)
    refused = client.post("/portal/applications/new/", {"type": "export"})
    assert refused.status_code == 403
    page = client.get("/portal/applications/new/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    accepted = client.post("/portal/applications/new/", {"type": "export", "csrfmiddlewaretoken": token})
    assert accepted.status_code == 400  # past CSRF, refused by the API's validation


def test_a_password_reset_mails_a_portal_link_that_sets_the_new_password(exporter):
    client = Client()
    sent = client.post("/portal/password-reset/", {"email": exporter.email})
    assert sent["Location"] == "/portal/password-reset/sent/"
    (message,) = mail.outbox
    link = re.search(r"http://testserver(/portal/reset/\S+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = "a new long passphrase 42"
    done = client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done["Location"] == "/portal/reset/done/"
    exporter.refresh_from_db()
    assert exporter.check_password(new)


def test_signing_out_takes_a_post_and_ends_the_session(exporter):
    client = Client()
    client.force_login(exporter)
    assert client.get("/portal/logout/").status_code == 405
    assert client.post("/portal/logout/")["Location"] == "/portal/login/"
    assert client.get("/portal/applications/").status_code == 302
