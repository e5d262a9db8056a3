"""CT-1 columns 5, 6 and 8 on goods items: marks, packages (UN/ECE Rec 21) and the origin criterion."""

import pytest

from certificates.applications.models import GoodsItem
from certificates.applications.validation import origin_criteria, package_kinds
from tests.applications.factories import api_client_for, application_payload, item_payload
from tests.applications.test_validation import URL, errors_of, post

pytestmark = pytest.mark.django_db

CT1 = {"origin_criterion": "П", "packages": {"count": "24", "kind": "CT"}, "marks": "TTE 0042 1-24"}


def test_the_shipped_lists_hold_the_cis_criteria_and_rec21_codes():
    assert list(origin_criteria()) == ["П", "Д"]
    assert origin_criteria()["Д"].en == "sufficient processing"
    assert {"CT", "BX", "BG", "PX", "BL", "DR", "PK", "NE", "4G", "1A"} <= set(package_kinds())
    assert package_kinds()["CT"] == "Carton"


def test_items_keep_the_ct1_columns_given_and_answer_them_back(exporter):
    items = [
        item_payload(0, **CT1),
        item_payload(1, origin_criterion="Д", packages={"count": "3", "kind": "PX"}),
    ]
    response = post(exporter, application_payload(items=items, print_language="uz"))
    assert response.status_code == 201, response.content
    body = response.json()
    first, second = body["items"]
    assert {k: first[k] for k in CT1} == CT1
    assert first["ct1_missing"] == []
    assert second["packages"] == {"count": "3", "kind": "PX"}
    assert second["ct1_missing"] == ["marks"]
    assert "marks" not in second
    assert body["print_language"] == "uz"
    stored = GoodsItem.objects.get(application_id=body["id"], line=1)
    assert (stored.packages_count, stored.packages_kind, stored.marks) == (24, "CT", "TTE 0042 1-24")


def test_items_without_the_ct1_columns_are_valid_and_the_officer_sees_what_is_missing(exporter, officer):
    body = post(exporter, application_payload()).json()
    api_client_for(exporter).post(f"{URL}{body['id']}/submit/")
    detail = api_client_for(officer).get(f"{URL}{body['id']}/").json()
    item = detail["items"][0]
    assert item["ct1_missing"] == ["origin_criterion", "packages", "marks"]
    assert not {"origin_criterion", "packages", "marks"} & set(item)
    assert detail["print_language"] == "en"


@pytest.mark.parametrize("criterion", ["P", "п", "ПД", "Д1701", "", "W"])
def test_an_origin_criterion_outside_the_rules_is_refused(exporter, criterion):
    errors = errors_of(
        post(exporter, application_payload(items=[item_payload(0, origin_criterion=criterion)]))
    )
    assert set(errors) == {"items.0.origin_criterion"}


@pytest.mark.parametrize(
    "count", ["0", 0, 3, -1, "-1", "1.5", 1.5, "abc", "", True, None, "1e3", " 2", "٣", "1000000001"]
)
def test_a_packages_count_that_is_not_a_whole_number_from_1_is_refused(exporter, count):
    item = item_payload(0, packages={"count": count, "kind": "CT"})
    errors = errors_of(post(exporter, application_payload(items=[item])))
    assert set(errors) == {"items.0.packages.count"}


@pytest.mark.parametrize("kind", ["XX", "ct", "CTN", "", "KGM"])
def test_a_package_kind_outside_rec21_is_refused(exporter, kind):
    item = item_payload(0, packages={"count": "2", "kind": kind})
    errors = errors_of(post(exporter, application_payload(items=[item])))
    assert set(errors) == {"items.0.packages.kind"}


def test_packages_are_a_whole_object_with_nothing_else(exporter):
    items = [
        item_payload(0, packages={"count": "2"}),
        item_payload(1, packages={"count": "2", "kind": "CT", "x": 1}),
    ]
    errors = errors_of(post(exporter, application_payload(items=items)))
    assert set(errors) == {"items.0.packages.kind", "items.1.packages.x"}


def test_marks_longer_than_500_characters_are_refused(exporter):
    assert post(exporter, application_payload(items=[item_payload(0, marks="M" * 500)])).status_code == 201
    errors = errors_of(post(exporter, application_payload(items=[item_payload(0, marks="M" * 501)])))
    assert set(errors) == {"items.0.marks"}


def test_every_bad_ct1_column_is_named_at_once(exporter):
    item = item_payload(0, origin_criterion="X", packages={"count": "0", "kind": "ZZZ"}, marks="M" * 501)
    errors = errors_of(post(exporter, application_payload(items=[item], print_language="fr")))
    assert set(errors) == {
        "items.0.origin_criterion",
        "items.0.packages.count",
        "items.0.packages.kind",
        "items.0.marks",
        "print_language",
    }


@pytest.mark.parametrize(
    ("language", "criterion", "count", "kind"),
    [
        (
            "ru",
            "Это не критерий происхождения по Правилам СНГ (допустимы: П, Д).",
            'Укажите количество мест строкой из цифр, например "24".',
            "Это не поддерживаемый код вида упаковки по Рекомендации ЕЭК ООН № 21.",
        ),
        (
            "uz",
            "MDH qoidalari boʻyicha kelib chiqish mezoni emas (ruxsat etilganlari: П, Д).",
            'Joylar sonini raqamlar qatori bilan yuboring, masalan "24".',
            "Bu BMT YeIK 21-tavsiyasi boʻyicha qoʻllab-quvvatlanadigan qadoq turi kodi emas.",
        ),
        (
            "en",
            "Not an origin criterion of the CIS rules (accepted: П, Д).",
            'Send the number of packages as a string of digits, e.g. "24".',
            "Not a supported UN/ECE Recommendation 21 package code.",
        ),
    ],
)
def test_ct1_errors_speak_the_callers_language(exporter, language, criterion, count, kind):
    item = item_payload(0, origin_criterion="X", packages={"count": "1.5", "kind": "XX"})
    errors = errors_of(post(exporter, application_payload(items=[item]), HTTP_ACCEPT_LANGUAGE=language))
    assert errors["items.0.origin_criterion"] == criterion
    assert errors["items.0.packages.count"] == count
    assert errors["items.0.packages.kind"] == kind


def test_a_patch_replacing_the_items_may_drop_the_ct1_columns(exporter):
    created = post(exporter, application_payload(items=[item_payload(0, **CT1)])).json()
    response = api_client_for(exporter).patch(
        f"{URL}{created['id']}/", {"items": [item_payload(0)]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["items"][0]["ct1_missing"] == ["origin_criterion", "packages", "marks"]
