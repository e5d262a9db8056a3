"""An issued application's admin page links its certificate and PDF, and the certificate links back."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.issuance.helpers import issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_officer(officer, client):
    officer.is_staff = officer.is_superuser = True
    officer.save()
    client.force_login(officer)
    return client


def test_an_issued_application_shows_no_decisions_but_its_certificate_and_pdf(
    staff_officer, signing_key, officer, make_submitted
):
    certificate = issue(make_submitted(), officer)
    url = reverse("admin:certificates_application_change", args=[certificate.application_id])
    page = staff_officer.get(url).content.decode()
    assert "/decide/" not in page
    assert f'href="{reverse("admin:certificates_certificate_change", args=[certificate.pk])}"' in page
    pdf = reverse("certificate-pdf", args=[certificate.number])
    assert f'href="{pdf}"' in page
    response = staff_officer.get(pdf)
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")


def test_the_certificate_page_links_its_application_and_pdf(
    staff_officer, signing_key, officer, make_submitted
):
    certificate = issue(make_submitted(), officer)
    page = staff_officer.get(
        reverse("admin:certificates_certificate_change", args=[certificate.pk])
    ).content.decode()
    application = reverse("admin:certificates_application_change", args=[certificate.application_id])
    assert f'href="{application}"' in page
    assert f'href="{reverse("certificate-pdf", args=[certificate.number])}"' in page


def test_the_certificate_list_shows_the_key_id_shortened_with_the_whole_in_a_title(
    staff_officer, signing_key, officer, make_submitted
):
    certificate = issue(make_submitted(), officer)
    page = staff_officer.get(reverse("admin:certificates_certificate_changelist")).content.decode()
    assert f'title="{certificate.kid}"' in page
    assert f"{certificate.kid[:8]}…{certificate.kid[-8:]}" in page
    # The style comes as a file: the admin's Content-Security-Policy refuses inline <style>.
    assert "certificates/admin/certificate_list.css" in page
    assert "<style>" not in page
    stylesheet = Path(finders.find("certificates/admin/certificate_list.css"))
    assert "white-space: nowrap" in stylesheet.read_text()
