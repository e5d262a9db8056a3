"""What issuance announces to the rooms above it, which never need to be imported here."""

from django.dispatch import Signal

# Sent once the transaction that issued a certificate has committed, with ``number``.
certificate_issued = Signal()

# Sent inside the transaction that revokes or supersedes a certificate, with ``certificate``.
# Each receiver answers with the organizations, beyond the exporter, that are to hear of it.
certificate_watchers_asked = Signal()
