import pytest

from certificates.models import User
from tests.certificates.factories import UserFactory, api_client_for
from tests.issuance.conftest import (  # noqa: F401  (shared fixtures: key, issuer, officer, exporter, applications)
    _fresh_cache,
    exporter,
    issuer,
    make_submitted,
    officer,
    signing_key,
)
from tests.issuance.helpers import issue


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
