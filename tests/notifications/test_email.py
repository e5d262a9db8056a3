import pytest
from django.utils import timezone

from certificates.accounts.models import User
from certificates.notifications import services
from certificates.notifications.models import DeliveryStatus, EmailNotification, EventType
from tests.notifications.factories import UserFactory
from tests.notifications.servers import free_port


def send_all() -> None:
    for email in EmailNotification.objects.filter(status=DeliveryStatus.PENDING):
        services.email_send(email_id=email.pk)


def subject(message) -> str:
    # Django folds a long encoded subject onto a continuation line; readers drop that space.
    return message["Subject"].strip()


def parts(message) -> dict[str, str]:
    return {part.get_content_type(): part.get_content() for part in message.walk() if not part.is_multipart()}


@pytest.mark.parametrize(
    ("language", "expected_subject", "phrase"),
    [
        ("ru", "Выдан сертификат UZBY-2026-EX-000123", "PDF с QR-кодом"),
        ("uz", "UZBY-2026-EX-000123 raqamli sertifikat berildi", "QR-kodli PDF"),
        ("en", "Certificate UZBY-2026-EX-000123 issued", "PDF with QR code"),
    ],
)
def test_certificate_issued_mail_arrives_in_the_recipients_language_with_text_and_html(
    smtp, exporter_org, language, expected_subject, phrase
):
    user = UserFactory(organization=exporter_org, language=language, first_name="Dilnoza")
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED,
        data={"number": "UZBY-2026-EX-000123"},
        organizations=[exporter_org],
    )

    send_all()

    [message] = smtp.messages
    assert message["To"] == user.email
    assert subject(message) == expected_subject
    assert message["Content-Language"] == language
    body = parts(message)
    assert set(body) == {"text/plain", "text/html"}
    assert phrase in body["text/plain"]
    assert "/api/v1/certificates/UZBY-2026-EX-000123/pdf" in body["text/plain"]
    assert "/api/v1/certificates/UZBY-2026-EX-000123/document" in body["text/html"]
    assert f'<html lang="{language}">' in body["text/html"]
    assert EmailNotification.objects.get().status == DeliveryStatus.DELIVERED


def test_text_from_the_event_is_escaped_in_html_but_not_in_text(smtp, exporter_org, exporter):
    reason = "HS code <b>0805</b> & weight"
    services.event_emit(
        type=EventType.APPLICATION_RETURNED,
        data={"application_id": 7, "reason": reason},
        organizations=[exporter_org],
        roles=[User.Role.EXPORTER],
    )

    send_all()

    body = parts(smtp.messages[0])
    assert reason in body["text/plain"]
    assert "&lt;b&gt;0805&lt;/b&gt; &amp; weight" in body["text/html"]


def test_opted_out_user_gets_no_optional_mail_but_still_gets_essential_mail(smtp, exporter_org, exporter):
    services.notification_preference_update(user=exporter, email_optional=False)

    services.event_emit(
        type=EventType.APPLICATION_APPROVED, data={"application_id": 1}, organizations=[exporter_org]
    )
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "N-1"}, organizations=[exporter_org]
    )
    send_all()

    assert [subject(m) for m in smtp.messages] == ["Certificate N-1 issued"]


def test_opting_out_after_the_event_still_stops_optional_mail(smtp, exporter_org, exporter):
    services.event_emit(
        type=EventType.APPLICATION_REJECTED, data={"application_id": 1}, organizations=[exporter_org]
    )
    services.notification_preference_update(user=exporter, email_optional=False)

    send_all()

    assert smtp.messages == []
    assert EmailNotification.objects.get().status == DeliveryStatus.CANCELLED


def test_submitted_application_goes_to_the_issuers_officers_only(smtp, issuer_org, exporter_org, exporter):
    officer = UserFactory(organization=issuer_org, role=User.Role.OFFICER, language="ru")
    UserFactory(organization=issuer_org, role=User.Role.EXPORTER)

    services.event_emit(
        type=EventType.APPLICATION_SUBMITTED,
        data={"application_id": 3, "exporter": exporter_org.name},
        organizations=[issuer_org],
        roles=[User.Role.OFFICER],
    )
    send_all()

    assert smtp.inbox.recipients == [[officer.email]]
    assert subject(smtp.messages[0]) == "Заявка 3 подана на рассмотрение"


def test_revocation_reaches_the_exporter_and_every_customs_organization(
    smtp, exporter_org, exporter, customs_org
):
    inspector = UserFactory(organization=customs_org, role=User.Role.CUSTOMS, language="ru")

    services.event_emit(
        type=EventType.CERTIFICATE_REVOKED,
        data={"number": "N-9", "reason": "wrong HS code"},
        organizations=[exporter_org],
        subscribers_of_kind="customs",
    )
    send_all()

    assert sorted(r[0] for r in smtp.inbox.recipients) == sorted([exporter.email, inspector.email])


def test_an_unreachable_smtp_server_is_retried_later(settings, exporter_org, exporter):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", free_port(), False
    settings.EMAIL_TIMEOUT = 2
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "N-2"}, organizations=[exporter_org]
    )

    send_all()

    email = EmailNotification.objects.get()
    assert email.status == DeliveryStatus.PENDING
    assert "ConnectionRefusedError" in email.error
    assert email.next_attempt_at > timezone.now()


@pytest.mark.parametrize("kind", [*EventType.values, "webhook.endpoint_disabled"])
@pytest.mark.parametrize("language", ["en", "ru", "uz"])
def test_every_notification_renders_in_every_language(kind, language):
    from certificates.notifications.emails import email_build

    user = User(username="u", email="u@example.org", language=language)
    data = {"number": "N-1", "application_id": 1, "kid": "k1", "url": "https://x.example/", "reason": "r"}
    message = email_build(kind=kind, data=data, user=user)

    assert message.subject
    assert "\n" not in message.subject
    assert "{" not in message.body
    assert message.alternatives[0].mimetype == "text/html"
