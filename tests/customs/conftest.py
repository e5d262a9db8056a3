import pytest
from django.utils import timezone

from certificates.accounts.models import Organization, User
from tests.applications.factories import UserFactory, api_client_for
from tests.issuance.conftest import (  # noqa: F401 (fixtures shared with the issuance tests)
    _fresh_cache,
    exporter,
    issuer,
    make_submitted,
    officer,
    signing_key,
)
from tests.issuance.helpers import issue


def customs_of(country: str) -> User:
    organization = Organization.objects.create(
        kind=Organization.Kind.CUSTOMS, name=f"State Customs Committee {country}", country=country
    )
    return UserFactory(role=User.Role.CUSTOMS, organization=organization)


@pytest.fixture
def customs_by(db):
    """Customs of the certificates' country of destination."""
    return customs_of("BY")


@pytest.fixture
def customs_uz(db):
    return customs_of("UZ")


@pytest.fixture
def certificate(signing_key, officer, make_submitted):  # noqa: F811 (the imported fixtures)
    """An issued certificate for BY with two items: 1200.500 KGM of HS 520512 each."""
    return issue(make_submitted(items=2), officer)


@pytest.fixture
def by_client(customs_by):
    return api_client_for(customs_by)


def declaration(number: str = "DT-0001", office: str = "06611", lines=None, **overrides) -> dict:
    body = {
        "declaration_number": number,
        "declared_at": timezone.now().isoformat(),
        "customs_office": office,
        "lines": lines if lines is not None else [line()],
    }
    return body | overrides


def line(item_line: int = 1, quantity: str = "200.000", hs_code: str = "52051200", unit: str = "KGM") -> dict:
    return {"item_line": item_line, "hs_code": hs_code, "quantity": quantity, "unit": unit}


def declarations_url(certificate) -> str:
    return f"/api/v1/certificates/{certificate.number}/declarations/"
