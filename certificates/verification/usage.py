"""What declarations drew from a certificate's items, as verify answers carry it to customs and officers.

The customs room records declarations and sits above verification, so it hands its reader in at
start-up (``certificates.apps``) instead of verification importing it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from certificates import roles
from certificates.verification.entry import RegistryEntry

UsageReader = Callable[[RegistryEntry], list[dict[str, Any]]]
_READERS: list[UsageReader] = []


def usage_reader_register(reader: UsageReader) -> None:
    _READERS[:] = [reader]


def certificate_usage_for(*, entry: RegistryEntry | None, user: Any) -> list[dict[str, Any]] | None:
    """``[{item_line, quantity, used, remaining}]`` for customs users and officers, else ``None``."""
    if entry is None or not _READERS or not (roles.is_customs(user) or roles.is_officer(user)):
        return None
    return _READERS[0](entry)
