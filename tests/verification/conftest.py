import pytest

from certificates.accounts.models import User
from tests.applications.factories import UserFactory, api_client_for
from tests.issuance import conftest as issuance_fixtures
from tests.issuance.helpers import issue

# The issuance suite's fixtures: an active key, the issuer and its officer, an exporter, applications.
_fresh_cache = issuance_fixtures._fresh_cache
signing_key = issuance_fixtures.signing_key
issuer = issuance_fixtures.issuer
officer = issuance_fixtures.officer
exporter = issuance_fixtures.exporter
make_submitted = issuance_fixtures.make_submitted


@pytest.fixture
def certificate(signing_key, officer, make_submitted):
    return issue(make_submitted(items=2), officer)


@pytest.fixture
def customs_user(db):
    return UserFactory(role=User.Role.CUSTOMS)


@pytest.fixture
def customs_client(customs_user):
    return api_client_for(customs_user)


@pytest.fixture
def anon_client():
    return api_client_for(None)
