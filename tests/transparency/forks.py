"""A rewritten log, as a thief of the registry key would show it: in memory, signed as the issuer signs."""

from __future__ import annotations

import base64
import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from django.utils import timezone

from signing.canonical import canonicalize
from signing.jws import TYP_CHECKPOINT
from signing.services import jws_sign
from signing.transparency import merkle
from signing.transparency.services import checkpoint_body


class ForkedLog:
    """Entries of a tree that is not the service's; checkpoints and proofs over them."""

    def __init__(self, entries: list[bytes]) -> None:
        self.entries = entries
        self.leaves = [merkle.leaf_hash(entry) for entry in entries]

    def subtree(self, level: int, index: int) -> bytes:
        return merkle.root_from_leaf_hashes(self.leaves[index << level : (index + 1) << level])

    def checkpoint(self) -> dict:
        """Signed through the function the service signs its checkpoints with, so with the same key."""
        root = merkle.root_from_leaf_hashes(self.leaves)
        body = checkpoint_body(tree_size=len(self.leaves), root_hash=root, timestamp=timezone.now())
        signed = jws_sign(payload=canonicalize(body), typ=TYP_CHECKPOINT)
        return {**body, "signature": signed.compact, "cosignatures": []}

    def consistency(self, first: int, second: int) -> dict:
        proof = merkle.consistency_proof(first, second, self.subtree)
        return {"first": first, "second": second, "proof": [_b64(node) for node in proof]}

    def inclusion(self, index: int) -> dict:
        size = len(self.leaves)
        path = merkle.inclusion_path(index, size, self.subtree)
        return {
            "leaf_index": index,
            "tree_size": size,
            "leaf_hash": _b64(self.leaves[index]),
            "audit_path": [_b64(node) for node in path],
        }


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


@contextmanager
def serving_fork(upstream: str, fork: ForkedLog, checkpoint: dict) -> Iterator[str]:
    """A server that answers the fork's checkpoint and consistency proofs and passes the rest upstream."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            query = {name: values[0] for name, values in parse_qs(parts.query).items()}
            if parts.path == "/api/v1/log/checkpoint":
                self._answer(200, checkpoint)
            elif parts.path == "/api/v1/log/consistency":
                self._answer(200, fork.consistency(int(query["first"]), int(query["second"])))
            else:
                self._forward(None)

        def do_POST(self) -> None:
            self._forward(self.rfile.read(int(self.headers.get("Content-Length", 0))))

        def _forward(self, body: bytes | None) -> None:
            headers = {name: value for name, value in self.headers.items() if name.lower() != "host"}
            # Plain http to the test's own live server.
            request = urllib.request.Request(upstream + self.path, data=body, headers=headers)  # noqa: S310
            try:
                with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                    self._raw(response.status, response.read())
            except urllib.error.HTTPError as exc:
                self._raw(exc.code, exc.read())

        def _answer(self, status: int, body: dict) -> None:
            self._raw(status, json.dumps(body).encode())

        def _raw(self, status: int, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
