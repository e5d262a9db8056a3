import pytest
from django.urls import reverse

from certificates.accounts.models import User
from certificates.applications.models import Application
from certificates.issuance.models import Certificate, IssuanceOrder
from tests.applications.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:certificates_application_changelist"


@pytest.fixture
def officer_admin(client):
    officer = UserFactory(role=User.Role.OFFICER, is_staff=True, is_superuser=True)
    client.force_login(officer)
    client.officer = officer
    return client


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:certificates_organization_changelist",
        "admin:certificates_user_changelist",
        "admin:certificates_user_add",
        "admin:certificates_application_changelist",
        "admin:certificates_certificate_changelist",
        "admin:certificates_issuanceorder_changelist",
        "admin:certificates_numbersequence_changelist",
    ],
)
def test_admin_lists_load(officer_admin, url_name, submitted):
    assert officer_admin.get(reverse(url_name)).status_code == 200


def test_application_page_shows_items_and_history(officer_admin, submitted):
    response = officer_admin.get(reverse("admin:certificates_application_change", args=[submitted.pk]))
    assert response.status_code == 200
    assert submitted.items.first().hs_code in response.content.decode()


def test_user_page_shows_organization_and_role(officer_admin, exporter):
    response = officer_admin.get(reverse("admin:certificates_user_change", args=[exporter.pk]))
    assert response.status_code == 200
    assert 'name="role"' in response.content.decode()
    assert 'name="organization"' in response.content.decode()


def test_search_finds_applications_by_hs_code_exporter_and_invoice(officer_admin, submitted):
    for term in ["520512", submitted.exporter.name, submitted.invoice_number]:
        response = officer_admin.get(reverse(CHANGELIST), {"q": term})
        assert response.context["cl"].result_count == 1, term


def test_changelist_filters_by_status(officer_admin, submitted, exporter):
    ApplicationFactory(exporter=exporter.organization, created_by=exporter)
    response = officer_admin.get(reverse(CHANGELIST), {"status__exact": "submitted"})
    assert response.context["cl"].result_count == 1


def test_approve_action_calls_the_service(officer_admin, submitted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        response = officer_admin.post(
            reverse(CHANGELIST), {"action": "approve", "_selected_action": [submitted.pk]}
        )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "approved"
    assert submitted.events.get(action="approved").actor == officer_admin.officer
    assert IssuanceOrder.objects.filter(application=submitted).exists()


def test_reject_action_asks_for_a_reason_first(officer_admin, submitted):
    url = reverse(CHANGELIST)
    form = officer_admin.post(url, {"action": "reject", "_selected_action": [submitted.pk]})
    assert form.status_code == 200
    assert 'name="reason"' in form.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"

    done = officer_admin.post(
        url,
        {"action": "reject", "_selected_action": [submitted.pk], "apply": "1", "reason": "forged invoice"},
    )
    assert done.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == "rejected"
    assert submitted.events.get(action="rejected").reason == "forged invoice"


def test_return_action_writes_an_event_with_reason(officer_admin, submitted):
    officer_admin.post(
        reverse(CHANGELIST),
        {
            "action": "return_for_corrections",
            "_selected_action": [submitted.pk],
            "apply": "1",
            "reason": "weights",
        },
    )
    submitted.refresh_from_db()
    assert submitted.status == "returned"
    assert submitted.events.get(action="returned").reason == "weights"


def test_admin_action_on_a_wrong_state_reports_the_conflict(officer_admin, draft):
    response = officer_admin.post(
        reverse(CHANGELIST), {"action": "approve", "_selected_action": [draft.pk]}, follow=True
    )
    assert "cannot become" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_staff_without_officer_role_cannot_decide(client, submitted):
    client.force_login(UserFactory(role="", is_staff=True, is_superuser=True))
    client.post(reverse(CHANGELIST), {"action": "approve", "_selected_action": [submitted.pk]})
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def test_applications_and_certificates_cannot_be_edited_in_admin(officer_admin, submitted):
    url = reverse("admin:certificates_application_change", args=[submitted.pk])
    officer_admin.post(url, {"invoice_number": "CHANGED"})
    submitted.refresh_from_db()
    assert submitted.invoice_number != "CHANGED"
    assert officer_admin.get(reverse("admin:certificates_certificate_add")).status_code == 403
    assert not Certificate.objects.exists()
    assert Application.objects.count() == 1
