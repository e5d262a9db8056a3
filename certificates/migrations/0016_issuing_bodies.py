"""Issuing bodies per country (CONTRACT §3, §6 v1.1).

The existing issuer becomes the Uzbek body (prefix ``UZ``): it owns the number sequences and every
key made so far. Those keys signed receipts, bundles, checkpoints and log events too, so each gets
``registry_until`` = the time of this migration: what it signed before then stays the registry's.
The registry's own first key cannot be made here (key material needs the backends and the KEK):
the first registry signature after this migration makes it (``signing.services``), or
``signing_key_create --registry --activate`` / ``seed_demo`` does before.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone

import certificates.validators

UZBEK_PREFIX = "UZ"


def _uzbek_body(Organization):
    issuers = Organization.objects.filter(kind="issuer").order_by("id")
    body = issuers.filter(country="UZ").first() or issuers.first()
    if body is not None:
        body.country, body.number_prefix = "UZ", UZBEK_PREFIX
        body.save(update_fields=["country", "number_prefix"])
    return body


def forwards(apps, schema_editor):
    Organization = apps.get_model("certificates", "Organization")
    body = _uzbek_body(Organization)
    apps.get_model("certificates", "NumberSequence").objects.update(prefix=UZBEK_PREFIX)
    if body is not None:
        apps.get_model("certificates", "Certificate").objects.update(issuer=body)
    keys = apps.get_model("signing", "SigningKey").objects.all()
    if keys.exclude(issuer_country="").exists():
        return  # keys have owners already (this migration ran before and was rolled back)
    keys.update(issuer_country="UZ", issuer_name=body.name if body else "")
    keys.filter(activated_at__isnull=False).update(registry_until=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0015_status_bundle_history"),
        ("signing", "0004_key_scopes"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="number_prefix",
            field=models.CharField(
                blank=True,
                default="",
                max_length=8,
                validators=[certificates.validators.validate_number_prefix],
                verbose_name="number prefix",
            ),
        ),
        migrations.AddConstraint(
            model_name="organization",
            constraint=models.UniqueConstraint(
                condition=models.Q(("number_prefix", ""), _negated=True),
                fields=("number_prefix",),
                name="organization_unique_number_prefix",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="issuer",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="issued_certificates",
                to="certificates.organization",
                verbose_name="issuing body",
            ),
        ),
        migrations.RemoveConstraint(model_name="certificate", name="certificate_unique_sequence"),
        migrations.RemoveConstraint(model_name="numbersequence", name="number_sequence_unique"),
        migrations.AddField(
            model_name="numbersequence",
            name="prefix",
            field=models.CharField(default=UZBEK_PREFIX, max_length=8, verbose_name="prefix"),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="numbersequence",
            constraint=models.UniqueConstraint(
                fields=("prefix", "year", "type"), name="number_sequence_unique_per_body"
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
