"""Goods lines from CSV and XLSX: every bad cell named, nothing imported unless every row is good."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from certificates.applications.goods_import import GOODS_COLUMNS, GoodsImportError, import_goods
from certificates.applications.goods_template import EXAMPLE_ROW, goods_template
from certificates.applications.models import ApplicationEvent, GoodsItem
from certificates.applications.services import MAX_ITEMS, ApplicationError
from tests.applications.factories import api_client_for
from tests.applications.uploads import pdf_bytes, upload


def row(**changes) -> dict[str, str]:
    return {**EXAMPLE_ROW, **changes}


def xlsx(rows: list[dict[str, object]], columns=GOODS_COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(columns))
    for values in rows:
        sheet.append([values.get(name) for name in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict[str, object]], *, delimiter=",", bom=True) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(GOODS_COLUMNS)
    for values in rows:
        writer.writerow([values.get(name, "") for name in GOODS_COLUMNS])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode()


def forty_lines(bad: dict[int, dict[str, object]] | None = None) -> list[dict[str, object]]:
    rows = [row(description=f"Cotton yarn, lot {n}") for n in range(1, 41)]
    for index, changes in (bad or {}).items():
        rows[index] = {**rows[index], **changes}
    return rows


def post(user, application, data: bytes, name="goods.xlsx", **extra):
    client = api_client_for(user)
    payload = {"file": upload(name, data)}
    if "mode" in extra:
        payload["mode"] = extra.pop("mode")
    return client.post(
        f"/api/v1/applications/{application.pk}/items/import", payload, format="multipart", **extra
    )


def lines(application) -> list[str]:
    return list(application.items.order_by("line").values_list("description", flat=True))


def test_forty_lines_from_xlsx_replace_the_goods_lines_and_are_audited(exporter, draft):
    response = post(exporter, draft, xlsx(forty_lines()))
    assert response.status_code == 200, response.content
    assert response.json() == {"imported": 40, "mode": "replace"}
    assert lines(draft) == [f"Cotton yarn, lot {n}" for n in range(1, 41)]
    item = draft.items.get(line=7)
    assert (str(item.quantity), item.packages_count, item.packages_kind, item.origin_criterion) == (
        "1200.000",
        24,
        "BL",
        "П",
    )
    assert ApplicationEvent.objects.filter(application=draft, action="items_imported").count() == 1


@pytest.mark.parametrize(("delimiter", "bom"), [(",", True), (";", True), (";", False), (",", False)])
def test_csv_in_utf8_with_or_without_bom_and_either_separator(exporter, draft, delimiter, bom):
    data = csv_bytes(
        forty_lines({0: {"description": "Хлопковая пряжа, «лот» 1"}}), delimiter=delimiter, bom=bom
    )
    assert post(exporter, draft, data, name="goods.csv").status_code == 200
    assert lines(draft)[0] == "Хлопковая пряжа, «лот» 1"
    assert len(lines(draft)) == 40


def test_one_bad_row_in_forty_imports_nothing_and_names_every_bad_cell(exporter, draft):
    before = lines(draft)
    bad = {5: {"hs_code": "12", "currency": "ABC"}, 38: {"quantity": "a lot"}}
    response = post(exporter, draft, xlsx(forty_lines(bad)))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    cells = {(e["row"], e["column"], e["cell"], e["field"], e["code"]) for e in body["errors"]}
    assert cells == {
        (7, "hs_code", "B7", "items.5.hs_code", "invalid_hs_code"),
        (7, "currency", "H7", "items.5.currency", "invalid_currency"),
        (40, "quantity", "C40", "items.38.quantity", "not_string"),
    }
    assert lines(draft) == before
    assert not ApplicationEvent.objects.filter(application=draft, action="items_imported").exists()


def test_errors_are_in_the_users_language(exporter, draft):
    data = xlsx(forty_lines({0: {"quantity": "много"}}))
    ru = post(exporter, draft, data, HTTP_ACCEPT_LANGUAGE="ru").json()["errors"][0]["message"]
    uz = post(exporter, draft, data, HTTP_ACCEPT_LANGUAGE="uz").json()["errors"][0]["message"]
    assert ru == "Введите число, например 12.500."
    assert uz == "Raqam kiriting, masalan 12.500."


def test_package_and_cross_field_errors_point_at_their_columns(exporter, draft):
    bad = {0: {"packages_kind": "!!"}, 1: {"net_weight_kg": "2000", "gross_weight_kg": "1000"}}
    errors = post(exporter, draft, xlsx(forty_lines(bad))).json()["errors"]
    found = {(e["cell"], e["field"]) for e in errors}
    assert found == {("L2", "items.0.packages.kind"), ("E3", "items.1.net_weight_kg")}


def test_missing_and_unknown_columns_are_named_on_the_header_row(exporter, draft):
    columns = [name for name in GOODS_COLUMNS if name != "hs_code"] + ["colour"]
    errors = post(exporter, draft, xlsx(forty_lines(), columns=columns)).json()["errors"]
    assert {(e["row"], e["code"]) for e in errors} == {(1, "missing_column"), (1, "unknown_column")}


def test_numbers_typed_as_numbers_in_the_sheet_are_read_exactly(exporter, draft):
    rows = [row(quantity=12.5, net_weight_kg=10, gross_weight_kg=10.25, value="1 200,50", packages_count=3)]
    rows.append(row(value="1200,50"))
    response = post(exporter, draft, xlsx(rows))
    assert response.status_code == 400  # "1 200,50" has a space: the API's rules, no guessing
    assert [e["cell"] for e in response.json()["errors"]] == ["G2"]
    rows[0]["value"] = "1200,50"
    assert post(exporter, draft, xlsx(rows)).status_code == 200
    item = draft.items.get(line=1)
    assert (str(item.quantity), str(item.gross_weight_kg), str(item.value), item.packages_count) == (
        "12.500",
        "10.250",
        "1200.50",
        3,
    )


def test_append_mode_keeps_the_existing_lines(exporter, draft):
    existing = lines(draft)
    assert post(exporter, draft, xlsx(forty_lines()[:3]), mode="append").status_code == 200
    assert lines(draft)[:2] == existing
    assert len(lines(draft)) == 5


def test_more_lines_than_an_application_holds_are_refused(exporter, draft):
    data = csv_bytes([row()] * (MAX_ITEMS + 1))
    response = post(exporter, draft, data, name="goods.csv")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "item_count"
    appended = post(exporter, draft, csv_bytes([row()] * (MAX_ITEMS - 1)), name="g.csv", mode="append")
    assert appended.json()["errors"][0]["code"] == "item_count"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (pdf_bytes(), "unsupported_file_type"),
        (b"PK\x03\x04 not really a zip", "unsupported_file_type"),
        ("description\n".encode("utf-16"), "unsupported_file_type"),
        (b"description,hs_code\n\xff\xfe\xfa", "file_encoding"),
        (b"", "file_empty"),
    ],
)
def test_files_that_are_no_spreadsheet_are_refused(exporter, draft, data, code):
    response = post(exporter, draft, data, name="goods.xlsx")
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == code


def test_a_file_over_the_size_cap_is_refused(exporter, draft, settings):
    settings.GOODS_IMPORT_MAX_BYTES = 2000
    response = post(exporter, draft, xlsx(forty_lines()))
    assert response.json()["errors"][0]["code"] == "file_too_large"


def test_only_the_owner_imports_into_an_editable_application(
    exporter, other_exporter, draft, submitted, officer
):
    data = xlsx(forty_lines()[:1])
    assert post(other_exporter, draft, data).status_code == 404
    assert post(officer, submitted, data).status_code == 403
    assert post(exporter, submitted, data).json()["code"] == "not_editable"
    with pytest.raises(ApplicationError):
        import_goods(other_exporter, draft, upload("g.xlsx", data))


def test_the_template_downloads_as_xlsx_and_csv_and_imports_as_it_stands(exporter, draft):
    client = api_client_for(exporter)
    for file_format, content_type in (
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("csv", "text/csv"),
    ):
        response = client.get(f"/api/v1/applications/items-template?format={file_format}")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="goods-template.{file_format}"'
        assert import_goods(exporter, draft, upload(f"t.{file_format}", response.content)) == 1
    sheet = load_workbook(io.BytesIO(goods_template("xlsx").content)).active
    assert [cell.value for cell in sheet[1]] == list(GOODS_COLUMNS)
    assert client.get("/api/v1/applications/items-template?format=ods").status_code == 400


def test_the_service_reports_errors_without_the_api(exporter, draft):
    with pytest.raises(GoodsImportError) as refused:
        import_goods(exporter, draft, upload("g.csv", csv_bytes([row(unit="")])))
    assert refused.value.errors[0]["cell"] == "D2"
    assert GoodsItem.objects.filter(application=draft).count() == 2


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_it_is_read(exporter, draft, settings):
    import zipfile

    settings.GOODS_IMPORT_MAX_BYTES = 100_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", " " * 3_000_000)  # 3 MB of nothing, a few KB packed
    response = post(exporter, draft, buffer.getvalue())
    assert response.json()["errors"][0]["code"] == "file_too_large"


def test_lines_pasted_from_a_spreadsheet_are_tab_separated_text(exporter, draft):
    text = "\n".join(
        "\t".join(line) for line in [GOODS_COLUMNS, *([EXAMPLE_ROW[name] for name in GOODS_COLUMNS],) * 3]
    )
    assert import_goods(exporter, draft, io.BytesIO(text.encode())) == 3
    assert draft.items.count() == 3


def test_pasted_lines_without_a_header_follow_the_templates_column_order(exporter, draft):
    lines_only = [[EXAMPLE_ROW[name] for name in GOODS_COLUMNS]] * 2
    lines_only[1] = [*lines_only[1][:1], "12", *lines_only[1][2:]]
    text = "\n".join("\t".join(line) for line in lines_only)
    with pytest.raises(GoodsImportError) as refused:
        import_goods(exporter, draft, io.BytesIO(text.encode()))
    assert [(e["row"], e["cell"]) for e in refused.value.errors] == [(2, "B2")]
