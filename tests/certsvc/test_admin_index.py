"""The admin speaks the officer's language: app and model names, the header, the status titles."""

import pytest
from django.urls import reverse
from django.utils import translation

from certificates.accounts.models import User
from certificates.applications.models import Application
from tests.applications.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

# What the English admin index shows; none of it may remain on the Russian or Uzbek one.
ENGLISH_APP_NAMES = [
    "Authentication and Authorization",
    "Sign-in attempts",
    "Axes",
    "API tokens",
    "Knox",
    "Certificates",
    "Notifications",
    "Signing",
    "Transparency log",
]
ENGLISH_MODEL_NAMES = [
    "Groups",
    "Access attempts",
    "Access failures",
    "Access logs",
    "Auth tokens",
    "Applications",
    "Issuance orders",
    "Number sequences",
    "Organizations",
    "Users",
    "Verifications",
    "E-mail notifications",
    "Email notifications",
    "Events",
    "Notification preferences",
    "Webhook deliveries",
    "Webhook endpoint events",
    "Webhook endpoints",
    "Signing keys",
    "Checkpoints",
    "Log leaves",
    "Log leafs",
]


@pytest.fixture
def staff(client):
    client.force_login(UserFactory(role=User.Role.OFFICER, is_staff=True, is_superuser=True))
    return client


def index(client, language):
    response = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def test_the_english_index_lists_what_the_other_languages_must_translate(staff):
    page = index(staff, "en")
    shown = [name for name in ENGLISH_APP_NAMES + ENGLISH_MODEL_NAMES if f">{name}<" in page]
    assert set(ENGLISH_APP_NAMES + ENGLISH_MODEL_NAMES) - set(shown) == {
        "Axes",
        "Knox",
        "Auth tokens",
        "Email notifications",
        "Log leafs",
    }
    assert "certsvc — certification of goods UZ–BY" in page
    assert "Django administration" not in page


@pytest.mark.parametrize("language", ["ru", "uz"])
def test_no_english_app_or_model_name_on_the_translated_index(staff, language):
    page = index(staff, language)
    left_in_english = [name for name in ENGLISH_APP_NAMES + ENGLISH_MODEL_NAMES if f">{name}<" in page]
    assert left_in_english == []
    assert "Django" not in page


@pytest.mark.parametrize(
    ("language", "header", "leaves"),
    [
        ("ru", "certsvc — сертификация товаров UZ–BY", "Листья журнала"),
        ("uz", "certsvc — tovarlarni sertifikatlash UZ–BY", "Jurnal barglari"),
    ],
)
def test_the_translated_header_and_log_leaves(staff, language, header, leaves):
    page = index(staff, language)
    assert header in page
    assert f">{leaves}<" in page


@pytest.mark.parametrize("language", ["ru", "uz"])
def test_status_titles_are_translated_in_the_application_list(staff, language):
    ApplicationFactory(status=Application.Status.SUBMITTED)
    page = staff.get(
        reverse("admin:certificates_application_changelist"), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    with translation.override("en"):
        english = [str(status.label) for status in Application.Status]
    assert [label for label in english if f">{label}<" in page] == []
    assert {"ru": "Подана", "uz": "Yuborilgan"}[language] in page
