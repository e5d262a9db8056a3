"""Settings of the transparency log and its witnesses: where the log asks the app what it cannot know."""

from __future__ import annotations

# Dotted paths into the app: the log knows bytes, not certificates or roles.
TRANSPARENCY_NUMBER_RESOLVER = "certificates.issuance.selectors.certificate_log_index"
# Who may be a witness's user (CONTRACT §11: a customs user).
TRANSPARENCY_WITNESS_USER_CHECK = "certificates.roles.is_customs"
# Who may read whole entries besides witnesses' users (monitors: customs).
TRANSPARENCY_MONITOR_CHECK = "certificates.roles.is_customs"
