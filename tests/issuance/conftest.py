import pytest
from django.core.cache import cache

from certificates.accounts.models import Organization, User
from signing.services import signing_key_ensure_active
from tests.applications.factories import ApplicationFactory, IssuerFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def signing_key(issuer):
    """The Uzbek body's active key (its certificates), beside the registry's (everything else)."""
    signing_key_ensure_active()
    return signing_key_ensure_active(issuer_country="UZ")


@pytest.fixture
def issuer(db):
    return IssuerFactory(country="UZ", tax_id="")


@pytest.fixture
def officer(issuer):
    return UserFactory(role=User.Role.OFFICER, organization=issuer)


@pytest.fixture
def exporter(db):
    return UserFactory(role=User.Role.EXPORTER)


@pytest.fixture
def customs_org(db):
    return Organization.objects.create(kind=Organization.Kind.CUSTOMS, name="BY customs", country="BY")


@pytest.fixture
def make_submitted(exporter):
    def make(**kwargs):
        return ApplicationFactory(
            exporter=exporter.organization, created_by=exporter, status="submitted", **kwargs
        )

    return make
