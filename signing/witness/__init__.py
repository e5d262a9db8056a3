"""``certsvc-witness``: a customs office's witness of the certsvc transparency log (CONTRACT §11).

It keeps the last checkpoint it cosigned in a local state file, and cosigns a newer checkpoint only
when the service's signature verifies with the pinned keys and an RFC 9162 consistency proof shows
that the newer tree extends the one it cosigned; any rollback or inconsistency is refused loudly
(exit 3). With ``--monitor`` it also reads the entries it has not seen, checks that they make up
the cosigned tree, and reports its country's certificates. It never imports Django.
"""

from __future__ import annotations

from signing.witness.cli import main

__all__ = ["main"]
