"""The app's model index: Django loads ``certificates.models``; each room defines its own models.

Code inside ``certificates`` imports models from their room (``certificates.issuance.models``),
never from here, so that the rooms' layering stays visible to import-linter.
"""

from certificates.accounts.models import Organization, User
from certificates.api.models import IdempotencyKey
from certificates.applications.models import (
    Application,
    ApplicationEvent,
    ApplicationVersion,
    GoodsItem,
    SupportingDocument,
)
from certificates.credentials.models import StatusList
from certificates.customs.models import Declaration, DeclarationLine, ItemUsage
from certificates.issuance.models import Certificate, CertificateEvent, IssuanceOrder, NumberSequence
from certificates.verification.models import Verification

__all__ = [
    "Application",
    "ApplicationEvent",
    "ApplicationVersion",
    "Certificate",
    "CertificateEvent",
    "Declaration",
    "DeclarationLine",
    "GoodsItem",
    "IdempotencyKey",
    "IssuanceOrder",
    "ItemUsage",
    "NumberSequence",
    "Organization",
    "StatusList",
    "SupportingDocument",
    "User",
    "Verification",
]
