"""Each submission is kept; after a return the officer sees what changed, field by field and line by line."""

from __future__ import annotations

from decimal import Decimal

from django.utils import translation

from certificates.applications.models import ApplicationVersion
from certificates.applications.services import (
    _copied_items,
    application_return,
    application_submit,
    application_update,
)
from certificates.applications.versions import resubmission_diff


def submit(application, exporter):
    return application_submit(application=application, actor=exporter)


def test_every_submission_is_kept_with_its_fields_and_lines(draft, exporter):
    submit(draft, exporter)
    version = ApplicationVersion.objects.get(application=draft)
    assert version.number == 1
    assert version.returned_at is None
    assert version.fields["consignee_name"] == "Minsk Trading JSC"
    assert version.fields["consignee_country"] == "BY"
    assert version.fields["invoice_date"] == draft.invoice_date.isoformat()
    assert [line["line"] for line in version.items] == [1, 2]
    assert version.items[0]["quantity"] == "1200.500"
    assert resubmission_diff(draft) is None  # nothing was returned yet


def test_the_diff_shows_changed_fields_and_lines_added_removed_and_changed(draft, exporter, officer):
    submit(draft, exporter)
    application_return(application=draft, actor=officer, reason="The invoice number is wrong.")
    returned = ApplicationVersion.objects.get(application=draft)
    assert returned.returned_at is not None
    assert returned.return_reason == "The invoice number is wrong."
    items = _copied_items(draft)
    items[0]["quantity"] = Decimal("1000.000")
    items.append({**items[1], "description": "Cotton yarn, carded"})
    application_update(
        application=draft,
        actor=exporter,
        fields={"invoice_number": "INV-FIXED", "transport_details": "Truck 02B"},
        items=items,
    )
    submit(draft, exporter)
    diff = resubmission_diff(draft)
    assert diff is not None
    assert diff.changed
    assert (diff.returned.number, diff.current.number) == (1, 2)
    fields = {(change.field, change.group): (change.old, change.new) for change in diff.fields}
    assert fields == {
        ("invoice_number", "invoice"): (returned.fields["invoice_number"], "INV-FIXED"),
        ("transport_details", "route"): ("Truck 01A123BC", "Truck 02B"),
    }
    assert [(line.line, line.change) for line in diff.lines] == [(1, "changed"), (3, "added")]
    changed = diff.lines[0]
    assert [(c.field, c.old, c.new) for c in changed.columns] == [("quantity", "1200.500", "1000.000")]
    with translation.override("en"):
        assert changed.columns[0].label == "quantity"
    with translation.override("ru"):
        labels = {change.field: change.label for change in diff.fields}
    assert labels["invoice_number"] == "номер счёта-фактуры"
    assert diff.lines[1].old is None
    assert diff.lines[1].new["description"] == "Cotton yarn, carded"


def test_a_removed_line_is_shown_with_its_old_values(draft, exporter, officer):
    submit(draft, exporter)
    application_return(application=draft, actor=officer, reason="Line 2 is not ours.")
    application_update(application=draft, actor=exporter, fields={}, items=_copied_items(draft)[:1])
    submit(draft, exporter)
    diff = resubmission_diff(draft)
    assert [(line.line, line.change, line.new) for line in diff.lines] == [(2, "removed", None)]
    assert diff.lines[0].old["hs_code"] == "520512"
    assert diff.fields == []


def test_an_unchanged_resubmission_has_an_empty_diff(draft, exporter, officer):
    submit(draft, exporter)
    application_return(application=draft, actor=officer, reason="Check the weights.")
    submit(draft, exporter)
    diff = resubmission_diff(draft)
    assert diff is not None
    assert not diff.changed


def test_the_diff_compares_with_the_last_return(draft, exporter, officer):
    for reason in ("first", "second"):
        submit(draft, exporter)
        application_return(application=draft, actor=officer, reason=reason)
        application_update(application=draft, actor=exporter, fields={"invoice_number": f"INV-{reason}"})
    submit(draft, exporter)
    diff = resubmission_diff(draft)
    assert (diff.returned.number, diff.returned.return_reason, diff.current.number) == (2, "second", 3)
    assert [(c.old, c.new) for c in diff.fields] == [("INV-first", "INV-second")]
