import pytest

from certificates.accounts.models import Organization, User
from tests.notifications.factories import OrganizationFactory, UserFactory
from tests.notifications.servers import ReceiverServer, SMTPServer, WebhookReceiver

FAST_SCHEDULE = (0.05, 0.05, 0.05)


@pytest.fixture
def local_webhooks(settings):
    """Lets deliveries reach a receiver on 127.0.0.1 over http, with retries in fractions of a second."""
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_ALLOWED_TEST_NETS = ["127.0.0.1/32"]
    settings.WEBHOOK_RETRY_SCHEDULE = FAST_SCHEDULE
    settings.WEBHOOK_RETRY_JITTER = 0.0
    return settings


@pytest.fixture
def receiver():
    hook = WebhookReceiver()
    with ReceiverServer(hook) as server:
        hook.url = server.url
        yield hook


@pytest.fixture
def smtp(settings):
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = 5
        yield server


@pytest.fixture
def exporter_org(db):
    return OrganizationFactory(kind=Organization.Kind.EXPORTER, name="Samarkand Fruit LLC")


@pytest.fixture
def exporter(exporter_org):
    return UserFactory(organization=exporter_org, role=User.Role.EXPORTER)


@pytest.fixture
def customs_org(db):
    return OrganizationFactory(kind=Organization.Kind.CUSTOMS, name="Customs of Belarus", country="BY")


@pytest.fixture
def issuer_org(db):
    return OrganizationFactory(kind=Organization.Kind.ISSUER, name="Certification Centre")
