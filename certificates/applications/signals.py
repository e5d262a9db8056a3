"""What the application workflow announces to the rooms above it, which it never imports."""

from django.dispatch import Signal

# Sent inside the transaction that approved ``application`` (an officer's decision, or an
# officer's replacement created approved): receivers' writes commit or roll back with it.
application_approved = Signal()
