import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from certificates.accounts.models import Organization, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    return tmp_path


def counts():
    from signing.models import SigningKey

    return (Organization.objects.count(), User.objects.count(), SigningKey.objects.count())


def test_seed_demo_creates_the_demo_world(var_dir, monkeypatch, capsys):
    from signing.models import SigningKey

    monkeypatch.setenv("DEMO_PASSWORD", "demo-Password-2026")
    call_command("seed_demo")
    assert "demo-Password-2026" not in capsys.readouterr().out
    kinds = sorted(Organization.objects.values_list("kind", "country"))
    assert kinds == [
        ("consignee", "BY"),
        ("customs", "BY"),
        ("customs", "UZ"),
        ("exporter", "BY"),
        ("exporter", "UZ"),
        ("issuer", "BY"),
        ("issuer", "UZ"),
    ]
    demo_users = [
        ("exporter", "exporter", "exporter", "UZ"),
        ("exporter_by", "exporter", "exporter", "BY"),
        ("officer", "officer", "issuer", "UZ"),
        ("officer_by", "officer", "issuer", "BY"),
        ("customs", "customs", "customs", "UZ"),
        ("customs_by", "customs", "customs", "BY"),
    ]
    for username, role, kind, country in demo_users:
        user = authenticate(username=username, password="demo-Password-2026")
        assert user is not None
        assert (user.role, user.organization.kind, user.organization.country) == (role, kind, country)
    prefixes = dict(Organization.objects.filter(kind="issuer").values_list("country", "number_prefix"))
    assert prefixes == {"UZ": "UZ", "BY": "BY"}
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff
    assert User.objects.get(username="exporter").is_exporter
    active = sorted(SigningKey.objects.filter(status="active").values_list("issuer_country", flat=True))
    assert active == ["", "BY", "UZ"]  # the registry and each body


def test_seed_demo_is_idempotent(var_dir, capsys):
    call_command("seed_demo")
    first = counts()
    call_command("seed_demo")
    assert counts() == first


def test_generated_password_is_kept_and_printed_once(var_dir, capsys):
    call_command("seed_demo")
    password = (var_dir / "demo_password").read_text().strip()
    assert password in capsys.readouterr().out
    call_command("seed_demo")
    assert password not in capsys.readouterr().out
    assert (var_dir / "demo_password").read_text().strip() == password
    assert authenticate(username="officer", password=password) is not None
