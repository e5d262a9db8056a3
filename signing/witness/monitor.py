"""``--monitor``: read the entries not seen yet, prove they make up the cosigned tree, report a country's.

The state keeps the tree's right edge (its complete subtrees, largest first), so each run hashes only
the new entries and still compares the whole tree's root with the cosigned checkpoint's.
"""

from __future__ import annotations

import base64
import json
from typing import Any, TextIO

from signing.jws import TYP_CERTIFICATE, JWSError, parse_compact
from signing.transparency import merkle
from signing.witness.client import Service
from signing.witness.witnessing import Inconsistent

__all__ = ["monitor_round"]

BATCH = 1000


def monitor_round(service: Service, state: dict[str, Any], *, country: str, out: TextIO) -> dict[str, Any]:
    """Read entries up to the cosigned tree size; ``Inconsistent`` when they do not hash to its root."""
    checkpoint = state["checkpoint"]
    seen = state.get("monitor", {"next": 0, "edge": []})
    index, edge = int(seen["next"]), [(level, _b64(node)) for level, node in seen["edge"]]
    while index < checkpoint["tree_size"]:
        end = min(index + BATCH, checkpoint["tree_size"])
        for entry in service.get("/api/v1/log/entries", start=index, end=end)["entries"]:
            raw = base64.b64decode(entry, validate=True)
            edge = _edge_append(edge, merkle.leaf_hash(raw))
            _report(index, raw, country.upper(), out)
            index += 1
    if _edge_root(edge) != base64.b64decode(checkpoint["root_hash"]):
        raise Inconsistent(
            f"FORK: the log's entries 0..{index} do not hash to the root of the checkpoint "
            "this witness cosigned"
        )
    edge_text = [[level, base64.b64encode(node).decode("ascii")] for level, node in edge]
    return {**state, "monitor": {"next": index, "edge": edge_text}}


def _b64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)


def _edge_append(edge: list[tuple[int, bytes]], leaf: bytes) -> list[tuple[int, bytes]]:
    """The right edge after one more leaf: equal neighbours merge, like carrying in binary addition."""
    edge = [*edge, (0, leaf)]
    while len(edge) > 1 and edge[-2][0] == edge[-1][0]:
        (level, left), (_, right) = edge[-2], edge[-1]
        edge[-2:] = [(level + 1, merkle.node_hash(left, right))]
    return edge


def _edge_root(edge: list[tuple[int, bytes]]) -> bytes:
    if not edge:
        return merkle.EMPTY_ROOT
    root = edge[-1][1]
    for _, node in reversed(edge[:-1]):
        root = merkle.node_hash(node, root)
    return root


def _report(index: int, raw: bytes, country: str, out: TextIO) -> None:
    """One line per certificate whose issuer or exporter is of ``country``; events are skipped."""
    document = _certificate(raw)
    if document is None:
        return
    issuer, exporter = _party(document, "issuer"), _party(document, "exporter")
    if country in (issuer.get("country"), exporter.get("country"), document.get("country_of_export")):
        line = {
            "leaf_index": index,
            "number": document.get("number"),
            "type": document.get("type"),
            "issued_at": document.get("issued_at"),
            "issuer": issuer.get("country"),
            "exporter": exporter.get("name"),
            "country_of_destination": document.get("country_of_destination"),
        }
        print(json.dumps(line, ensure_ascii=False), file=out)


def _certificate(raw: bytes) -> dict[str, Any] | None:
    try:
        parsed = parse_compact(raw.decode("ascii"))
        document = json.loads(parsed.payload) if parsed.typ == TYP_CERTIFICATE else None
    except (JWSError, UnicodeDecodeError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _party(document: dict[str, Any], member: str) -> dict[str, Any]:
    """A party of the entry, or nothing when the entry holds something else: a monitor trusts no entry."""
    party = document.get(member)
    return party if isinstance(party, dict) else {}
