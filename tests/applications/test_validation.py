import datetime

import pytest
from django.core.exceptions import ValidationError

from certificates.applications.models import Application
from certificates.validators import (
    unit_codes,
    validate_currency,
    validate_hs_code,
    validate_tax_id,
    validate_unit,
)
from tests.applications.factories import api_client_for, application_payload, item_payload

URL = "/api/v1/applications/"


def errors_of(response):
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def post(user, payload, **headers):
    return api_client_for(user).post(URL, payload, format="json", **headers)


@pytest.mark.parametrize("code", ["520512", "52051200", "5205120000"])
def test_hs_codes_of_6_8_or_10_digits_are_valid(code):
    validate_hs_code(code)


@pytest.mark.parametrize("code", ["5205", "5205120", "520512000", "52051200001", "52051A", ""])
def test_other_hs_codes_are_rejected(code):
    with pytest.raises(ValidationError):
        validate_hs_code(code)


def test_tax_ids_follow_each_countrys_rules():
    validate_tax_id("BY", "100582333")
    validate_tax_id("UZ", "301234567")
    for country, tax_id in [("BY", "100582334"), ("UZ", "12345678"), ("UZ", "101234567")]:
        with pytest.raises(ValidationError):
            validate_tax_id(country, tax_id)


def test_unit_codes_come_from_the_shipped_rec20_list():
    assert {"KGM", "TNE", "LTR", "MTR", "MTK", "MTQ", "H87", "C62", "PR", "SET"} <= set(unit_codes())
    assert len(unit_codes()) > 40
    assert unit_codes()["KGM"] == "kilogram"
    with pytest.raises(ValidationError):
        validate_unit("KG")


def test_currencies_are_iso_4217():
    validate_currency("UZS")
    validate_currency("BYN")
    for bad in ["usd", "XYZ", "US"]:
        with pytest.raises(ValidationError):
            validate_currency(bad)


@pytest.mark.django_db
def test_error_paths_point_into_nested_items(exporter):
    items = [item_payload(0), item_payload(1), item_payload(2, hs_code="12345", unit="KG", currency="ABC")]
    errors = errors_of(post(exporter, application_payload(items=items)))
    assert set(errors) == {"items.2.hs_code", "items.2.unit", "items.2.currency"}
    assert errors["items.2.hs_code"] == "An HS code has 6, 8 or 10 digits."


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"quantity": "0"}, "quantity"),
        ({"quantity": "-1"}, "quantity"),
        ({"quantity": "1.2345"}, "quantity"),
        ({"quantity": 12.5}, "quantity"),
        ({"quantity": "1e3"}, "quantity"),
        ({"value": "10.001"}, "value"),
        ({"net_weight_kg": "2000.000", "gross_weight_kg": "1000.000"}, "net_weight_kg"),
        ({"origin_country": "XX"}, "origin_country"),
        ({"description": "x" * 1001}, "description"),
        ({"line": 5}, "line"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_item_rules(exporter, item, field):
    errors = errors_of(post(exporter, application_payload(items=[item_payload(0, **item)])))
    assert set(errors) == {f"items.0.{field}"}


@pytest.mark.django_db
def test_lines_sent_in_order_are_accepted(exporter):
    items = [item_payload(0, line=1), item_payload(1, line=2)]
    assert post(exporter, application_payload(items=items)).status_code == 201


@pytest.mark.django_db
@pytest.mark.parametrize("items", [[], [item_payload(n) for n in range(501)], "not a list"])
def test_an_application_has_1_to_500_items(exporter, items):
    assert set(errors_of(post(exporter, application_payload(items=items)))) == {"items"}


@pytest.mark.django_db
def test_invoice_date_cannot_be_in_the_future(exporter):
    tomorrow = (datetime.date.today() + datetime.timedelta(days=1)).isoformat()
    errors = errors_of(post(exporter, application_payload(invoice={"number": "I-1", "date": tomorrow})))
    assert set(errors) == {"invoice.date"}


@pytest.mark.django_db
def test_consignee_tax_id_is_checked_for_its_country(exporter):
    consignee = {"name": "X", "country": "BY", "address": "Minsk", "tax_id": "100582334"}
    assert set(errors_of(post(exporter, application_payload(consignee=consignee)))) == {"consignee.tax_id"}


@pytest.mark.django_db
def test_missing_members_are_named(exporter):
    payload = application_payload()
    del payload["transport"]
    payload["consignee"] = {"name": "X"}
    errors = errors_of(post(exporter, payload))
    assert set(errors) == {"transport", "consignee.country", "consignee.address"}


@pytest.mark.django_db
def test_unknown_fields_are_rejected_by_name(exporter):
    payload = application_payload(colour="red")
    payload["transport"]["speed"] = "fast"
    errors = errors_of(post(exporter, payload))
    assert errors == {"colour": "Unknown field.", "transport.speed": "Unknown field."}


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["status", "exporter", "number", "id", "created_at", "certificate"])
def test_read_only_fields_cannot_be_set(exporter, field):
    errors = errors_of(post(exporter, application_payload(**{field: "approved"})))
    assert errors == {field: "This field is read-only."}
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_patch_cannot_set_status(exporter, draft):
    response = api_client_for(exporter).patch(f"{URL}{draft.pk}/", {"status": "approved"}, format="json")
    assert errors_of(response) == {"status": "This field is read-only."}
    draft.refresh_from_db()
    assert draft.status == "draft"


@pytest.mark.django_db
def test_only_own_issued_certificates_can_be_replaced(exporter):
    errors = errors_of(post(exporter, application_payload(replaces="UZBY-2026-EX-999999")))
    assert set(errors) == {"replaces"}


@pytest.mark.django_db
def test_messages_follow_accept_language_russian(exporter):
    items = [item_payload(0), item_payload(1, hs_code="12345", colour="red")]
    response = post(exporter, application_payload(items=items), HTTP_ACCEPT_LANGUAGE="ru")
    errors = errors_of(response)
    assert errors["items.1.hs_code"] == "Код ТН ВЭД состоит из 6, 8 или 10 цифр."
    assert errors["items.1.colour"] == "Неизвестное поле."
    assert response.json()["title"] == "Некорректный запрос"


@pytest.mark.django_db
def test_messages_follow_accept_language_uzbek(exporter, officer, submitted):
    response = api_client_for(officer).post(
        f"{URL}{submitted.pk}/approve/", HTTP_ACCEPT_LANGUAGE="uz", format="json"
    )
    assert response.status_code == 200
    again = api_client_for(officer).post(f"{URL}{submitted.pk}/approve/", HTTP_ACCEPT_LANGUAGE="uz")
    assert again.status_code == 409
    assert again.json()["title"] == "Arizani bu tarzda oʻzgartirib boʻlmaydi"
