import pytest

from certificates.credentials.services import certificate_credential_sign
from tests.applications.factories import UserFactory, api_client_for
from tests.issuance import conftest as issuance_fixtures
from tests.issuance.helpers import issue

# The issuance suite's fixtures: an active key, the issuer (UZ) and its officer, an exporter.
_fresh_cache = issuance_fixtures._fresh_cache
signing_key = issuance_fixtures.signing_key
issuer = issuance_fixtures.issuer
officer = issuance_fixtures.officer
exporter = issuance_fixtures.exporter
make_submitted = issuance_fixtures.make_submitted


def issue_signed(application, officer):
    """Issue, then sign the credential as the worker does once the issue has committed."""
    return certificate_credential_sign(number=issue(application, officer).number)


@pytest.fixture
def certificate(signing_key, officer, make_submitted):
    return issue_signed(make_submitted(items=2), officer)


@pytest.fixture
def exporter_client(exporter):
    return api_client_for(exporter)


@pytest.fixture
def other_exporter_client(db):
    return api_client_for(UserFactory(role="exporter"))


@pytest.fixture
def anon_client():
    return api_client_for(None)
