"""Migration 0011: certificates issued before access codes existed get one each, distinct and random."""

from __future__ import annotations

import base64
import re

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from certificates.issuance.access_codes import access_code_matches
from certificates.issuance.models import Certificate
from tests.issuance.helpers import issue

BEFORE = [("certificates", "0010_certificate_exhausted_at")]
BASE32 = re.compile(r"^[A-Z2-7]{16}$")


def columns() -> set[str]:
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, Certificate._meta.db_table)
    return {column.name for column in description}


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_existing_certificates_distinct_16_character_base32_codes(
    signing_key, officer, make_submitted
):
    issued = [issue(make_submitted(), officer) for _ in range(3)]
    later = make_submitted()  # issued below, in the old state, as a certificate of v1 was
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    assert "access_code" not in columns()
    old_certificate = executor.loader.project_state(BEFORE).apps.get_model("certificates", "Certificate")
    template = Certificate.objects.filter(pk=issued[0].pk).values(*_old_fields(old_certificate)).get()
    old = old_certificate.objects.create(
        **{**template, "application_id": later.pk, "number": "UZBY-2026-EX-000999", "sequence": 999}
    )

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    codes = dict(Certificate.objects.values_list("pk", "access_code"))
    assert set(codes) == {*(certificate.pk for certificate in issued), old.pk}
    assert all(BASE32.match(code) for code in codes.values()), codes
    assert len(set(codes.values())) == 4
    # 80 bits each: 10 bytes are exactly 16 base32 characters, no padding.
    assert all(len(base64.b32decode(code)) == 10 for code in codes.values())
    # Fresh codes, not the ones the rows had before the column was dropped.
    assert not any(access_code_matches(codes[c.pk], c.access_code) for c in issued)
    assert Certificate.objects.get(pk=old.pk).number == "UZBY-2026-EX-000999"


def _old_fields(model) -> list[str]:
    """The columns of the certificate table in the old state, but its id."""
    return [field.attname for field in model._meta.concrete_fields if field.attname != "id"]
