"""What issuance announces to the rooms above it, which never need to be imported here."""

from django.dispatch import Signal

# Sent once the transaction that issued a certificate has committed, with ``number``.
certificate_issued = Signal()
