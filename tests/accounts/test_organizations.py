import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from certificates.accounts.models import Organization, User
from tests.applications.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("country", "tax_id"), [("BY", "100582333"), ("UZ", "305123456"), ("KZ", "anything")]
)
def test_valid_tax_ids_pass_model_validation(country, tax_id):
    Organization(kind="exporter", name="X", country=country, tax_id=tax_id).full_clean()


@pytest.mark.parametrize(
    ("country", "tax_id"), [("BY", "100582334"), ("UZ", "30512345"), ("UZ", "105123456")]
)
def test_invalid_tax_ids_are_reported_on_the_tax_id_field(country, tax_id):
    with pytest.raises(ValidationError) as error:
        Organization(kind="exporter", name="X", country=country, tax_id=tax_id).full_clean()
    assert set(error.value.message_dict) == {"tax_id"}


def test_admin_refuses_an_organization_with_a_bad_unp(client):
    client.force_login(UserFactory(role="", is_staff=True, is_superuser=True))
    response = client.post(
        reverse("admin:certificates_organization_add"),
        {"kind": "consignee", "name": "Brest Foods", "country": "BY", "tax_id": "100582334"},
    )
    assert response.status_code == 200
    assert "Not a valid Belarusian UNP." in response.content.decode()
    assert not Organization.objects.filter(name="Brest Foods").exists()


def test_roles_are_exclusive_helpers():
    officer = UserFactory(role=User.Role.OFFICER)
    assert (officer.is_officer, officer.is_exporter, officer.is_customs) == (True, False, False)
    assert not UserFactory(role=User.Role.EXPORTER, organization=None).is_exporter
