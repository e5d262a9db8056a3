import pytest

from certificates.notifications import services
from certificates.notifications.models import DeliveryStatus, EventType, WebhookAttempt
from certificates.notifications.ssrf import UnsafeURLError, check_url
from tests.notifications.factories import WebhookEndpointFactory
from tests.notifications.servers import Tripwire

# Every form that points at this machine or an internal network; {port} is the tripwire's.
INTERNAL_HOSTS = [
    "127.0.0.1",
    "localhost",
    "0x7f000001",
    "2130706433",
    "017700000001",
    "0177.0.0.1",
    "127.1",
    "127.0.1",
    "[::1]",
    "[::ffff:127.0.0.1]",
    "[::ffff:7f00:1]",
    "[64:ff9b::7f00:1]",
    "0.0.0.0",  # noqa: S104 - a host that must be refused, not bound
    "[::]",
    "10.0.0.1",
    "172.16.0.1",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.169.254",
    "[fd00:ec2::254]",
    "[fe80::1]",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
]
ODD_ENCODINGS = ["0x7f000001", "2130706433", "017700000001", "0177.0.0.1", "127.1", "127.0.1"]


@pytest.fixture
def http_allowed(settings):
    settings.WEBHOOKS_ALLOW_HTTP = True
    return settings


@pytest.fixture
def tripwire():
    with Tripwire() as wire:
        yield wire


@pytest.mark.parametrize("host", INTERNAL_HOSTS)
def test_internal_addresses_are_refused_in_every_spelling(http_allowed, host):
    with pytest.raises(UnsafeURLError):
        check_url(f"http://{host}:8080/hook")


@pytest.mark.parametrize("host", ODD_ENCODINGS)
def test_odd_ip_encodings_are_refused_even_when_loopback_is_allowed_for_tests(http_allowed, host):
    http_allowed.WEBHOOKS_ALLOWED_TEST_NETS = ["127.0.0.1/32"]
    with pytest.raises(UnsafeURLError, match="dotted-decimal"):
        check_url(f"http://{host}:8080/hook")


def test_cloud_metadata_is_refused_even_inside_an_allowed_test_network(http_allowed):
    http_allowed.WEBHOOKS_ALLOWED_TEST_NETS = ["169.254.0.0/16", "fd00::/8"]
    for url in ("http://169.254.169.254/latest/meta-data/", "http://[fd00:ec2::254]/"):
        with pytest.raises(UnsafeURLError, match="metadata"):
            check_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.215.14/hook",
        "ftp://93.184.215.14/hook",
        "file:///etc/passwd",
        "gopher://93.184.215.14:70/_",
        "//93.184.215.14/hook",
        "https://user:pass@93.184.215.14/hook",
        "https:///hook",
    ],
)
def test_only_https_without_credentials_is_accepted_by_default(settings, url):
    with pytest.raises(UnsafeURLError):
        check_url(url)


def test_a_public_address_is_accepted_and_pinned_for_the_connection():
    target = check_url("https://93.184.215.14:8443/hooks/in?x=1")
    assert (target.address, target.port, target.path) == ("93.184.215.14", 8443, "/hooks/in?x=1")
    assert target.host_header == "93.184.215.14:8443"


def test_a_public_ipv6_address_is_accepted():
    assert check_url("https://[2606:4700:4700::1111]/").address == "2606:4700:4700::1111"


def test_a_name_that_does_not_resolve_is_refused():
    with pytest.raises(UnsafeURLError, match="resolve"):
        check_url("https://no-such-host.invalid/hook")


@pytest.mark.parametrize("host", INTERNAL_HOSTS)
def test_registration_refuses_internal_addresses(http_allowed, exporter_org, host):
    with pytest.raises(services.NotificationError) as error:
        services.webhook_endpoint_create(
            organization=exporter_org,
            url=f"http://{host}:8080/hook",
            event_types=[EventType.CERTIFICATE_ISSUED],
        )
    assert error.value.code == "unsafe_url"


def test_plain_http_is_refused_unless_the_setting_allows_it(exporter_org):
    with pytest.raises(services.NotificationError):
        services.webhook_endpoint_create(
            organization=exporter_org, url="http://93.184.215.14/hook", event_types=["certificate.issued"]
        )


@pytest.mark.parametrize("host", INTERNAL_HOSTS)
def test_delivery_refuses_internal_addresses_without_connecting(http_allowed, tripwire, exporter_org, host):
    endpoint = WebhookEndpointFactory(organization=exporter_org, url=f"http://{host}:{tripwire.port}/hook")
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "X-1"}, organizations=[exporter_org]
    )
    delivery = endpoint.deliveries.get()

    services.webhook_delivery_attempt(delivery_id=delivery.pk)

    attempt = WebhookAttempt.objects.get(delivery=delivery)
    assert attempt.status_code is None
    assert attempt.error.startswith("refused:")
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.PENDING
    assert tripwire.accepted == 0


def test_delivery_checks_again_when_the_address_was_allowed_at_registration(
    http_allowed, tripwire, exporter_org
):
    http_allowed.WEBHOOKS_ALLOWED_TEST_NETS = ["127.0.0.1/32"]
    endpoint, _ = services.webhook_endpoint_create(
        organization=exporter_org,
        url=f"http://127.0.0.1:{tripwire.port}/hook",
        event_types=["certificate.issued"],
    )
    http_allowed.WEBHOOKS_ALLOWED_TEST_NETS = []
    services.event_emit(
        type=EventType.CERTIFICATE_ISSUED, data={"number": "X-2"}, organizations=[exporter_org]
    )

    services.webhook_delivery_attempt(delivery_id=endpoint.deliveries.get().pk)

    assert tripwire.accepted == 0
    assert WebhookAttempt.objects.get().error.startswith("refused:")


def test_the_tripwire_does_record_a_real_connection(tripwire):
    import socket

    with socket.create_connection(("127.0.0.1", tripwire.port), timeout=2):
        pass
    from tests.services import wait_until

    wait_until(lambda: tripwire.accepted == 1, timeout=5, message="the tripwire to see the connection")
