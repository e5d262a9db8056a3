"""Webhook secrets sealed under the KEK, bound to their endpoint's id; the clear columns go."""

from django.db import migrations, models

from signing import sealing


def _aad(endpoint_id, field):
    # The same associated data as certificates.notifications.secrets.secret_aad.
    return f"certsvc webhook endpoint {endpoint_id} {field}".encode()


def seal_secrets(apps, schema_editor):
    WebhookEndpoint = apps.get_model("notifications", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.all():
        for field in ("secret", "previous_secret"):
            plaintext = getattr(endpoint, field)
            blob = sealing.seal(plaintext.encode(), aad=_aad(endpoint.pk, field)) if plaintext else b""
            setattr(endpoint, f"sealed_{field}", blob)
        endpoint.save(update_fields=["sealed_secret", "sealed_previous_secret"])


def unseal_secrets(apps, schema_editor):
    WebhookEndpoint = apps.get_model("notifications", "WebhookEndpoint")
    for endpoint in WebhookEndpoint.objects.all():
        for field in ("secret", "previous_secret"):
            blob = bytes(getattr(endpoint, f"sealed_{field}"))
            setattr(endpoint, field, sealing.unseal(blob, aad=_aad(endpoint.pk, field)).decode() if blob else "")
        endpoint.save(update_fields=["secret", "previous_secret"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0002_endpoint_events"),
    ]

    operations = [
        migrations.AddField(
            model_name="webhookendpoint",
            name="sealed_secret",
            field=models.BinaryField(default=b"", editable=False),
        ),
        migrations.AddField(
            model_name="webhookendpoint",
            name="sealed_previous_secret",
            field=models.BinaryField(blank=True, default=b"", editable=False),
        ),
        migrations.RunPython(seal_secrets, unseal_secrets),
        migrations.RemoveField(model_name="webhookendpoint", name="secret"),
        migrations.RemoveField(model_name="webhookendpoint", name="previous_secret"),
    ]
