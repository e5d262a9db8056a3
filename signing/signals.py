"""Signals sent inside the transaction of a key state change, so listeners can record events.

``signing_key_activated(sender=SigningKey, key=<new active key>, previous=<retired key or None>)``
``signing_key_revoked(sender=SigningKey, key=<revoked key>)``
``checkpoint_signed(sender=Checkpoint, checkpoint=<the new checkpoint>)``: a log checkpoint was signed
(inside the transaction that stores it; witnesses are asked to cosign it).
"""

from django.dispatch import Signal

signing_key_activated = Signal()
signing_key_revoked = Signal()
checkpoint_signed = Signal()
