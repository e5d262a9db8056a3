import base64
import secrets

from django.db import migrations, models

import certificates.issuance.access_codes


def issued_certificates_get_codes(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    for certificate in Certificate.objects.filter(access_code="").only("id").iterator():
        code = base64.b32encode(secrets.token_bytes(10)).decode("ascii").rstrip("=")
        Certificate.objects.filter(pk=certificate.pk).update(access_code=code)


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0010_certificate_exhausted_at"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="access_code",
            field=models.CharField(default="", editable=False, max_length=32, verbose_name="access code"),
            preserve_default=False,
        ),
        migrations.RunPython(issued_certificates_get_codes, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="certificate",
            name="access_code",
            field=models.CharField(
                default=certificates.issuance.access_codes.access_code_new,
                editable=False,
                max_length=32,
                verbose_name="access code",
            ),
        ),
    ]
