"""E-mail goes out in the recipient's language: their choice, else their organization's country's."""

import pytest

from certificates.accounts.models import Organization, User
from certificates.notifications import services, tasks
from certificates.notifications.emails import email_language
from certificates.notifications.models import DeliveryStatus, EmailNotification, EventType
from tests.notifications.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

NUMBER = "UZBY-2026-EX-000321"


def _issued_mail_to(organization, smtp):
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": NUMBER}, organizations=[organization]
    )
    [email] = EmailNotification.objects.filter(status=DeliveryStatus.PENDING)
    tasks.send_email(email.pk)  # the Celery task's body, as the worker runs it
    [message] = smtp.messages
    body = {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}
    return message["Subject"].strip(), message["Content-Language"], body


@pytest.mark.parametrize(
    ("country", "choice", "language", "subject", "phrase"),
    [
        ("BY", "", "ru", f"Выдан сертификат {NUMBER}", "подписан электронной цифровой подписью"),
        ("UZ", "", "uz", f"{NUMBER} raqamli sertifikat berildi", "elektron raqamli imzo bilan imzolandi"),
        ("BY", "en", "en", f"Certificate {NUMBER} issued", "has been issued and digitally signed"),
        ("UZ", "ru", "ru", f"Выдан сертификат {NUMBER}", "подписан электронной цифровой подписью"),
    ],
    ids=["belarusian-exporter-russian", "uzbek-exporter-uzbek", "choice-en-wins", "choice-ru-wins"],
)
def test_mail_speaks_the_users_choice_else_the_language_of_the_organizations_country(
    smtp, country, choice, language, subject, phrase
):
    organization = OrganizationFactory(kind=Organization.Kind.EXPORTER, country=country)
    UserFactory(organization=organization, language=choice)

    got_subject, content_language, body = _issued_mail_to(organization, smtp)

    assert got_subject == subject
    assert content_language == language
    assert phrase in body["text/plain"]
    assert phrase in body["text/html"]
    assert f'<html lang="{language}">' in body["text/html"]


def test_a_user_with_no_organization_and_no_choice_gets_english():
    assert email_language(User(username="staff", language="")) == "en"


def test_a_new_user_has_no_language_of_its_own():
    assert User._meta.get_field("language").default == ""
