import pytest
from django.core.cache import cache

from certificates.accounts.models import User
from tests.applications.factories import ApplicationFactory, OrganizationFactory, UserFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttle counters live in the cache; every test starts with a clean slate.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def exporter(db):
    return UserFactory(role=User.Role.EXPORTER)


@pytest.fixture
def other_exporter(db):
    return UserFactory(
        role=User.Role.EXPORTER, organization=OrganizationFactory(country="BY", tax_id="100582333")
    )


@pytest.fixture
def officer(db):
    return UserFactory(role=User.Role.OFFICER)


@pytest.fixture
def customs(db):
    return UserFactory(role=User.Role.CUSTOMS)


@pytest.fixture
def draft(exporter):
    return ApplicationFactory(exporter=exporter.organization, created_by=exporter)


@pytest.fixture
def submitted(exporter):
    return ApplicationFactory(exporter=exporter.organization, created_by=exporter, status="submitted")
