import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0011_certificate_access_code"),
    ]

    operations = [
        migrations.CreateModel(
            name="Inquiry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("issuer_country", models.CharField(max_length=2, verbose_name="issuer country")),
                ("question", models.TextField(max_length=2000, verbose_name="question")),
                (
                    "status",
                    models.CharField(
                        choices=[("open", "Open"), ("overdue", "Overdue"), ("answered", "Answered")],
                        default="open",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                (
                    "asked_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="asked at"),
                ),
                ("due_at", models.DateTimeField(verbose_name="due at")),
                ("overdue_at", models.DateTimeField(blank=True, null=True, verbose_name="overdue since")),
                ("answer", models.TextField(blank=True, max_length=2000, verbose_name="answer")),
                ("confirmed", models.BooleanField(blank=True, null=True, verbose_name="confirmed")),
                ("answered_at", models.DateTimeField(blank=True, null=True, verbose_name="answered at")),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "asked_by",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "certificate",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="inquiries",
                        to="certificates.certificate",
                    ),
                ),
                (
                    "customs_organization",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="certificates.organization",
                    ),
                ),
            ],
            options={
                "verbose_name": "customs inquiry",
                "verbose_name_plural": "customs inquiries",
                "ordering": ["due_at", "id"],
                "indexes": [
                    models.Index(fields=["status", "due_at"], name="inquiry_status_due"),
                    models.Index(fields=["customs_organization", "asked_at"], name="inquiry_org_time"),
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("answered_at__isnull", False),
                                ("confirmed__isnull", False),
                                ("status", "answered"),
                            ),
                            models.Q(
                                models.Q(("status", "answered"), _negated=True),
                                ("answered_at__isnull", True),
                                ("confirmed__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="inquiry_answered_has_answer",
                    )
                ],
            },
        ),
    ]
